import type { Order } from '@commercetools/platform-sdk';
import { RECONCILIATION_JOB_NAME, type PassCheckpoint } from '@clarus-connector/core';
import type { TestWorld } from '@clarus-connector/sandbox';
import { buildJob, goodsOutsFor, MINUTE, PAGING_AHEAD, PAGING_SETTINGS, useOneSkuWorld } from './harness';

/*
 * The pass streams its windows: pages of `pageSize` orders by id cursor, each handled before the next is
 * read; a pass stopped by its time budget saves its position and the next run resumes there.
 */

const SETTINGS = PAGING_SETTINGS;
const AHEAD = PAGING_AHEAD;

let world: TestWorld;
let place: (orderNumber: string) => Promise<Order>;

useOneSkuWorld((started) => ({ world, place } = started));

/** The order queries of the emulator's log whose predicate contains `marker`, decoded. */
async function orderQueries(marker: string): Promise<string[]> {
  return (await world.ct.requests())
    .filter((r) => r.method === 'GET' && /\/orders\?/.test(r.url))
    .map((r) => decodeURIComponent(r.url.replace(/\+/g, ' ')))
    .filter((url) => url.includes(marker));
}
const SWEEP_QUERY = '(completedAt is not defined or completedAt >=';
const DISPATCH_QUERY = 'and syncInfo(channel';

describe('reconciliation-job: the pass pages through its window', () => {
  it('with 2 orders per page, sweeps and checks the same orders as with one page', async () => {
    const clock = { now: () => Date.now() + AHEAD };
    const lost = await Promise.all([1, 2, 3, 4, 5].map((n) => place(`P-LOST-${n}`)));
    const exporter = buildJob(world, { env: SETTINGS });
    const stuck: Order[] = [];
    for (const n of [1, 2, 3]) {
      const order = await place(`P-STUCK-${n}`);
      await exporter.integration.orderExport.exportOrder({ orderId: order.id });
      stuck.push(order);
    }

    await world.ct.resetRequests();
    const paged = buildJob(world, { env: SETTINGS, now: clock.now, appOptions: { pageSize: 2 } });
    const pass = await paged.pass();
    expect(pass.outcome).toBe('completed');
    expect(pass.pageSize).toBe(2);
    expect(pass.orderSweep).toMatchObject({
      status: 'ok',
      candidates: 5,
      exported: 5,
      pages: 3,
      ordersRead: 5,
    });
    for (const order of lost) expect(goodsOutsFor(world, order.orderNumber!)).toHaveLength(1);
    // 2 + 2 + 1 orders: the second and third reads continue after the largest id of the page before.
    const sweepReads = await orderQueries(SWEEP_QUERY);
    expect(sweepReads).toHaveLength(3);
    const ids = lost.map((o) => o.id).sort();
    expect(sweepReads[0]).not.toContain('id > ');
    expect(sweepReads[1]).toContain(`id > "${ids[1]}"`);
    expect(sweepReads[2]).toContain(`id > "${ids[3]}"`);
    // 8 exported orders, 2 + 2 + 2 + 2 + 0: the three exported earlier are stuck (4 days, not dispatched);
    // the five just swept are too young for either check.
    expect(pass.dispatchCatchUp).toMatchObject({ status: 'ok', ordersRead: 8, orders: 3, pages: 5 });
    expect(pass.stuckFulfilment).toMatchObject({ stuck: 3, raised: 3, resolved: 0 });
    // Requests per order: the pass counted its own requests to both systems.
    expect(pass.requests).toMatchObject({ ordersRead: 5 + 8 });
    expect(pass.requests!.commercetools).toBeGreaterThan(0);
    expect(pass.requests!.clarus).toBeGreaterThan(0);

    // One page for the whole window finds the same orders; the stuck exceptions stay open either way
    // (the paged pass decides each by the id range of its page, and must not resolve the others').
    const whole = await buildJob(world, {
      env: SETTINGS,
      now: clock.now,
      appOptions: { pageSize: 500 },
    }).pass();
    expect(whole.dispatchCatchUp).toMatchObject({ orders: 3, pages: 1 });
    expect(whole.stuckFulfilment).toMatchObject({ stuck: 3, raised: 0, resolved: 0 });
    const again = await paged.pass();
    expect(again.dispatchCatchUp).toMatchObject({ orders: 3, pages: 5 });
    expect(again.stuckFulfilment).toMatchObject({ stuck: 3, raised: 0, resolved: 0 });
    const open = await paged.integration.exceptions.list({ kind: 'fulfilment-stuck', status: 'open' });
    expect(open.map((e) => e.entity.id).sort()).toEqual(stuck.map((o) => o.id).sort());
  });

  it('stops at its time budget, saves its position, and the next run resumes without re-reading done pages', async () => {
    const orders = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => place(`R-${n}`)));
    const ids = orders.map((o) => o.id).sort();
    const exportedSoFar = () =>
      world.clarus.goodsOuts().filter((g) => g.attributes.reference.startsWith('R-')).length;
    // The budget runs out once the first page (2 orders, one at a time) is exported: time jumps an hour.
    const budgetMs = 30 * MINUTE;
    const stopping = () => Date.now() + AHEAD + (exportedSoFar() >= 2 ? 60 * MINUTE : 0);
    const options = { pageSize: 2, exportConcurrency: 1, timeBudgetMs: budgetMs };

    const first = buildJob(world, { env: SETTINGS, now: stopping, appOptions: options });
    const res = await first.post();
    expect(res.status).toBe(200);
    const stopped = res.body;
    expect(stopped.outcome).toBe('checkpointed');
    expect(stopped.orderSweep).toMatchObject({ exported: 2, pages: 1 });
    expect(stopped.checkpoint).toEqual({ stage: 'sweep', afterId: ids[1] });
    expect(stopped.dispatchCatchUp.pages).toBe(0);
    expect(stopped.masterDataAudit).toEqual({ status: 'deferred' });
    const saved = await first.integration.jobState.getCheckpoint<PassCheckpoint>(RECONCILIATION_JOB_NAME);
    expect(saved?.data.position).toEqual({ stage: 'sweep', afterId: ids[1] });

    await world.ct.resetRequests();
    const later = () => Date.now() + AHEAD + 2 * 60 * MINUTE;
    const resumed = await buildJob(world, { env: SETTINGS, now: later, appOptions: options }).pass();
    expect(resumed.outcome).toBe('completed');
    expect(resumed.resumed).toEqual({
      passStartedAt: saved!.data.passStartedAt,
      from: { stage: 'sweep', afterId: ids[1] },
    });
    expect(resumed.orderSweep).toMatchObject({ resumedAfter: ids[1], exported: 4, pages: 3 });
    // Every sweep read of the resumed run starts after the checkpoint: the done page is not read again.
    const sweepReads = await orderQueries(SWEEP_QUERY);
    expect(sweepReads).toHaveLength(3);
    expect(sweepReads[0]).toContain(`id > "${ids[1]}"`);
    expect(sweepReads[1]).toContain(`id > "${ids[3]}"`);
    expect(sweepReads[2]).toContain(`id > "${ids[5]}"`);
    expect(await orderQueries(DISPATCH_QUERY)).not.toHaveLength(0);
    // Exactly once across the two runs.
    for (const order of orders) expect(goodsOutsFor(world, order.orderNumber!)).toHaveLength(1);
    // The pass went through its windows: no checkpoint is left, the next run starts a new pass.
    expect(await first.integration.jobState.getCheckpoint(RECONCILIATION_JOB_NAME)).toBeUndefined();
  });
});
