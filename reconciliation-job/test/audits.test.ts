import type { Channel, Product, ShippingMethod } from '@commercetools/platform-sdk';
import {
  ensureClarusChannel,
  auditGuardKey,
  JOBS_CONTAINER,
  MASTER_DATA_AUDIT,
  STOCK_AUDIT,
  type ExceptionRecord,
} from '@clarus-connector/core';
import {
  importOrder,
  seedInventoryEntries,
  seedProducts,
  seedShippingMethods,
  seedSupplyChannels,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { buildJob, DAY, MINUTE, testClock, type JobUnderTest } from './harness';

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  BARCODE_ATTRIBUTE: 'barcode',
  BUNDLE_COMPONENTS_ATTRIBUTE: 'bundleComponents',
  BUNDLE_MODE: 'expand',
  STOCK_AUDIT_TOLERANCE: '1',
  // The in-flight order below stays in flight however far the test clock moves.
  INFLIGHT_LOOKBACK_MINUTES: String(10 * 24 * 60),
};

let world: TestWorld;
let job: JobUnderTest;
let clock: ReturnType<typeof testClock>;
let products: Map<string, Product>;

/** Tomorrow 06:00 UTC: passes a few hours apart stay on one UTC day, whatever time the tests run. */
function morningOffset(): number {
  const morning = new Date();
  morning.setUTCDate(morning.getUTCDate() + 1);
  morning.setUTCHours(6, 0, 0, 0);
  return morning.getTime() - Date.now();
}

const open = async (kind: string, id: string): Promise<ExceptionRecord | undefined> =>
  (await job.integration.exceptions.list({ kind: kind as ExceptionRecord['kind'] })).find(
    (e) => e.entity.id === id,
  );

beforeAll(async () => {
  world = await startTestWorld();
  // post-deploy creates the channel at installation; orders before it are out of scope.
  await ensureClarusChannel(world.api);
  const seeded = await seedProducts(world.api, [
    { sku: 'AUD-A', barcode: '4006381333931' },
    { sku: 'AUD-B', barcode: '5000000000001' },
    { sku: 'AUD-C' },
    { sku: 'AUD-BUNDLE', components: ['AUD-A:2'] },
  ]);
  products = new Map(seeded.map((p) => [p.masterData.current.masterVariant.sku!, p]));
  const [, unmapped] = (await seedShippingMethods(world.api, ['next-day', 'pigeon-post'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  world.clarus.seedProducts([
    // The same GTIN as AUD-A's EAN-13, written as a GTIN-14.
    { code: 'AUD-A', barcode: '04006381333931' },
    { code: 'AUD-B', barcode: '5000000000002' },
    { code: 'AUD-D' },
    { code: 'AUD-E' },
  ]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([
    { productCode: 'AUD-A', available: 10 },
    { productCode: 'AUD-B', available: 5 },
    { productCode: 'AUD-D', available: 4 },
  ]);
  const [web] = (await seedSupplyChannels(world.api, ['web-uk'])) as [Channel];
  await seedInventoryEntries(world.api, [
    // Clarus ATS 10: the storefront shows 7 → drift 3, beyond the tolerance of 1.
    { sku: 'AUD-A', channel: web, quantity: 7 },
    // Clarus has 5, but 2 are on an order Clarus has not allocated yet (in flight): ATS 3 → aligned.
    { sku: 'AUD-B', channel: web, quantity: 3 },
  ]);
  // Its shipping method is unmapped: it stays in commercetools without syncInfo, in flight.
  await importOrder(world.api, {
    orderNumber: 'AUD-INFLIGHT-1',
    lines: [{ sku: 'AUD-B', quantity: 2 }],
    shippingMethod: unmapped,
  });
  clock = testClock(morningOffset());
  job = buildJob(world, { env: SETTINGS, now: clock.now });
});

afterAll(async () => {
  await world?.close();
});

describe('reconciliation-job: daily audits', () => {
  it('raises stock drift per SKU for finance, master-data drift and not-sold for operations, once per day', async () => {
    const first = await job.pass();
    expect(first.stockAudit).toMatchObject({ status: 'ran' });
    expect(first.masterDataAudit).toMatchObject({ status: 'ran' });

    // Stock: only AUD-A drifted (AUD-B is aligned once the in-flight order is allowed for).
    const drift = await open('stock-drift', 'AUD-A');
    expect(drift).toMatchObject({
      status: 'open',
      team: 'finance',
      entity: { type: 'sku', id: 'AUD-A', sku: 'AUD-A' },
    });
    expect(drift!.message).toMatch(
      /web-uk: commercetools quantityOnStock 7, available-to-sell from Clarus 10/,
    );
    expect(await open('stock-drift', 'AUD-B')).toBeUndefined();
    expect(first.stockAudit.status === 'ran' && first.stockAudit.report).toMatchObject({
      entriesCompared: 2,
      skusDrifted: 1,
      tolerance: 1,
    });

    // Master data, each mismatch with its owner.
    const barcode = await open('master-data-drift', 'AUD-B');
    expect(barcode).toMatchObject({ status: 'open', team: 'operations' });
    expect(barcode!.message).toMatch(/barcode 5000000000001 .* differs .* 5000000000002/);
    expect(await open('master-data-drift', 'AUD-A')).toBeUndefined(); // the same GTIN
    const missing = await open('master-data-drift', 'AUD-C');
    expect(missing).toMatchObject({ status: 'open', team: 'operations' });
    expect(missing!.message).toMatch(/Clarus has no product AUD-C/);
    expect(await open('master-data-drift', 'AUD-BUNDLE')).toBeUndefined(); // sent as its components
    const notSold = await open('sku-not-sold-in-commercetools', 'AUD-D');
    expect(notSold).toMatchObject({ status: 'open', team: 'operations' });
    expect(notSold!.message).toMatch(/Clarus holds stock of product AUD-D/);
    const catalogueOnly = await open('master-data-drift', 'AUD-E');
    expect(catalogueOnly).toMatchObject({ status: 'open', team: 'operations' });
    expect(catalogueOnly!.message).toMatch(/Clarus has product AUD-E/);

    // However often the job runs that day, the audits do not run again.
    for (const later of [15 * MINUTE, 2 * 60 * MINUTE, 6 * 60 * MINUTE]) {
      clock.advance(later);
      const pass = await job.pass();
      expect(pass.stockAudit.status).toBe('not_due');
      expect(pass.masterDataAudit.status).toBe('not_due');
    }
    expect((await open('stock-drift', 'AUD-A'))!.count).toBe(1);
    for (const audit of [STOCK_AUDIT, MASTER_DATA_AUDIT] as const) {
      const guard = await job.integration.customObjects.get<{ lastRunDay: string }>(
        JOBS_CONTAINER,
        auditGuardKey(audit),
      );
      expect(guard?.value.lastRunDay).toBe(first.startedAt.slice(0, 10));
    }
  });

  it('resolves each exception on the next day’s audit once its cause is fixed', async () => {
    // Stock: the inventory job brings the entry back to ATS.
    const run = await job.integration.inventorySync.run();
    expect(run.kind === 'ran' && run.summary.outcome).toBe('finished');
    // Master data: fix the barcode in commercetools, create the missing product in Clarus, sell the others.
    const b = products.get('AUD-B')!;
    const current = (await world.api.products().withId({ ID: b.id }).get().execute()).body;
    await world.api
      .products()
      .withId({ ID: b.id })
      .post({
        body: {
          version: current.version,
          actions: [{ action: 'setAttribute', variantId: 1, name: 'barcode', value: '5000000000002' }],
        },
      })
      .execute();
    world.clarus.seedProducts([{ code: 'AUD-C' }]);
    await seedProducts(world.api, [{ sku: 'AUD-D' }, { sku: 'AUD-E' }]);

    clock.advance(1 * DAY);
    const next = await job.pass();
    expect(next.stockAudit.status).toBe('ran');
    expect(next.masterDataAudit.status).toBe('ran');
    for (const [kind, id] of [
      ['stock-drift', 'AUD-A'],
      ['master-data-drift', 'AUD-B'],
      ['master-data-drift', 'AUD-C'],
      ['master-data-drift', 'AUD-E'],
      ['sku-not-sold-in-commercetools', 'AUD-D'],
    ] as const) {
      expect([kind, id, (await open(kind, id))?.status]).toEqual([kind, id, 'resolved']);
    }
    expect(next.stockAudit.status === 'ran' && next.stockAudit.report.resolved).toBe(1);
  });

  it('runs a failed audit again on the next pass of the same day', async () => {
    clock.advance(1 * DAY);
    world.clarus.injectFault({ kind: 'server_error', status: 500, match: { path: '/graphql' } });
    const failed = await job.pass();
    world.clarus.clearFaults();
    expect(failed.stockAudit.status).toBe('failed');
    expect(failed.masterDataAudit.status).toBe('failed');
    clock.advance(15 * MINUTE);
    const retried = await job.pass();
    expect(retried.stockAudit.status).toBe('ran');
    expect(retried.masterDataAudit.status).toBe('ran');
  });
});
