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

describe('one SKU translation on the stock webhook (issue 10, class 7)', () => {
  let w: TestWorld;
  let s: ServiceUnderTest;
  afterEach(async () => {
    await s?.close();
    await w?.close();
  });

  const post = (svc: ServiceUnderTest, productCode: string) =>
    fetch(svc.stockUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product_code: productCode }),
    });

  it('updates SKU 00777 for Clarus product 00000777 under padStart 8 (the inverse rule says 777)', async () => {
    w = await startTestWorld();
    const chans = await seedSupplyChannels(w.api, ['web', 'store']);
    await seedInventoryEntries(
      w.api,
      chans.map((channel) => ({ sku: '00777', channel, quantity: 1 })),
    );
    w.clarus.seedProducts([{ code: '00000777' }]);
    w.clarus.setStock([{ productCode: '00000777', available: 40 }]);
    s = await startService(w, {
      CLARUS_SKU_RULES: JSON.stringify({ padStart: { length: 8, char: '0' } }),
      INFLIGHT_LOOKBACK_MINUTES: '0',
    });
    const res = await post(s, '00000777');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      outcome: 'synced',
      productCode: '00000777',
      skus: ['00777'],
      updated: 2,
      unmappedCodes: [],
      collisions: [],
    });
    expect((await inventoryByChannelKey(w.api, chans)).get('00777')).toEqual({ web: [40], store: [40] });
  });

  it('reports 01234 and 1234 (stripLeadingZeros) as a sku-collision naming both and writes neither', async () => {
    w = await startTestWorld();
    const chans = await seedSupplyChannels(w.api, ['web']);
    await seedInventoryEntries(w.api, [
      { sku: '01234', channel: chans[0]!, quantity: 5 },
      { sku: '1234', channel: chans[0]!, quantity: 6 },
    ]);
    w.clarus.seedProducts([{ code: '1234' }]);
    w.clarus.setStock([{ productCode: '1234', available: 40 }]);
    s = await startService(w, { CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true }) });
    await w.ct.resetRequests();
    const res = await post(s, '1234');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      outcome: 'sku_collision',
      productCode: '1234',
      skus: [],
      collisions: [{ code: '1234', skus: ['01234', '1234'] }],
      updated: 0,
      exceptionsRaised: 1,
    });
    expect(
      (await w.ct.requests()).filter((r) => r.method === 'POST' && /\/inventory(\/|\?|$)/.test(r.url)),
    ).toEqual([]);
    const state = await inventoryByChannelKey(w.api, chans);
    expect(state.get('01234')).toEqual({ web: [5] });
    expect(state.get('1234')).toEqual({ web: [6] });
    const open = (await s.integration.exceptions.list({ status: 'open' })).filter(
      (e) => e.kind === 'sku-collision',
    );
    expect(open.map((e) => [e.entity.id, e.team])).toEqual([['1234', 'operations']]);
    expect(open[0]?.message).toContain('01234 and 1234');

    // A repeat changes nothing and raises nothing new.
    const again = await post(s, '1234');
    expect(await again.json()).toMatchObject({ outcome: 'sku_collision', exceptionsRaised: 0 });
  });
});

describe('the stock webhook against a concurrent inventory run (issue 10, class 8)', () => {
  let w: TestWorld;
  let s: ServiceUnderTest;
  afterAll(async () => {
    await s?.close();
    await w?.close();
  });

  it('job reads Clarus at T0, the webhook reads at T1 and writes over HTTP, the job keeps the fresher value', async () => {
    w = await startTestWorld();
    const chans = await seedSupplyChannels(w.api, ['web', 'store']);
    await seedInventoryEntries(
      w.api,
      chans.map((channel) => ({ sku: 'RACE-1', channel, quantity: 0 })),
    );
    w.clarus.seedProducts([{ code: 'RACE-1' }]);
    w.clarus.setStock([{ productCode: 'RACE-1', available: 10 }]);
    const env = { INFLIGHT_LOOKBACK_MINUTES: '0' };
    s = await startService(w, env);
    let webhookStatus: number | undefined;
    let fired = false;
    const job = w.integration(env, {
      quickClarusRetries: true,
      wrapClarus: (client) => ({
        ...client,
        async *stockBalances(query, options) {
          yield* client.stockBalances(query, options);
          if (fired) return;
          fired = true;
          // After the job's complete read (T0), before its writes: Clarus moves and the webhook fires.
          w.clarus.setStock([{ productCode: 'RACE-1', available: 25 }]);
          const res = await fetch(s.stockUrl(), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ product_code: 'RACE-1' }),
          });
          webhookStatus = res.status;
        },
      }),
    });
    const result = await job.inventorySync.run();
    expect(webhookStatus).toBe(200);
    expect(result).toMatchObject({ kind: 'ran', summary: { outcome: 'finished', failed: 0 } });
    expect((await inventoryByChannelKey(w.api, chans)).get('RACE-1')).toEqual({ web: [25], store: [25] });
  });
});
