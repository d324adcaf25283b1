import type { Order, OrderUpdateAction, ShippingMethod } from '@commercetools/platform-sdk';
import { seedProducts, seedShippingMethods, type OrderSpec, type TestWorld } from '@clarus-connector/sandbox';
import {
  ctCalls,
  ctWrites as writesTo,
  deliveries,
  exportedOrder,
  freshOrder,
  startService,
  startTestWorld,
  type ServiceUnderTest,
} from './harness';

/**
 * DESIGN invariants 3 and 6 through the dispatch webhook, against the Clarus simulator and the commercetools
 * emulator: states only move forward (Delivered stays Delivered, the configured order state is never set
 * back), a cancelled order gets no tracking but an open exception, and a re-labelled package updates its
 * parcel once (setParcelTrackingData), never adding a second one.
 */
const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  TRACKING_URL_TEMPLATES: JSON.stringify({
    DPD: 'https://track.example/dpd/{trackingNumber}',
    UPS: 'https://track.example/ups/{trackingNumber}',
  }),
};
const SKUS = ['MUG-1', 'TEE-1'];

let world: TestWorld;
let service: ServiceUnderTest;
let nextDay: ShippingMethod;

beforeAll(async () => {
  world = await startTestWorld();
  await seedProducts(
    world.api,
    SKUS.map((sku) => ({ sku })),
  );
  nextDay = (await seedShippingMethods(world.api, ['next-day']))[0]!;
  world.clarus.seedProducts(SKUS.map((code) => ({ code })));
  world.clarus.seedCarrierServices([
    { code: 'DPD-NEXT', carrierCode: 'DPD', carrierName: 'DPD UK' },
    { code: 'UPS-STD', carrierCode: 'UPS', carrierName: 'UPS Ltd' },
  ]);
  world.clarus.setStock(SKUS.map((productCode) => ({ productCode, available: 1000 })));
  service = await startService(world, SETTINGS);
  world.clarus.configureWebhooks({ dispatchUrl: service.dispatchUrl() });
});

beforeEach(async () => {
  world.clarus.clearFaults();
  await world.ct.clearFailures();
});

afterAll(async () => {
  await service?.close();
  await world?.close();
});

const exported = (spec: Omit<OrderSpec, 'shippingMethod'>, by: ServiceUnderTest = service) =>
  exportedOrder(by, { ...spec, shippingMethod: nextDay });

/** What a carrier integration or a person does to the order in commercetools. */
async function update(order: Pick<Order, 'id'>, actions: OrderUpdateAction[]): Promise<Order> {
  const fresh = await freshOrder(world, order);
  return (
    await world.api
      .orders()
      .withId({ ID: order.id })
      .post({ body: { version: fresh.version, actions } })
      .execute()
  ).body;
}

const ctWrites = () => writesTo(world);

/** The dispatch webhook called the way Clarus calls it, with the outcome the service answers. */
async function postDispatch(reference: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(service.dispatchUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-claruswms-subdomain': world.clarus.subdomain },
    body: JSON.stringify({ reference }),
  });
  return { status: res.status, body: await res.json() };
}

const openExceptions = async (kind: string, orderId: string) =>
  (await service.integration.exceptions.list({ status: 'open' })).filter(
    (e) => e.kind === kind && e.entity.id === orderId,
  );

describe('dispatch webhook: states only move forward', () => {
  it('Delivered, then the same dispatch webhook again → stays Delivered, nothing written (issue example)', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'FWD-DELIVERED-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
    });
    expect((await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] })).webhookStatus).toBe(
      200,
    );
    expect((await freshOrder(world, order)).shipmentState).toBe('Shipped');
    // The carrier integration reports the parcel delivered.
    const delivered = await update(order, [{ action: 'changeShipmentState', shipmentState: 'Delivered' }]);

    await world.ct.resetRequests();
    expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect(await ctWrites()).toEqual([]);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Delivered');
    expect(after.version).toBe(delivered.version);
    expect(deliveries(after)).toHaveLength(1);
  });

  it('Delivered (set by a person) + a later shipment → its delivery is added, the order stays Delivered', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'FWD-DELIVERED-2',
      lines: [
        { sku: 'MUG-1', quantity: 1 },
        { sku: 'TEE-1', quantity: 1 },
      ],
    });
    await world.clarus.dispatch(goodsOutId, {
      shipments: [{ lines: [{ productCode: 'MUG-1', quantity: 1 }], packages: 1 }],
    });
    expect((await freshOrder(world, order)).shipmentState).toBe('Partial');
    await update(order, [{ action: 'changeShipmentState', shipmentState: 'Delivered' }]);

    const second = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    expect(second.webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Delivered');
    expect(deliveries(after).map((d) => d.delivery.key)).toHaveLength(2);
    expect(deliveries(after)[1]!.delivery.key).toBe(`clarus-shipment-${second.shipments[0]!.id}`);
  });

  it('never moves the configured order state back, and still transitions an order in an earlier state', async () => {
    const post = async (key: string, transitions?: string[]) =>
      (
        await world.api
          .states()
          .post({
            body: {
              key,
              type: 'OrderState',
              initial: false,
              ...(transitions
                ? { transitions: transitions.map((k) => ({ typeId: 'state' as const, key: k })) }
                : {}),
            },
          })
          .execute()
      ).body;
    const deliveredState = await post('fwd-delivered');
    const dispatchedState = await post('fwd-dispatched', ['fwd-delivered']);
    const paidState = await post('fwd-paid', ['fwd-dispatched']);
    const withState = await startService(world, { ...SETTINGS, DISPATCH_ORDER_STATE_KEY: 'fwd-dispatched' });
    try {
      // A person moved the order to "delivered" while it was only partly shipped.
      const ahead = await exported(
        {
          orderNumber: 'FWD-STATE-1',
          lines: [
            { sku: 'MUG-1', quantity: 1 },
            { sku: 'TEE-1', quantity: 1 },
          ],
        },
        withState,
      );
      const partial = await world.clarus.dispatch(ahead.goodsOutId, {
        shipments: [{ lines: [{ productCode: 'MUG-1', quantity: 1 }] }],
        fireWebhook: false,
      });
      await withState.integration.dispatchSync.applyDispatch({ goodsOutId: ahead.goodsOutId });
      expect(partial.shipments).toHaveLength(1);
      await update(ahead.order, [
        { action: 'transitionState', state: { typeId: 'state', id: deliveredState.id }, force: true },
      ]);
      await world.clarus.dispatch(ahead.goodsOutId, { fireWebhook: false });
      const outcome = await withState.integration.dispatchSync.applyDispatch({
        goodsOutId: ahead.goodsOutId,
      });
      expect(outcome).toMatchObject({
        kind: 'processed',
        goodsOuts: [{ kind: 'written', shipmentState: 'Shipped', stateTransitioned: false }],
      });
      const afterAhead = await freshOrder(world, ahead.order);
      expect(afterAhead.shipmentState).toBe('Shipped');
      expect(afterAhead.state?.id).toBe(deliveredState.id);

      // An order in a state that leads to the dispatch state is moved on.
      const behind = await exported(
        { orderNumber: 'FWD-STATE-2', lines: [{ sku: 'TEE-1', quantity: 1 }] },
        withState,
      );
      await update(behind.order, [
        { action: 'transitionState', state: { typeId: 'state', id: paidState.id }, force: true },
      ]);
      await world.clarus.dispatch(behind.goodsOutId, { fireWebhook: false });
      await withState.integration.dispatchSync.applyDispatch({ goodsOutId: behind.goodsOutId });
      expect((await freshOrder(world, behind.order)).state?.id).toBe(dispatchedState.id);
    } finally {
      await withState.close();
    }
  });
});

describe('dispatch webhook: orders that must not be fulfilled', () => {
  it('a dispatch for a cancelled order writes no tracking and opens cancellation-refused; repeats change nothing', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'FWD-CANCELLED-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
    });
    // Cancelled in commercetools, but the warehouse ships anyway (the cancel never reached Clarus).
    const cancelled = await update(order, [{ action: 'changeOrderState', orderState: 'Cancelled' }]);
    await world.ct.resetRequests();
    const dispatched = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    expect(dispatched.webhookStatus).toBe(200);
    const trackingNumber = dispatched.shipments[0]!.packages[0]!.tracking_number;

    const after = await freshOrder(world, order);
    expect(after.version).toBe(cancelled.version);
    expect(deliveries(after)).toEqual([]);
    expect(after.shipmentState).toBeUndefined();
    expect((await ctCalls(world)).filter((c) => c.startsWith('POST /orders'))).toEqual([]);
    const [refused, ...more] = await openExceptions('cancellation-refused', order.id);
    expect(more).toEqual([]);
    expect(refused).toMatchObject({
      team: 'ecommerce',
      entity: { type: 'order', orderNumber: 'FWD-CANCELLED-1' },
      count: 1,
      details: { dispatchedGoodsOutIds: [goodsOutId], goodsOutIds: [goodsOutId] },
    });
    expect(refused!.message).toContain('the warehouse dispatched it');
    expect(refused!.message).toContain(trackingNumber);

    const again = await postDispatch('FWD-CANCELLED-1');
    expect(again).toEqual({
      status: 200,
      body: {
        outcome: 'processed',
        goodsOuts: [
          {
            kind: 'must_not_fulfil',
            goodsOutId,
            reference: 'FWD-CANCELLED-1',
            orderId: order.id,
            reason: 'the order is cancelled in commercetools',
          },
        ],
      },
    });
    expect((await openExceptions('cancellation-refused', order.id))[0]!.count).toBe(1);
    expect(deliveries(await freshOrder(world, order))).toEqual([]);
  });
});

describe('dispatch webhook: tracking that changes after dispatch', () => {
  it('a re-labelled package updates its parcel once (setParcelTrackingData), never adds a second; repeats write nothing', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'FWD-RELABEL-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
    });
    const dispatched = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    const pkg = dispatched.shipments[0]!.packages[0]!;
    const before = await freshOrder(world, order);

    await world.clarus.relabelPackage(pkg.id, { trackingNumber: 'DPD7777777777', fireWebhook: false });
    await world.ct.resetRequests();
    const answer = await postDispatch('FWD-RELABEL-1');
    expect(answer).toMatchObject({
      status: 200,
      body: {
        goodsOuts: [
          {
            kind: 'written',
            deliveries: [],
            parcels: [],
            trackingUpdated: [`clarus-package-${pkg.id}`],
            stateTransitioned: false,
            attempts: 1,
          },
        ],
      },
    });
    expect(await ctWrites()).toEqual([`POST /orders/${order.id}`]);
    const after = await freshOrder(world, order);
    expect(after.version).toBe(before.version + 1);
    expect(after.shipmentState).toBe('Shipped');
    const parcels = deliveries(after).flatMap((d) => d.delivery.parcels);
    expect(parcels.map((p) => [p.id, p.key, p.trackingData])).toEqual([
      [
        deliveries(before)[0]!.delivery.parcels[0]!.id,
        `clarus-package-${pkg.id}`,
        {
          trackingId: 'DPD7777777777',
          carrier: 'DPD',
          provider: 'DPD UK',
          providerTransaction: 'https://track.example/dpd/DPD7777777777',
          isReturn: false,
        },
      ],
    ]);

    await world.ct.resetRequests();
    for (let i = 0; i < 2; i++) expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect(await ctWrites()).toEqual([]);
  });

  it('a carrier swap updates carrier, provider and URL of the parcel, also on a Delivered order', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'FWD-SWAP-1',
      lines: [{ sku: 'TEE-1', quantity: 1 }],
    });
    const dispatched = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    const pkg = dispatched.shipments[0]!.packages[0]!;
    await update(order, [{ action: 'changeShipmentState', shipmentState: 'Delivered' }]);

    const swapped = await world.clarus.relabelPackage(pkg.id, {
      trackingNumber: '1Z0000000001',
      carrierServiceCode: 'UPS-STD',
    });
    expect(swapped.webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Delivered');
    const parcels = deliveries(after).flatMap((d) => d.delivery.parcels);
    expect(parcels.map((p) => p.trackingData)).toEqual([
      {
        trackingId: '1Z0000000001',
        carrier: 'UPS',
        provider: 'UPS Ltd',
        providerTransaction: 'https://track.example/ups/1Z0000000001',
        isReturn: false,
      },
    ]);
  });

  it('a tracking number that appears after the parcel was written is set on that parcel', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'FWD-LATE-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
    });
    const dispatched = await world.clarus.dispatch(goodsOutId, {
      shipments: [{ packages: [{ tracking_number: '' }] }],
    });
    const pkg = dispatched.shipments[0]!.packages[0]!;
    const first = deliveries(await freshOrder(world, order)).flatMap((d) => d.delivery.parcels);
    expect(first.map((p) => p.trackingData)).toEqual([
      { carrier: 'DPD', provider: 'DPD UK', isReturn: false },
    ]);

    expect(
      (await world.clarus.relabelPackage(pkg.id, { trackingNumber: 'DPD5555555555' })).webhookStatus,
    ).toBe(200);
    const parcels = deliveries(await freshOrder(world, order)).flatMap((d) => d.delivery.parcels);
    expect(parcels).toHaveLength(1);
    expect(parcels[0]!.trackingData?.trackingId).toBe('DPD5555555555');
  });
});
