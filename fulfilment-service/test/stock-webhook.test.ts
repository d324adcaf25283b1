import type { Channel, InventoryEntry } from '@commercetools/platform-sdk';
import {
  inventoryByChannelKey,
  seedInventoryEntries,
  seedSupplyChannels,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { startService, startTestWorld, type ServiceUnderTest } from './harness';

let world: TestWorld;
let service: ServiceUnderTest;
let channels: Channel[];
let entries: InventoryEntry[];

beforeAll(async () => {
  world = await startTestWorld();
  channels = await seedSupplyChannels(world.api, ['web', 'store', 'market']);
  entries = await seedInventoryEntries(
    world.api,
    ['STOCK-1', 'STOCK-2'].flatMap((sku) => channels.map((channel) => ({ sku, channel, quantity: 5 }))),
  );
  world.clarus.seedProducts([{ code: 'STOCK-1' }, { code: 'STOCK-2' }]);
  world.clarus.setStock([
    { productCode: 'STOCK-1', available: 40 },
    { productCode: 'STOCK-2', available: 7 },
  ]);
  // The same ATS rules as the inventory job: a per-channel safety stock here.
  service = await startService(world, { SAFETY_STOCK_OVERRIDES: JSON.stringify({ 'channel:market': 5 }) });
  world.clarus.configureWebhooks({ stockUrl: service.stockUrl() });
});

afterAll(async () => {
  await service?.close();
  await world?.close();
});

const inventoryWrites = async () =>
  (await world.ct.requests()).filter(
    (r) => r.method === 'POST' && /^\/[^/]+\/inventory(\/|\?|$)/.test(r.url),
  );
const idsOf = (sku: string) =>
  entries
    .filter((e) => e.sku === sku)
    .map((e) => e.id)
    .sort();

describe('POST /clarus/webhooks/stock, fired by the Clarus simulator', () => {
  it('writes the new ATS of that SKU on every channel and nothing else', async () => {
    await world.ct.resetRequests();
    await world.clarus.adjustStock('STOCK-1', 10); // returns after the webhook answered

    const state = await inventoryByChannelKey(world.api, channels);
    expect(state.get('STOCK-1')).toEqual({ web: [50], store: [50], market: [45] });
    expect(state.get('STOCK-2')).toEqual({ web: [5], store: [5], market: [5] });
    const writes = await inventoryWrites();
    expect(writes).toHaveLength(3);
    expect(writes.map((w) => w.url.split('?')[0]!.split('/').pop()).sort()).toEqual(idsOf('STOCK-1'));
    expect(writes.every((w) => w.status === 200)).toBe(true);
  });

  it('answers with what was written, and writes nothing when nothing changed', async () => {
    const body = {
      data: { id: 77, type: 'stock_adjustments', attributes: { product_code: 'STOCK-1', quantity: 0 } },
    };
    await world.ct.resetRequests();
    const res = await fetch(service.stockUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-claruswms-subdomain': world.clarus.subdomain },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      outcome: 'synced',
      productCode: 'STOCK-1',
      skus: ['STOCK-1'],
      channels: expect.arrayContaining(['web', 'store', 'market']),
      created: 0,
      updated: 0,
      unchanged: 3,
      failed: 0,
    });
    expect(await inventoryWrites()).toEqual([]);

    await world.ct.resetRequests();
    await world.clarus.adjustStock('STOCK-1', -48);
    expect((await inventoryByChannelKey(world.api, channels)).get('STOCK-1')).toEqual({
      web: [2],
      store: [2],
      market: [0],
    });
    expect(await inventoryWrites()).toHaveLength(3);
  });

  it('finds the product code in other body shapes', async () => {
    world.clarus.setStock([{ productCode: 'STOCK-2', available: 9 }]);
    const res = await fetch(service.stockUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product: { code: 'STOCK-2' }, quantity: 2 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ productCode: 'STOCK-2', updated: 3 });
    expect((await inventoryByChannelKey(world.api, channels)).get('STOCK-2')).toEqual({
      web: [9],
      store: [9],
      market: [4],
    });
  });

  it('answers 503 while Clarus is unavailable', async () => {
    world.clarus.injectFault({ kind: 'server_error', status: 503, match: { path: '/graphql' } });
    try {
      const res = await fetch(service.stockUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ product_code: 'STOCK-1' }),
      });
      expect(res.status).toBe(503);
    } finally {
      world.clarus.clearFaults();
    }
  });
});
