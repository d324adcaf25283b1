import type { Order, ShipmentState, TrackingData } from '@commercetools/platform-sdk';
import {
  dispatchActions,
  forwardShipmentState,
  isDispatchDone,
  isForwardTransition,
  mustNotFulfilReason,
  parcelTrackingOf,
  planDispatch,
  trackingUpdate,
  type ClarusDispatchView,
  type OrderStateNode,
} from '../../src/fulfilment';
import { createSkuTranslator } from '../../src/mapping';
import { aLineItem, anOrder } from '../../testing';

/**
 * DESIGN invariants 3 and 6 as pure rules: states only move forward, orders that must not be fulfilled get
 * nothing, and tracking follows a re-labelled package with exactly one `setParcelTrackingData`.
 */
const ctx = {
  skus: createSkuTranslator({}),
  mapping: { bundleMode: 'expand' as const, bundleComponentsAttribute: 'bundleComponents' },
  trackingUrlTemplates: {
    DPD: 'https://track.example/dpd/{trackingNumber}',
    UPS: 'https://track.example/ups/{trackingNumber}',
  },
};
const order = anOrder({ lineItems: [aLineItem('li-1', 'MUG-1', 2)] });
const view = (over: Partial<ClarusDispatchView> = {}): ClarusDispatchView => ({
  goodsOutId: 9,
  reference: 'ORD-1001',
  statusCode: 'COMPLETED',
  lines: [{ id: 1, productCode: 'MUG-1', orderQuantity: 2, dispatchQuantity: 2, altLineReference: 'li-1' }],
  shipments: [{ id: 50, status: 'dispatched', carrierCode: 'DPD', carrierName: 'DPD UK' }],
  packages: [{ id: 70, shipmentId: 50, trackingNumber: 'DPD0000000070' }],
  ...over,
});
const dpdParcel = {
  id: 'parcel-70',
  key: 'clarus-package-70',
  createdAt: '',
  trackingData: {
    trackingId: 'DPD0000000070',
    carrier: 'DPD',
    provider: 'DPD UK',
    providerTransaction: 'https://track.example/dpd/DPD0000000070',
    isReturn: false,
  },
};
/**
 * The order after the first dispatch was written (delivery + parcel), with the given shipment state and,
 * when given, other tracking data on its parcel.
 */
const dispatchedOrder = (
  shipmentState: ShipmentState,
  over: Partial<Order> = {},
  trackingData: TrackingData = dpdParcel.trackingData,
): Order =>
  structuredClone({
    ...order,
    shipmentState,
    shippingInfo: {
      ...order.shippingInfo!,
      deliveries: [
        {
          id: 'd-50',
          key: 'clarus-shipment-50',
          createdAt: '',
          items: [{ id: 'li-1', quantity: 2 }],
          parcels: [{ ...dpdParcel, trackingData }],
        },
      ],
    },
    ...over,
  }) as Order;

describe('shipment state only moves forward', () => {
  it.each<[ShipmentState | undefined, ShipmentState, ShipmentState | undefined]>([
    [undefined, 'Partial', 'Partial'],
    [undefined, 'Shipped', 'Shipped'],
    ['Pending', 'Shipped', 'Shipped'],
    ['Ready', 'Partial', 'Partial'],
    ['Backorder', 'Shipped', 'Shipped'],
    ['Delayed', 'Partial', 'Partial'],
    ['Partial', 'Shipped', 'Shipped'],
    ['Partial', 'Partial', undefined],
    ['Shipped', 'Shipped', undefined],
    ['Shipped', 'Partial', undefined],
    ['Delivered', 'Shipped', undefined],
    ['Delivered', 'Partial', undefined],
    ['Canceled', 'Shipped', undefined],
    ['SomethingNew', 'Shipped', undefined],
    ['Partial', 'Pending', undefined],
  ])('%s + computed %s → %s', (current, next, expected) => {
    expect(forwardShipmentState(current, next)).toBe(expected);
  });

  it('counts Shipped, Delivered and Canceled as dispatch done, nothing else', () => {
    const done = (['Shipped', 'Delivered', 'Canceled'] as const).map((s) =>
      isDispatchDone({ shipmentState: s }),
    );
    const open = ([undefined, 'Pending', 'Ready', 'Backorder', 'Delayed', 'Partial'] as const).map((s) =>
      isDispatchDone({ shipmentState: s }),
    );
    expect(done).toEqual([true, true, true]);
    expect(open).toEqual([false, false, false, false, false, false]);
  });
});

describe('dispatch plan on an order that moved on', () => {
  it('Delivered + the same dispatch again → no actions (stays Delivered)', () => {
    const plan = planDispatch(dispatchedOrder('Delivered'), view(), ctx);
    expect(plan).toMatchObject({ newDeliveries: [], newParcels: [], trackingUpdates: [], problems: [] });
    expect(plan.shipmentState).toBeUndefined();
    expect(dispatchActions(dispatchedOrder('Delivered'), plan, { dispatchStateId: 'st-1' })).toEqual([]);
  });

  it('Delivered + a new shipment → adds its delivery, keeps Delivered', () => {
    const twoLines = dispatchedOrder('Delivered', {
      lineItems: [aLineItem('li-1', 'MUG-1', 2), aLineItem('li-2', 'TEE-1', 1)],
    });
    const plan = planDispatch(
      twoLines,
      view({
        lines: [
          { id: 1, productCode: 'MUG-1', orderQuantity: 2, dispatchQuantity: 2, altLineReference: 'li-1' },
          { id: 2, productCode: 'TEE-1', orderQuantity: 1, dispatchQuantity: 1, altLineReference: 'li-2' },
        ],
        shipments: [
          { id: 50, status: 'dispatched', carrierCode: 'DPD', carrierName: 'DPD UK' },
          { id: 51, status: 'dispatched', carrierCode: 'DPD', carrierName: 'DPD UK' },
        ],
        packages: [
          { id: 70, shipmentId: 50, trackingNumber: 'DPD0000000070' },
          { id: 71, shipmentId: 51, trackingNumber: 'DPD0000000071' },
        ],
      }),
      ctx,
    );
    expect(plan.newDeliveries.map((d) => [d.key, d.items, d.parcels.map((p) => p.key)])).toEqual([
      ['clarus-shipment-51', [{ id: 'li-2', quantity: 1 }], ['clarus-package-71']],
    ]);
    expect(plan.shipmentState).toBeUndefined();
    expect(dispatchActions(twoLines, plan).map((a) => a.action)).toEqual(['addDelivery']);
  });

  it('Shipped (set elsewhere) + a short-shipped COMPLETED goods out → not moved back to Partial', () => {
    const plan = planDispatch(
      { ...order, shipmentState: 'Shipped' },
      view({
        lines: [
          { id: 1, productCode: 'MUG-1', orderQuantity: 2, dispatchQuantity: 1, altLineReference: 'li-1' },
        ],
      }),
      ctx,
    );
    expect(plan.newDeliveries).toHaveLength(1);
    expect(plan.shipmentState).toBeUndefined();
    expect(plan.problems.map((p) => p.code)).toEqual(['short_shipment']);
  });
});

describe('orders that must not be fulfilled', () => {
  it('names the reason: cancelled order, or shipment Canceled; nothing for open orders', () => {
    expect(mustNotFulfilReason({ orderState: 'Cancelled' })).toBe('the order is cancelled in commercetools');
    expect(mustNotFulfilReason({ orderState: 'Open', shipmentState: 'Canceled' })).toBe(
      "the order's shipment state is Canceled in commercetools",
    );
    expect(mustNotFulfilReason({ orderState: 'Confirmed', shipmentState: 'Delivered' })).toBeUndefined();
  });

  it('a dispatch for a cancelled order plans no delivery, no parcel, no state — only the refusal', () => {
    const plan = planDispatch({ ...order, orderState: 'Cancelled' }, view(), ctx);
    expect(plan).toEqual({
      newDeliveries: [],
      newParcels: [],
      trackingUpdates: [],
      nothingDispatched: false,
      mustNotFulfil: 'the order is cancelled in commercetools',
      problems: [],
    });
    expect(dispatchActions({}, plan, { dispatchStateId: 'st-1' })).toEqual([]);
  });

  it('a cancelled order with nothing dispatched is simply not dispatched (no refusal)', () => {
    const plan = planDispatch(
      { ...order, orderState: 'Cancelled' },
      view({ statusCode: 'PICK', shipments: [{ id: 50, status: 'pending' }] }),
      ctx,
    );
    expect(plan.nothingDispatched).toBe(true);
    expect(plan.mustNotFulfil).toBeUndefined();
  });
});

describe('tracking that changes after dispatch', () => {
  it('a re-labelled package → exactly one setParcelTrackingData with the new number and URL', () => {
    const relabelled = view({ packages: [{ id: 70, shipmentId: 50, trackingNumber: 'DPD0000000999' }] });
    const plan = planDispatch(dispatchedOrder('Shipped'), relabelled, ctx);
    expect(plan.newDeliveries).toEqual([]);
    expect(plan.newParcels).toEqual([]);
    expect(plan.shipmentState).toBeUndefined();
    expect(dispatchActions(dispatchedOrder('Shipped'), plan)).toEqual([
      {
        action: 'setParcelTrackingData',
        parcelId: 'parcel-70',
        trackingData: {
          trackingId: 'DPD0000000999',
          carrier: 'DPD',
          provider: 'DPD UK',
          providerTransaction: 'https://track.example/dpd/DPD0000000999',
          isReturn: false,
        },
      },
    ]);
    // Once written, the same view plans nothing.
    const written = dispatchedOrder('Shipped', {}, plan.trackingUpdates[0]!.trackingData);
    expect(planDispatch(written, relabelled, ctx).trackingUpdates).toEqual([]);
  });

  it('a carrier swap on the shipment → carrier, provider and URL follow; still one parcel', () => {
    const swapped = view({
      shipments: [{ id: 50, status: 'dispatched', carrierCode: 'UPS', carrierName: 'UPS Ltd' }],
      packages: [{ id: 70, shipmentId: 50, trackingNumber: '1Z999' }],
    });
    const plan = planDispatch(dispatchedOrder('Delivered'), swapped, ctx);
    expect(plan.trackingUpdates).toEqual([
      {
        deliveryKey: 'clarus-shipment-50',
        parcelId: 'parcel-70',
        parcelKey: 'clarus-package-70',
        trackingData: {
          trackingId: '1Z999',
          carrier: 'UPS',
          provider: 'UPS Ltd',
          providerTransaction: 'https://track.example/ups/1Z999',
          isReturn: false,
        },
      },
    ]);
    expect(plan.newParcels).toEqual([]);
    expect(plan.shipmentState).toBeUndefined(); // Delivered stays Delivered
  });

  it('a tracking number that appears after the parcel was written is set once', () => {
    const bare = dispatchedOrder('Shipped', {}, { carrier: 'DPD', provider: 'DPD UK', isReturn: false });
    const plan = planDispatch(bare, view(), ctx);
    expect(plan.trackingUpdates.map((u) => u.trackingData)).toEqual([dpdParcel.trackingData]);
  });
});

describe('trackingUpdate (field by field)', () => {
  const before = dpdParcel.trackingData;
  const reported = (over: Parameters<typeof parcelTrackingOf>[0]) =>
    parcelTrackingOf(over, ctx.trackingUrlTemplates);

  it('nothing when Clarus reports what the parcel has', () => {
    expect(
      trackingUpdate(
        before,
        reported({ trackingNumber: 'DPD0000000070', carrierCode: 'DPD', carrierName: 'DPD UK' }),
      ),
    ).toBeUndefined();
  });

  it('keeps the number and carrier Clarus no longer reports (a voided label): nothing to write', () => {
    expect(trackingUpdate(before, reported({}))).toBeUndefined();
    expect(trackingUpdate(before, reported({ carrierCode: 'DPD' }))).toBeUndefined();
  });

  it('drops a URL that pointed at the old label when no template applies to the new carrier', () => {
    expect(trackingUpdate(before, reported({ trackingNumber: 'X-1', carrierCode: 'ROYALMAIL' }))).toEqual({
      trackingId: 'X-1',
      carrier: 'ROYALMAIL',
      provider: 'DPD UK',
      isReturn: false,
    });
  });

  it('sets tracking on a parcel that had none', () => {
    expect(trackingUpdate(undefined, reported({ trackingNumber: 'DPD1', carrierCode: 'DPD' }))).toEqual({
      trackingId: 'DPD1',
      carrier: 'DPD',
      providerTransaction: 'https://track.example/dpd/DPD1',
      isReturn: false,
    });
  });
});

describe('the configured order state only moves forward', () => {
  // Open (initial) → Paid → Dispatched → Delivered; Held has no declared transitions.
  const states: OrderStateNode[] = [
    { id: 'open', initial: true, transitions: ['paid', 'dispatched'] },
    { id: 'paid', initial: false, transitions: ['dispatched'] },
    { id: 'dispatched', initial: false, transitions: ['delivered'] },
    { id: 'delivered', initial: false, transitions: [] },
    { id: 'held', initial: false },
    { id: 'free', initial: true },
  ];
  it.each<[string | undefined, boolean]>([
    [undefined, true], // no state yet
    ['open', true], // initial, leads to it
    ['paid', true], // leads to it
    ['dispatched', false], // already there
    ['delivered', false], // past it: never back
    ['held', false], // set deliberately, place unknown
    ['free', true], // initial without declared transitions
    ['gone', false], // a state this project no longer has
  ])('from %s → %s', (current, expected) => {
    expect(isForwardTransition(current, 'dispatched', states)).toBe(expected);
  });

  it('a plan that makes the order Shipped transitions only when the move is forward', () => {
    const plan = planDispatch(order, view(), ctx);
    const transition = { action: 'transitionState', state: { typeId: 'state', id: 'dispatched' } };
    const at = (id?: string) =>
      dispatchActions(id ? { state: { typeId: 'state', id } } : {}, plan, {
        dispatchStateId: 'dispatched',
        orderStates: states,
      });
    expect(at('paid')).toContainEqual(transition);
    expect(at('delivered')).not.toContainEqual(transition);
    expect(at('delivered').map((a) => a.action)).toEqual(['addDelivery', 'changeShipmentState']);
  });
});
