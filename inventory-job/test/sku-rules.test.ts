import {
  importOrder,
  inventoryByChannelKey,
  seedInventoryEntries,
  seedProducts,
  seedSupplyChannels,
} from '@clarus-connector/sandbox';
import { buildJob, inventoryWrites, openExceptionIds, startTestWorld, type TestWorld } from './harness';

let world: TestWorld;
afterAll(() => world?.close());

describe('SKU rules end to end', () => {
  it('turns Clarus 00012345 into commercetools 12345 (stripLeadingZeros + padStart), exactly where it can', async () => {
    world = await startTestWorld();
    const channels = await seedSupplyChannels(world.api, ['store', 'web']);
    const web = channels.find((c) => c.key === 'web')!;
    world.clarus.seedProducts(
      ['00012345', '00000042', '00067890', '99999999', '123'].map((code) => ({ code })),
    );
    world.clarus.setStock([
      { productCode: '00012345', available: 12 },
      { productCode: '00000042', available: 7 },
      { productCode: '00067890', available: 5 },
      { productCode: '99999999', available: 3 },
      { productCode: '123', available: 1 },
    ]);
    // "0042" keeps its zeros in commercetools; the exact index over sold SKUs finds it (the inverse says "42").
    await seedInventoryEntries(world.api, [
      { sku: '12345', channel: web, quantity: 0 },
      { sku: '0042', channel: web, quantity: 1 },
    ]);
    await seedProducts(world.api, [{ sku: '67890' }]);

    const env = {
      CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true, padStart: { length: 8, char: '0' } }),
    };
    const job = buildJob(world, { env });
    const res = await job.post();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'finished',
      // 99999999 and 123: no SKU of the catalogue (entries, variants) translates to them.
      skusRead: 3,
      unmappedCodes: 2,
      created: 4,
      updated: 2,
    });
    const state = await inventoryByChannelKey(world.api, channels);
    expect(Object.fromEntries(state)).toEqual({
      '12345': { web: [12], store: [12] },
      '0042': { web: [7], store: [7] },
      '67890': { web: [5], store: [5] },
    });
    // 99999999 would be SKU 99999999, which commercetools does not sell; "123" is no SKU's code at all.
    expect(await openExceptionIds(job.integration, 'sku-not-sold-in-commercetools')).toEqual([
      '123',
      '99999999',
    ]);

    // The stock webhook's path names a Clarus code.
    world.clarus.setStock([{ productCode: '00012345', available: 20 }]);
    const one = await job.integration.inventorySync.syncProductCodes(['00012345']);
    expect(one).toMatchObject({ skus: ['12345'], updated: 2, unmappedCodes: [] });
    expect((await inventoryByChannelKey(world.api, channels)).get('12345')).toEqual({
      web: [20],
      store: [20],
    });
  });
});

describe('one SKU translation for every Clarus → commercetools path (issue 10, class 7)', () => {
  let w: TestWorld;
  afterEach(() => w?.close());

  it('gives Clarus 00000777 to SKU 00777 under padStart 8, and creates entries for variant-only SKU 00888', async () => {
    w = await startTestWorld();
    const channels = await seedSupplyChannels(w.api, ['store', 'web']);
    w.clarus.seedProducts([{ code: '00000777' }, { code: '00000888' }]);
    w.clarus.setStock([
      { productCode: '00000777', available: 9 },
      { productCode: '00000888', available: 4 },
    ]);
    await seedInventoryEntries(
      w.api,
      channels.map((channel) => ({ sku: '00777', channel, quantity: 1 })),
    );
    // Sold as a variant without entries: the inverse rule says "888", which commercetools does not sell.
    await seedProducts(w.api, [{ sku: '00888' }]);
    const job = buildJob(w, {
      env: { CLARUS_SKU_RULES: JSON.stringify({ padStart: { length: 8, char: '0' } }) },
    });
    const res = await job.post();
    expect(res.body).toMatchObject({
      outcome: 'finished',
      skusRead: 2,
      unmappedCodes: 0,
      created: 2,
      updated: 2,
    });
    expect(Object.fromEntries(await inventoryByChannelKey(w.api, channels))).toEqual({
      '00777': { store: [9], web: [9] },
      '00888': { store: [4], web: [4] },
    });
    expect(await openExceptionIds(job.integration, 'sku-not-sold-in-commercetools')).toEqual([]);
  });

  it('reports 01234 and 1234 (stripLeadingZeros) as one sku-collision naming both, and writes neither', async () => {
    w = await startTestWorld();
    const channels = await seedSupplyChannels(w.api, ['web']);
    const web = channels[0]!;
    w.clarus.seedProducts([{ code: '1234' }, { code: '99' }]);
    w.clarus.setStock([
      { productCode: '1234', available: 40 },
      { productCode: '99', available: 3 },
    ]);
    await seedInventoryEntries(w.api, [
      { sku: '01234', channel: web, quantity: 5 },
      { sku: '1234', channel: web, quantity: 6 },
      { sku: '099', channel: web, quantity: 0 },
    ]);
    const job = buildJob(w, { env: { CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true }) } });
    await w.ct.resetRequests();
    const res = await job.post();
    expect(res.body).toMatchObject({ outcome: 'finished', collisions: 1, updated: 1, failed: 0 });
    // Neither SKU gets the other's stock, neither is zeroed as "not held": both keep their value.
    expect(Object.fromEntries(await inventoryByChannelKey(w.api, channels))).toEqual({
      '01234': { web: [5] },
      '1234': { web: [6] },
      '099': { web: [3] },
    });
    const open = (await job.integration.exceptions.list({ status: 'open' })).filter(
      (e) => e.kind === 'sku-collision',
    );
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ entity: { type: 'sku', id: '1234' }, team: 'operations' });
    expect(open[0]?.message).toContain('01234 and 1234');
    expect(await openExceptionIds(job.integration, 'sku-not-held-by-clarus')).toEqual([]);

    // A second run raises nothing new and still writes neither.
    await w.ct.resetRequests();
    const again = await job.post();
    expect(again.body).toMatchObject({ outcome: 'finished', collisions: 1, exceptionsRaised: 0, updated: 0 });
    expect(await inventoryWrites(w)).toEqual([]);
  });

  it('counts in-flight units per Clarus product: an order for 05678 lowers the stock of SKU 5678', async () => {
    w = await startTestWorld();
    const channels = await seedSupplyChannels(w.api, ['web']);
    w.clarus.seedProducts([{ code: '5678' }]);
    w.clarus.setStock([{ productCode: '5678', available: 10 }]);
    await seedInventoryEntries(w.api, [{ sku: '5678', channel: channels[0]!, quantity: 0 }]);
    // An old variant 05678 (no entries on the channels) still has an order waiting for export.
    await seedProducts(w.api, [{ sku: '5678' }, { sku: '05678' }]);
    await importOrder(w.api, { lines: [{ sku: '05678', quantity: 3 }] });
    await importOrder(w.api, { lines: [{ sku: '5678', quantity: 2 }] });
    const job = buildJob(w, {
      env: {
        CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true }),
        INFLIGHT_LOOKBACK_MINUTES: '60',
        SAFETY_STOCK: '0',
      },
    });
    const res = await job.post();
    expect(res.body).toMatchObject({ outcome: 'finished', inFlightOrders: 2, updated: 1 });
    // ATS = 10 − (3 + 2) − 0.
    expect((await inventoryByChannelKey(w.api, channels)).get('5678')).toEqual({ web: [5] });

    // The webhook's path counts the same orders (both SKUs of product 5678).
    w.clarus.setStock([{ productCode: '5678', available: 12 }]);
    const one = await job.integration.inventorySync.syncProductCodes(['5678']);
    expect(one).toMatchObject({ skus: ['5678'], updated: 1 });
    expect((await inventoryByChannelKey(w.api, channels)).get('5678')).toEqual({ web: [7] });
  });
});
