import { inventoryByChannelKey, seedInventoryEntries, seedSupplyChannels } from '@clarus-connector/sandbox';
import { buildJob, startTestWorld, type TestWorld } from './harness';

let world: TestWorld;
afterAll(() => world?.close());

describe('channels and Clarus warehouses', () => {
  it('sums one pool by default and only the mapped warehouses for a narrowed channel', async () => {
    world = await startTestWorld();
    const [second] = world.clarus.seedWarehouses([{ code: 'WH2' }]);
    const channels = await seedSupplyChannels(world.api, ['outlet', 'store', 'web']);
    world.clarus.seedProducts([{ code: 'A' }, { code: 'B' }]);
    world.clarus.setStock([
      { productCode: 'A', available: 10, warehouseId: 1 },
      { productCode: 'A', available: 4, warehouseId: second!.id },
      { productCode: 'B', available: 3, warehouseId: 1 },
    ]);
    // Entries on "outlet" (not synced: stays as it is) and "web"; "store" entries get created.
    await seedInventoryEntries(
      world.api,
      ['A', 'B'].flatMap((sku) => [0, 2].map((i) => ({ sku, channel: channels[i]!, quantity: 0 }))),
    );

    // Only "store" and "web" are synced; "store" sells warehouse 2 only; "web" keeps the default pool.
    const job = buildJob(world, {
      env: {
        INVENTORY_CHANNEL_KEYS: 'store,web',
        INVENTORY_CHANNEL_WAREHOUSES: JSON.stringify({ store: [second!.id] }),
      },
    });
    const res = await job.post();
    expect(res.body).toMatchObject({
      outcome: 'finished',
      channels: ['store', 'web'],
      created: 2,
      updated: 2,
    });
    const state = Object.fromEntries(await inventoryByChannelKey(world.api, channels));
    expect(state).toEqual({
      A: { outlet: [0], store: [4], web: [14] },
      B: { outlet: [0], store: [0], web: [3] },
    });

    // With CLARUS_WAREHOUSE_ID, the default pool is that warehouse alone.
    const pinned = buildJob(world, {
      env: {
        INVENTORY_CHANNEL_KEYS: 'store,web',
        INVENTORY_CHANNEL_WAREHOUSES: JSON.stringify({ store: [second!.id] }),
        CLARUS_WAREHOUSE_ID: '1',
      },
    });
    expect((await pinned.post()).body).toMatchObject({ outcome: 'finished', updated: 1 });
    expect((await inventoryByChannelKey(world.api, channels)).get('A')).toEqual({
      outlet: [0],
      store: [4],
      web: [10],
    });
  });

  it('fails with a clear reason when INVENTORY_CHANNEL_KEYS names a channel that does not exist', async () => {
    const res = await buildJob(world, { env: { INVENTORY_CHANNEL_KEYS: 'web,nowhere' } }).post();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      outcome: 'failed',
      reason: 'configuration',
      message: 'INVENTORY_CHANNEL_KEYS names channels that do not exist: nowhere',
    });
  });
});
