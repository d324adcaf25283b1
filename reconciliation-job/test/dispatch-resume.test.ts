import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel, RECONCILIATION_JOB_NAME } from '@clarus-connector/core';
import {
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { buildJob, DAY, MINUTE } from './harness';

/*
 * A pass stopped by its time budget in the dispatch checks: the next run skips the sweep that pass already
 * did, continues the dispatch checks after the last order finished, and leaves the stuck exceptions the
 * first run raised open.
 */

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  RECONCILE_LOOKBACK_HOURS: '168',
  DISPATCH_CATCHUP_MIN_AGE_MINUTES: '60',
  STUCK_FULFILMENT_DAYS: '3',
};
const AHEAD = 4 * DAY;

let world: TestWorld;
let nextDay: ShippingMethod;

beforeAll(async () => {
  world = await startTestWorld();
  await ensureClarusChannel(world.api);
  await seedProducts(world.api, [{ sku: 'MUG-1' }]);
  nextDay = (await seedShippingMethods(world.api, ['next-day']))[0]!;
  world.clarus.seedProducts([{ code: 'MUG-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([{ productCode: 'MUG-1', available: 1000 }]);
});

afterAll(async () => {
  await world?.close();
});

const decoded = async () =>
  (await world.ct.requests())
    .filter((r) => r.method === 'GET' && /\/orders\?/.test(r.url))
    .map((r) => decodeURIComponent(r.url.replace(/\+/g, ' ')));

it('resumes the dispatch checks after the last order finished, without sweeping again', async () => {
  const exporter = buildJob(world, { env: SETTINGS });
  const orders: Order[] = [];
  for (const n of [1, 2, 3, 4, 5]) {
    const order = await importOrder(world.api, {
      orderNumber: `D-${n}`,
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    await exporter.integration.orderExport.exportOrder({ orderId: order.id });
    orders.push(order);
  }
  const ids = orders.map((o) => o.id).sort();
  // 4 days on, all five are stuck. Each dispatch page looks its goods outs up in one GraphQL read; the
  // budget runs out once the second page's read is made, so that page's orders are not started.
  world.clarus.resetRequests();
  const reads = () => world.clarus.requests.filter((r) => r.path.startsWith('/graphql')).length;
  const stopping = () => Date.now() + AHEAD + (reads() >= 2 ? 60 * MINUTE : 0);
  const options = { pageSize: 2, timeBudgetMs: 30 * MINUTE };

  const first = await buildJob(world, { env: SETTINGS, now: stopping, appOptions: options }).pass();
  expect(first.outcome).toBe('checkpointed');
  expect(first.orderSweep).toMatchObject({ pages: 1, candidates: 0 });
  expect(first.dispatchCatchUp).toMatchObject({ pages: 2, orders: 4, deferred: 2 });
  expect(first.stuckFulfilment).toMatchObject({ stuck: 2, raised: 2 });
  expect(first.checkpoint).toEqual({ stage: 'dispatch', afterId: ids[1] });

  await world.ct.resetRequests();
  const later = () => Date.now() + AHEAD + 2 * 60 * MINUTE;
  const job = buildJob(world, { env: SETTINGS, now: later, appOptions: options });
  const resumed = await job.pass();
  expect(resumed.outcome).toBe('completed');
  expect(resumed.resumed?.from).toEqual({ stage: 'dispatch', afterId: ids[1] });
  expect(resumed.orderSweep.pages).toBe(0);
  expect(resumed.dispatchCatchUp).toMatchObject({ resumedAfter: ids[1], pages: 2, orders: 3 });
  expect(resumed.stuckFulfilment).toMatchObject({ stuck: 3, raised: 3, resolved: 0 });
  const queries = await decoded();
  // No sweep read; the dispatch reads start after the checkpoint.
  expect(queries.filter((q) => q.includes('(completedAt is not defined'))).toEqual([]);
  const dispatchReads = queries.filter((q) => q.includes('and syncInfo(channel'));
  expect(dispatchReads).toHaveLength(2);
  expect(dispatchReads[0]).toContain(`id > "${ids[1]}"`);
  expect(dispatchReads[1]).toContain(`id > "${ids[3]}"`);
  // Every stuck order has its one open exception, the first run's included.
  const open = await job.integration.exceptions.list({ kind: 'fulfilment-stuck', status: 'open' });
  expect(open.map((e) => e.entity.id).sort()).toEqual(ids);
  expect(await job.integration.jobState.getCheckpoint(RECONCILIATION_JOB_NAME)).toBeUndefined();
});
