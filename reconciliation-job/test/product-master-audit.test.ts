import type { ExceptionRecord } from '@clarus-connector/core';
import { createCatalogueProduct, startTestWorld, type TestWorld } from '@clarus-connector/sandbox';
import { buildJob, DAY, testClock } from './harness';

/*
 * Issue 12: with PRODUCT_MASTER=commercetools the daily master-data audit re-syncs drift the product sync can
 * repair (a SKU Clarus lacks, a barcode that differs) instead of reporting it; with off it only reports.
 */

let world: TestWorld;
afterAll(() => world?.close());

const driftOf = async (job: ReturnType<typeof buildJob>): Promise<ExceptionRecord[]> =>
  (await job.integration.exceptions.list({ status: 'open' })).filter((e) => e.kind === 'master-data-drift');

it('reports drift when the master is off, and re-syncs it when it is commercetools', async () => {
  world = await startTestWorld();
  await createCatalogueProduct(world.api, {
    key: 'audit-mug',
    name: { en: 'Audit mug' },
    variants: [{ sku: 'AUD-MUG', barcode: '4006381333931' }, { sku: 'AUD-NEW' }],
  });
  world.clarus.seedProducts([{ code: 'AUD-MUG', barcode: '5012345678900', description: 'Audit mug' }]);
  const env = { PRODUCT_BARCODE_ATTRIBUTE: 'barcode', INFLIGHT_LOOKBACK_MINUTES: '0' };

  const off = buildJob(world, { env, now: testClock().now });
  const reported = await off.pass();
  expect(reported.masterDataAudit).toMatchObject({
    status: 'ran',
    report: { missingInClarus: 1, barcodeMismatches: 1 },
  });
  expect((await driftOf(off)).map((e) => e.entity.id).sort()).toEqual(['AUD-MUG', 'AUD-NEW']);
  expect(world.clarus.products().filter((p) => p.code === 'AUD-NEW')).toEqual([]);

  const master = buildJob(world, {
    env: { ...env, PRODUCT_MASTER: 'commercetools', CLARUS_STOCK_UNIT_TYPE_ID: '2' },
    now: testClock(DAY).now, // the next day: the audit runs once a day
  });
  const repaired = await master.pass();
  expect(repaired.masterDataAudit).toMatchObject({
    status: 'ran',
    report: { resynced: 2, missingInClarus: 0, barcodeMismatches: 0 },
  });
  expect(world.clarus.products().find((p) => p.code === 'AUD-NEW')).toMatchObject({
    account_id: world.clarus.accountId,
    stock_unit_type_id: 2,
  });
  expect(world.clarus.products().find((p) => p.code === 'AUD-MUG')).toMatchObject({
    barcode: '4006381333931',
  });
  expect(await driftOf(master)).toEqual([]);
});
