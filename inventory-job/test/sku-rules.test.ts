import {
  inventoryByChannelKey,
  seedInventoryEntries,
  seedProducts,
  seedSupplyChannels,
} from '@clarus-connector/sandbox';
import { buildJob, openExceptionIds, startTestWorld, type TestWorld } from './harness';

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
      skusRead: 4,
      unmappedCodes: 1,
      created: 4,
      updated: 2,
    });
    const state = await inventoryByChannelKey(world.api, channels);
    expect(Object.fromEntries(state)).toEqual({
      '12345': { web: [12], store: [12] },
      '0042': { web: [7], store: [7] },
      '67890': { web: [5], store: [5] },
    });
    // 99999999 → SKU 99999999, which commercetools does not sell; "123" is no SKU's code at all.
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
