import type { Channel } from '@commercetools/platform-sdk';
import { inventoryByChannelKey, seedProducts, seedSupplyChannels } from '@clarus-connector/sandbox';
import { buildJob, inventoryWrites, openExceptionIds, startTestWorld, type TestWorld } from './harness';

/*
 * BUNDLE_MODE=expand: Clarus holds a bundle's components, not the bundle. The full run writes the bundle SKU,
 * on every channel, the fewest whole bundles its components' available-to-sell allows.
 */

const KEYS = ['store', 'web'];
const BUNDLE_ENV = { BUNDLE_COMPONENTS_ATTRIBUTE: 'bundleComponents', INFLIGHT_LOOKBACK_MINUTES: '0' };

let world: TestWorld;
let channels: Channel[];

beforeAll(async () => {
  world = await startTestWorld();
  channels = await seedSupplyChannels(world.api, KEYS);
  world.clarus.seedProducts([{ code: 'COMP-A' }, { code: 'COMP-B' }]);
  world.clarus.setStock([
    { productCode: 'COMP-A', available: 9 },
    { productCode: 'COMP-B', available: 3 },
  ]);
  await seedProducts(world.api, [
    { sku: 'COMP-A' },
    { sku: 'COMP-B' },
    { sku: 'BOX-AB', components: ['COMP-A:2', 'COMP-B'] },
  ]);
});
afterAll(() => world?.close());

describe('bundle stock (BUNDLE_MODE=expand)', () => {
  it('writes nothing for the bundle in native mode: Clarus would hold it as a product', async () => {
    const job = buildJob(world, { env: { ...BUNDLE_ENV, BUNDLE_MODE: 'native' } });
    const res = await job.post();
    expect(res.body).toMatchObject({ outcome: 'finished', bundles: 0, created: 2 * 2, failed: 0 });
    const state = await inventoryByChannelKey(world.api, channels);
    expect(state.has('BOX-AB')).toBe(false);
  });

  it('derives the bundle entry from its components on every channel, never as "not held"', async () => {
    const job = buildJob(world, { env: { ...BUNDLE_ENV, BUNDLE_MODE: 'expand' } });
    const res = await job.post();
    expect(res.body).toMatchObject({ outcome: 'finished', bundles: 1, created: 2, failed: 0 });
    // Default safety stock (0), nothing in flight: ATS(A) = 9, ATS(B) = 3.
    const safetyStock = job.integration.config.inventory.safetyStock;
    const ats = (available: number) => Math.max(0, available - safetyStock);
    const want = Math.min(Math.floor(ats(9) / 2), Math.floor(ats(3) / 1));
    expect(want).toBe(3);
    const state = await inventoryByChannelKey(world.api, channels);
    expect(state.get('BOX-AB')).toEqual({ store: [want], web: [want] });
    expect(await openExceptionIds(job.integration, 'sku-not-held-by-clarus')).toEqual([]);
    expect(await openExceptionIds(job.integration, 'sku-not-sold-in-commercetools')).toEqual([]);

    // A second run has nothing to write.
    await world.ct.resetRequests();
    const again = await job.post();
    expect(again.body).toMatchObject({ outcome: 'finished', created: 0, updated: 0, unchanged: 3 * 2 });
    expect(await inventoryWrites(world)).toEqual([]);
  });

  it('leaves the bundle to the next full run when a stock webhook names a component', async () => {
    const job = buildJob(world, { env: { ...BUNDLE_ENV, BUNDLE_MODE: 'expand' } });
    world.clarus.setStock([{ productCode: 'COMP-A', available: 2 }]);
    await job.integration.inventorySync.syncProductCodes(['COMP-A']);
    let state = await inventoryByChannelKey(world.api, channels);
    expect(state.get('COMP-A')).toEqual({ store: [2], web: [2] });
    expect(state.get('BOX-AB')).toEqual({ store: [3], web: [3] });

    const res = await job.post();
    expect(res.body).toMatchObject({ outcome: 'finished', updated: 2, failed: 0 });
    state = await inventoryByChannelKey(world.api, channels);
    expect(state.get('BOX-AB')).toEqual({ store: [1], web: [1] });
  });
});
