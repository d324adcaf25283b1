import type { Order } from '@commercetools/platform-sdk';
import { RECONCILIATION_JOB_NAME } from '@clarus-connector/core';
import type { TestWorld } from '@clarus-connector/sandbox';
import { buildJob, MINUTE, PAGING_AHEAD, PAGING_SETTINGS, useOneSkuWorld } from './harness';

/*
 * A pass stopped by its time budget in the dispatch checks: the next run skips the sweep that pass already
 * did, continues the dispatch checks after the last order finished, and leaves the stuck exceptions the
 * first run raised open.
 */

const SETTINGS = PAGING_SETTINGS;
const AHEAD = PAGING_AHEAD;

let world: TestWorld;
let place: (orderNumber: string) => Promise<Order>;

useOneSkuWorld((started) => ({ world, place } = started));

const decoded = async () =>
  (await world.ct.requests())
    .filter((r) => r.method === 'GET' && /\/orders\?/.test(r.url))
    .map((r) => decodeURIComponent(r.url.replace(/\+/g, ' ')));

it('resumes the dispatch checks after the last order finished, without sweeping again', async () => {
  const exporter = buildJob(world, { env: SETTINGS });
  const orders: Order[] = [];
  for (const n of [1, 2, 3, 4, 5]) {
    const order = await place(`D-${n}`);
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
