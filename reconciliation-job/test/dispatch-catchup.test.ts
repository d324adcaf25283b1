import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel, deliveriesOf } from '@clarus-connector/core';
import {
  importMultiShipmentOrder,
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { buildJob, DAY, freshOrder, MINUTE, orderWrites, testClock, type JobUnderTest } from './harness';

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  TRACKING_URL_TEMPLATES: JSON.stringify({ DPD: 'https://track.example/dpd/{trackingNumber}' }),
  DISPATCH_CATCHUP_MIN_AGE_MINUTES: '60',
  STUCK_FULFILMENT_DAYS: '3',
};

let world: TestWorld;
let nextDay: ShippingMethod;

beforeAll(async () => {
  world = await startTestWorld();
  // post-deploy creates the channel at installation; orders before it are out of scope.
  await ensureClarusChannel(world.api);
  await seedProducts(world.api, [{ sku: 'MUG-1' }, { sku: 'TEE-1' }]);
  nextDay = (await seedShippingMethods(world.api, ['next-day']))[0]!;
  world.clarus.seedProducts([{ code: 'MUG-1' }, { code: 'TEE-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD', carrierName: 'DPD UK' }]);
  world.clarus.setStock([
    { productCode: 'MUG-1', available: 1000 },
    { productCode: 'TEE-1', available: 1000 },
  ]);
});

beforeEach(async () => {
  world.clarus.clearFaults();
  await world.ct.clearFailures();
});

afterAll(async () => {
  await world?.close();
});

/** An order exported to Clarus by the export use case at the job's clock (syncedAt = the clock). */
async function exported(
  job: JobUnderTest,
  orderNumber: string,
): Promise<{ order: Order; goodsOutId: number }> {
  const order = await importOrder(world.api, {
    orderNumber,
    lines: [
      { sku: 'MUG-1', quantity: 2 },
      { sku: 'TEE-1', quantity: 1 },
    ],
    shippingMethod: nextDay,
  });
  const outcome = await job.integration.orderExport.exportOrder({ orderId: order.id });
  if (outcome.kind !== 'exported') throw new Error(`export failed: ${JSON.stringify(outcome)}`);
  return { order, goodsOutId: Object.values(outcome.goodsOuts)[0]! };
}

describe('reconciliation-job: dispatch catch-up', () => {
  it('applies a dispatch whose webhook never came; repeated passes write nothing more', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const { order, goodsOutId } = await exported(job, 'NO-HOOK-1');
    // Clarus dispatches; the automation call is lost.
    const { shipments } = await world.clarus.dispatch(goodsOutId, {
      shipments: [{ packages: 2 }],
      fireWebhook: false,
    });

    // Too early: the webhook still has DISPATCH_CATCHUP_MIN_AGE_MINUTES to arrive.
    clock.advance(30 * MINUTE);
    const early = await job.pass();
    expect(early.dispatchCatchUp.written).toBe(0);
    expect((await freshOrder(world, order)).shipmentState).toBeUndefined();

    clock.advance(31 * MINUTE);
    await world.ct.resetRequests();
    const pass = await job.pass();
    expect(pass.dispatchCatchUp).toMatchObject({ status: 'ok', written: 1 });
    expect(pass.dispatchCatchUp.writtenOrders).toEqual([
      { orderId: order.id, orderNumber: 'NO-HOOK-1', goodsOutId },
    ]);
    expect(await orderWrites(world, order.id)).toBe(1);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Shipped');
    const [delivery, ...more] = deliveriesOf(after);
    expect(more).toHaveLength(0);
    const packages = shipments[0]!.packages;
    expect(delivery!.delivery.parcels.map((p) => p.trackingData?.trackingId).sort()).toEqual(
      packages.map((p) => p.tracking_number).sort(),
    );
    expect(delivery!.delivery.parcels[0]!.trackingData?.carrier).toBe('DPD');

    // Repeats: the order is Shipped, nothing more is read or written.
    await world.ct.resetRequests();
    for (let i = 0; i < 3; i++) {
      clock.advance(15 * MINUTE);
      const again = await job.pass();
      expect(again.dispatchCatchUp.written).toBe(0);
    }
    expect(await orderWrites(world, order.id)).toBe(0);
    expect(deliveriesOf(await freshOrder(world, order))).toHaveLength(1);
  });

  it('finds a goods out created before the order number was set (its reference is the order id) and applies its missed dispatch', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const order = await importOrder(world.api, {
      orderNumber: null,
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const outcome = await job.integration.orderExport.exportOrder({ orderId: order.id });
    if (outcome.kind !== 'exported') throw new Error(`export failed: ${JSON.stringify(outcome)}`);
    const goodsOutId = Object.values(outcome.goodsOuts)[0]!;
    expect(Object.keys(outcome.goodsOuts)).toEqual([order.id]);
    // The merchant's order number arrives after the export; the goods out keeps the id as its reference.
    const numbered = (
      await world.api
        .orders()
        .withId({ ID: order.id })
        .post({
          body: {
            version: (await freshOrder(world, order)).version,
            actions: [{ action: 'setOrderNumber', orderNumber: 'LATE-NO-HOOK-1' }],
          },
        })
        .execute()
    ).body;
    const { shipments } = await world.clarus.dispatch(goodsOutId, {
      shipments: [{ packages: 1 }],
      fireWebhook: false,
    });

    clock.advance(61 * MINUTE);
    const pass = await job.pass();
    expect(pass.dispatchCatchUp).toMatchObject({ status: 'ok', written: 1 });
    const after = await freshOrder(world, numbered);
    expect(after.shipmentState).toBe('Shipped');
    expect(
      deliveriesOf(after).flatMap((d) => d.delivery.parcels.map((p) => p.trackingData?.trackingId)),
    ).toEqual(shipments[0]!.packages.map((p) => p.tracking_number));
  });

  it('never picks a Delivered order: the pass reads nothing for it and it stays Delivered (issue example)', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const { order, goodsOutId } = await exported(job, 'RC-DELIVERED-1');
    // Dispatched and written by the webhook's use case; then the carrier integration reports it delivered.
    await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }], fireWebhook: false });
    await job.integration.dispatchSync.applyDispatch({ goodsOutId });
    const shipped = await freshOrder(world, order);
    expect(shipped.shipmentState).toBe('Shipped');
    const delivered = (
      await world.api
        .orders()
        .withId({ ID: order.id })
        .post({
          body: {
            version: shipped.version,
            actions: [{ action: 'changeShipmentState', shipmentState: 'Delivered' }],
          },
        })
        .execute()
    ).body;

    await world.ct.resetRequests();
    world.clarus.resetRequests();
    for (let i = 0; i < 3; i++) {
      clock.advance(i === 0 ? 61 * MINUTE : 15 * MINUTE);
      expect((await job.pass()).dispatchCatchUp.status).toBe('ok');
    }
    // Stuck age too: a delivered order is never "stuck in fulfilment".
    clock.advance(3 * DAY);
    expect((await job.pass()).stuckFulfilment.status).toBe('ok');

    expect(await orderWrites(world, order.id)).toBe(0);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Delivered');
    expect(after.version).toBe(delivered.version);
    const aboutIt = world.clarus.requests.filter((r) =>
      JSON.stringify(r.body ?? '').includes('RC-DELIVERED-1'),
    );
    expect(aboutIt).toEqual([]);
    expect(
      (await job.integration.exceptions.list({ kind: 'fulfilment-stuck' })).filter(
        (e) => e.entity.id === order.id,
      ),
    ).toEqual([]);
  });

  it('writes a shipment only once its carrier manifest closed, then the rest when it leaves; never twice', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const { order, goodsOutId } = await exported(job, 'PART-1');
    // One shipment labelled (manifest open), nothing dispatched yet.
    const { shipments } = await world.clarus.dispatch(goodsOutId, {
      shipments: [{ lines: [{ productCode: 'MUG-1', quantity: 2 }], status: 'pending' }],
      fireWebhook: false,
    });
    clock.advance(61 * MINUTE);
    const labelled = await job.pass();
    expect(labelled.dispatchCatchUp.written).toBe(0);
    expect(labelled.dispatchCatchUp.notDispatched).toBeGreaterThanOrEqual(1);
    expect(deliveriesOf(await freshOrder(world, order))).toHaveLength(0);

    // The manifest closes (no webhook): Partial with the first delivery.
    await world.clarus.dispatchShipment(shipments[0]!.id, { fireWebhook: false });
    clock.advance(15 * MINUTE);
    const partial = await job.pass();
    expect(partial.dispatchCatchUp.written).toBe(1);
    expect((await freshOrder(world, order)).shipmentState).toBe('Partial');

    // The rest leaves: Shipped with a second delivery; then nothing more.
    await world.clarus.dispatch(goodsOutId, { fireWebhook: false });
    clock.advance(15 * MINUTE);
    expect((await job.pass()).dispatchCatchUp.written).toBe(1);
    const done = await freshOrder(world, order);
    expect(done.shipmentState).toBe('Shipped');
    expect(deliveriesOf(done)).toHaveLength(2);
    await world.ct.resetRequests();
    clock.advance(15 * MINUTE);
    await job.pass();
    expect(await orderWrites(world, order.id)).toBe(0);
  });

  it('catches up each goods out of a multi-shipment order', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const order = await importMultiShipmentOrder(world.api, world.ct.seed, {
      orderNumber: 'MULTI-CU-1',
      shipments: [
        { key: 'home', shippingMethod: nextDay, lines: [{ sku: 'MUG-1', quantity: 1 }] },
        { key: 'office', shippingMethod: nextDay, lines: [{ sku: 'TEE-1', quantity: 1 }] },
      ],
    });
    const outcome = await job.integration.orderExport.exportOrder({ orderId: order.id });
    if (outcome.kind !== 'exported') throw new Error(JSON.stringify(outcome));
    for (const id of Object.values(outcome.goodsOuts))
      await world.clarus.dispatch(id, { fireWebhook: false });
    clock.advance(61 * MINUTE);
    const pass = await job.pass();
    expect(pass.dispatchCatchUp.written).toBe(2);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Shipped');
    expect(
      deliveriesOf(after)
        .map((d) => d.shippingKey)
        .sort(),
    ).toEqual(['home', 'office']);
  });

  it('flags fulfilment stuck in Clarus for operations with the Clarus status, and resolves it once dispatched', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const { order, goodsOutId } = await exported(job, 'STUCK-1');
    const stuckKey = async () =>
      (await job.integration.exceptions.list({ kind: 'fulfilment-stuck' })).find(
        (e) => e.entity.id === order.id,
      );

    clock.advance(2 * DAY);
    expect((await job.pass()).stuckFulfilment.stuck).toBe(0);
    expect(await stuckKey()).toBeUndefined();

    clock.advance(1 * DAY + 60 * MINUTE);
    const pass = await job.pass();
    expect(pass.stuckFulfilment).toMatchObject({ status: 'ok', stuck: 1, raised: 1 });
    const exception = await stuckKey();
    expect(exception).toMatchObject({
      status: 'open',
      team: 'operations',
      entity: { type: 'order', id: order.id, orderNumber: 'STUCK-1' },
    });
    expect(exception!.message).toMatch(/STUCK-1/);
    expect(exception!.message).toMatch(new RegExp(`Clarus id ${goodsOutId}\\) is ALLOCATED`));
    expect(exception!.message).toMatch(/3 days ago/);

    // A later pass sees the same state: no second episode, no rewrite.
    clock.advance(15 * MINUTE);
    const repeat = await job.pass();
    expect(repeat.stuckFulfilment).toMatchObject({ stuck: 1, raised: 0 });
    expect((await stuckKey())?.count).toBe(1);

    // Clarus dispatches (the webhook is lost): the catch-up writes it and the exception resolves.
    await world.clarus.dispatch(goodsOutId, { fireWebhook: false });
    clock.advance(15 * MINUTE);
    const fixed = await job.pass();
    expect(fixed.dispatchCatchUp.written).toBe(1);
    expect(fixed.stuckFulfilment.resolved).toBe(1);
    expect((await stuckKey())?.status).toBe('resolved');
    expect((await freshOrder(world, order)).shipmentState).toBe('Shipped');
  });

  it('reports a Clarus outage in the summary and leaves the order for the next pass', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SETTINGS, now: clock.now });
    const { order, goodsOutId } = await exported(job, 'OUTAGE-1');
    await world.clarus.dispatch(goodsOutId, { fireWebhook: false });
    clock.advance(61 * MINUTE);
    world.clarus.injectFault({ kind: 'server_error', status: 503, match: { path: '/graphql' } });
    const res = await job.post();
    expect(res.status).toBe(503);
    expect(res.body.outcome).toBe('partial');
    expect(res.body.dispatchCatchUp.status).toBe('failed');
    expect(res.body.dispatchCatchUp.error).toMatch(/503|Clarus/i);
    world.clarus.clearFaults();
    clock.advance(15 * MINUTE);
    expect((await job.pass()).dispatchCatchUp.written).toBeGreaterThanOrEqual(1);
    expect((await freshOrder(world, order)).shipmentState).toBe('Shipped');
  });
});
