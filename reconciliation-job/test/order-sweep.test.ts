import type { ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel, RECONCILIATION_JOB_NAME } from '@clarus-connector/core';
import {
  cancelOrder,
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { buildJob, freshOrder, goodsOutsFor, MINUTE, testClock, until } from './harness';

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
};

let world: TestWorld;
let nextDay: ShippingMethod;
let unmapped: ShippingMethod;

beforeAll(async () => {
  world = await startTestWorld();
  // post-deploy creates the channel at installation; orders before it are out of scope.
  await ensureClarusChannel(world.api);
  await seedProducts(world.api, [{ sku: 'MUG-1' }, { sku: 'TEE-1' }]);
  [nextDay, unmapped] = (await seedShippingMethods(world.api, ['next-day', 'pigeon-post'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  world.clarus.seedProducts([{ code: 'MUG-1' }, { code: 'TEE-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([
    { productCode: 'MUG-1', available: 1000 },
    { productCode: 'TEE-1', available: 1000 },
  ]);
});

beforeEach(() => world.clarus.clearFaults());

afterAll(async () => {
  await world?.close();
});

describe('reconciliation-job: order sweep', () => {
  it('exports an order whose OrderCreated message never arrived, once, and leaves it alone afterwards', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'LOST-1',
      lines: [{ sku: 'MUG-1', quantity: 2 }],
      shippingMethod: nextDay,
    });
    // 15 minutes later: past the 10-minute grace period the event app has to export it.
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, { env: SETTINGS, now: clock.now });

    const res = await job.post();
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('completed');
    expect(res.body.orderSweep).toMatchObject({ status: 'ok', exported: 1 });
    expect(res.body.orderSweep.orders).toEqual(
      expect.arrayContaining([{ orderId: order.id, orderNumber: 'LOST-1', outcome: 'exported' }]),
    );
    const [goodsOut, ...others] = goodsOutsFor(world, 'LOST-1');
    expect(others).toHaveLength(0);
    expect(goodsOut!.attributes.external_system_reference1).toBe(order.id);
    expect((await freshOrder(world, order)).syncInfo.map((s) => s.externalId)).toEqual([
      String(goodsOut!.id),
    ]);

    // The next pass has nothing to do for it.
    const again = await job.pass();
    expect(again.orderSweep.orders.map((o) => o.orderId)).not.toContain(order.id);
    expect(goodsOutsFor(world, 'LOST-1')).toHaveLength(1);

    // The pass left its summary where the health endpoint reads it.
    const lastRun = await job.integration.jobState.getLastRun<{ runId: string }>(RECONCILIATION_JOB_NAME);
    expect(lastRun?.summary.runId).toBe(again.runId);
  });

  it('leaves orders inside the grace period, cancelled orders and orders with an open validation exception alone', async () => {
    const fresh = await importOrder(world.api, {
      orderNumber: 'FRESH-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    // Now: FRESH-1 is seconds old, inside the grace period.
    const early = await buildJob(world, { env: SETTINGS }).pass();
    expect(early.orderSweep.orders.map((o) => o.orderId)).not.toContain(fresh.id);
    expect(goodsOutsFor(world, 'FRESH-1')).toHaveLength(0);

    const cancelled = await cancelOrder(
      world.api,
      await importOrder(world.api, {
        orderNumber: 'CANCELLED-1',
        lines: [{ sku: 'MUG-1', quantity: 1 }],
        shippingMethod: nextDay,
      }),
    );
    const invalid = await importOrder(world.api, {
      orderNumber: 'UNMAPPED-1',
      lines: [{ sku: 'TEE-1', quantity: 1 }],
      shippingMethod: unmapped,
    });
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const first = await job.pass();
    expect(first.orderSweep.orders).toEqual(
      expect.arrayContaining([
        { orderId: fresh.id, orderNumber: 'FRESH-1', outcome: 'exported' },
        { orderId: invalid.id, orderNumber: 'UNMAPPED-1', outcome: 'invalid' },
      ]),
    );
    expect(first.orderSweep.orders.map((o) => o.orderId)).not.toContain(cancelled.id);
    expect(goodsOutsFor(world, 'CANCELLED-1')).toHaveLength(0);
    // An unmapped shipping method is master data for operations: its own kind, not a validation failure.
    expect(
      (await job.integration.exceptions.list({ kind: 'order-validation-failed' })).map((e) => e.entity.id),
    ).not.toContain(invalid.id);
    const exception = (await job.integration.exceptions.list({ kind: 'shipping-method-unmapped' })).find(
      (e) => e.entity.id === invalid.id,
    );
    expect(exception).toMatchObject({ status: 'open', team: 'operations', count: 1 });
    expect(exception!.message).toMatch(/pigeon-post/);

    // A master-data problem is fixed outside the order (mapping, Clarus, product sync): every pass tries
    // again without a resend, and until then the order stays an exception, never a goods out.
    const second = await job.pass();
    expect(second.orderSweep.orders).toEqual(
      expect.arrayContaining([{ orderId: invalid.id, orderNumber: 'UNMAPPED-1', outcome: 'invalid' }]),
    );
    expect(goodsOutsFor(world, 'UNMAPPED-1')).toHaveLength(0);
    expect((await job.integration.exceptions.get(exception!.key))?.count).toBe(2);

    // Cancelled after all: the exception's condition cleared.
    await cancelOrder(world.api, invalid);
    const third = await job.pass();
    expect(third.clearedExceptions.resolved).toBeGreaterThanOrEqual(1);
    expect((await job.integration.exceptions.get(exception!.key))?.status).toBe('resolved');
  });

  it('exports an order held by an unknown SKU once Clarus knows the product; a problem on the order waits for an edit', async () => {
    await seedProducts(world.api, [{ sku: 'NEW-SKU-1' }]);
    const unknownSku = await importOrder(world.api, {
      orderNumber: 'UNKNOWN-SKU-1',
      lines: [{ sku: 'NEW-SKU-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const badAddress = await importOrder(world.api, {
      orderNumber: 'BAD-ADDRESS-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
      address: { postalCode: 'CB1 2AB-0000-0000' },
    });
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const first = await job.pass();
    expect(first.orderSweep.orders).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orderId: unknownSku.id, outcome: 'invalid' }),
        expect.objectContaining({ orderId: badAddress.id, outcome: 'invalid' }),
      ]),
    );

    // The product is created in Clarus (by a person or the product sync): the next pass exports the order
    // and resolves its exception; the order with a bad address is not tried again until it is edited.
    world.clarus.seedProducts([{ code: 'NEW-SKU-1' }]);
    clock.advance(15 * MINUTE);
    const later = buildJob(world, { env: SETTINGS, now: clock.now });
    const second = await later.pass();
    const swept = new Map(second.orderSweep.orders.map((o) => [o.orderId, o.outcome]));
    expect(swept.get(unknownSku.id)).toBe('exported');
    expect(swept.has(badAddress.id)).toBe(false);
    expect(goodsOutsFor(world, 'UNKNOWN-SKU-1')).toHaveLength(1);
    const skuException = (await later.integration.exceptions.list({ kind: 'sku-unknown-to-clarus' })).find(
      (e) => e.entity.id === unknownSku.id,
    );
    expect(skuException?.status).toBe('resolved');
  });

  it('still makes one goods out when the event app exports the same order at the same moment', async () => {
    const clock = testClock(15 * MINUTE);
    const eventApp = buildJob(world, { env: SETTINGS, now: clock.now }).integration;
    const job = buildJob(world, { env: SETTINGS, now: clock.now });

    // 1. The event app is mid-export (its goods out create is on the wire) when the pass looks.
    const order = await importOrder(world.api, {
      orderNumber: 'RACE-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    world.clarus.injectFault({
      kind: 'latency',
      ms: 300,
      count: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    world.clarus.resetRequests();
    const exporting = eventApp.orderExport.exportOrder({ orderId: order.id });
    await until(
      () => world.clarus.requests.some((r) => r.method === 'POST' && r.path === '/api/goods_outs'),
      'the event app to send its goods out',
    );
    const during = await job.pass();
    expect(during.orderSweep.orders).toEqual(
      expect.arrayContaining([{ orderId: order.id, orderNumber: 'RACE-1', outcome: 'in_progress' }]),
    );
    expect((await exporting).kind).toBe('exported');
    const after = await job.pass();
    expect(after.orderSweep.orders.map((o) => o.orderId)).not.toContain(order.id);
    expect(goodsOutsFor(world, 'RACE-1')).toHaveLength(1);

    // 2. Both start together, whichever wins the claim.
    const twin = await importOrder(world.api, {
      orderNumber: 'RACE-2',
      lines: [{ sku: 'TEE-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const [eventOutcome, pass] = await Promise.all([
      eventApp.orderExport.exportOrder({ orderId: twin.id }),
      job.pass(),
    ]);
    const passOutcome = pass.orderSweep.orders.find((o) => o.orderId === twin.id)?.outcome;
    expect([eventOutcome.kind, passOutcome]).toContain('exported');
    expect(['exported', 'already_exported', 'in_progress']).toContain(eventOutcome.kind);
    expect(goodsOutsFor(world, 'RACE-2')).toHaveLength(1);
    expect((await freshOrder(world, twin)).syncInfo).toHaveLength(1);
  });

  it('adopts the goods out of an event-app create whose answer was lost, instead of creating another', async () => {
    const clock = testClock(15 * MINUTE);
    const eventApp = buildJob(world, { env: SETTINGS, now: clock.now }).integration;
    const order = await importOrder(world.api, {
      orderNumber: 'SWEEP-LOST-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    world.clarus.injectFault({
      kind: 'drop_after_commit',
      count: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    expect((await eventApp.orderExport.exportOrder({ orderId: order.id })).kind).toBe('retry_later');
    expect(goodsOutsFor(world, 'SWEEP-LOST-1')).toHaveLength(1);

    const pass = await buildJob(world, { env: SETTINGS, now: clock.now }).pass();
    expect(pass.orderSweep.orders).toEqual(
      expect.arrayContaining([{ orderId: order.id, orderNumber: 'SWEEP-LOST-1', outcome: 'exported' }]),
    );
    const [goodsOut, ...others] = goodsOutsFor(world, 'SWEEP-LOST-1');
    expect(others).toHaveLength(0);
    expect((await freshOrder(world, order)).syncInfo.map((s) => s.externalId)).toEqual([
      String(goodsOut!.id),
    ]);
  });

  it('acknowledges a Clarus rejection with an exception (rejected, not failed); never picks shipped orders or historical imports', async () => {
    const rejected = await importOrder(world.api, {
      orderNumber: 'SWEEP-REJECT-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const shipped = await importOrder(world.api, {
      orderNumber: 'SWEEP-SHIPPED-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    await world.api
      .orders()
      .withId({ ID: shipped.id })
      .post({
        body: {
          version: shipped.version,
          actions: [{ action: 'changeShipmentState', shipmentState: 'Shipped' }],
        },
      })
      .execute();
    // Brought in through the Order Import API, completed long before the look-back: history.
    const historical = await importOrder(world.api, {
      orderNumber: 'SWEEP-HISTORY-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    const clock = testClock(15 * MINUTE);
    // Clarus has no warehouse 999: every create is answered 422 warehouse_not_found.
    const job = buildJob(world, { env: { ...SETTINGS, CLARUS_WAREHOUSE_ID: '999' }, now: clock.now });
    const first = await job.pass();
    expect(first.orderSweep).toMatchObject({
      status: 'ok',
      failed: 0,
      rejected: 1,
    });
    expect(first.orderSweep.orders).toEqual(
      expect.arrayContaining([expect.objectContaining({ orderId: rejected.id, outcome: 'rejected' })]),
    );
    // Shipped orders and historical imports are not even read by the sweep (nor counted as waiting).
    const swept = first.orderSweep.orders.map((o) => o.orderId);
    expect(swept).not.toContain(shipped.id);
    expect(swept).not.toContain(historical.id);
    expect(goodsOutsFor(world, 'SWEEP-HISTORY-1')).toHaveLength(0);
    const exception = (await job.integration.exceptions.list({ kind: 'order-validation-failed' })).find(
      (e) => e.entity.id === rejected.id,
    );
    expect(exception).toMatchObject({ status: 'open', team: 'ecommerce' });
    expect(exception!.message).toMatch(/SWEEP-REJECT-1.*warehouse_not_found \(warehouse_id\)/);
    expect(goodsOutsFor(world, 'SWEEP-SHIPPED-1')).toHaveLength(0);

    // Left to a person: the next pass sends nothing again.
    const creates = () =>
      world.clarus.requests.filter((r) => r.method === 'POST' && r.path === '/api/goods_outs').length;
    const before = creates();
    const second = await job.pass();
    expect(second.orderSweep.orders.map((o) => o.orderId)).not.toContain(rejected.id);
    expect(creates()).toBe(before);
  });

  it('answers {"skipped":"locked"} while another pass holds the job lock', async () => {
    const job = buildJob(world, { env: SETTINGS });
    const lease = await job.integration.jobLock.acquire(RECONCILIATION_JOB_NAME, {
      holder: 'another-instance',
      leaseMs: 60_000,
    });
    expect(lease).not.toBeNull();
    const res = await job.post();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ skipped: 'locked' });
    await job.integration.jobLock.release(lease!);
    expect((await job.post()).body.runId).toEqual(expect.any(String));
  });
});
