import type { Order } from '@commercetools/platform-sdk';
import {
  dispatchActions,
  dispatchViewOf,
  isDispatched,
  planDispatch,
  referenceCandidates,
  shippingKeyOf,
  type DispatchPlan,
} from '../../src/fulfilment';
import { createSkuTranslator } from '../../src/mapping';
import { aLineItem, anOrder } from '../../testing';

const parcel = (key: string) => ({
  key,
  trackingData: { trackingId: `T-${key}`, carrier: 'DPD', isReturn: false },
});

describe('plan → order update actions', () => {
  const plan: DispatchPlan = {
    newDeliveries: [
      {
        key: 'clarus-shipment-1',
        shippingKey: 'home',
        items: [{ id: 'li-1', quantity: 1 }],
        parcels: [parcel('clarus-package-7')],
      },
    ],
    newParcels: [{ deliveryKey: 'clarus-shipment-0', parcel: parcel('clarus-package-8') }],
    trackingUpdates: [],
    shipmentState: 'Shipped',
    nothingDispatched: false,
    problems: [],
  };

  it('adds keyed deliveries (with their shipping key) and parcels, then the shipment state', () => {
    expect(dispatchActions({}, plan)).toEqual([
      {
        action: 'addDelivery',
        deliveryKey: 'clarus-shipment-1',
        shippingKey: 'home',
        items: [{ id: 'li-1', quantity: 1 }],
        parcels: [parcel('clarus-package-7')],
      },
      {
        action: 'addParcelToDelivery',
        deliveryKey: 'clarus-shipment-0',
        parcelKey: 'clarus-package-8',
        trackingData: parcel('clarus-package-8').trackingData,
      },
      { action: 'changeShipmentState', shipmentState: 'Shipped' },
    ]);
  });

  it('transitions to the dispatch state only when the order becomes Shipped and is not in it yet', () => {
    const transition = { action: 'transitionState', state: { typeId: 'state', id: 'st-1' } };
    expect(dispatchActions({}, plan, { dispatchStateId: 'st-1' })).toContainEqual(transition);
    expect(
      dispatchActions({ state: { typeId: 'state', id: 'st-1' } }, plan, { dispatchStateId: 'st-1' }),
    ).not.toContainEqual(transition);
    expect(
      dispatchActions({}, { ...plan, shipmentState: 'Partial' }, { dispatchStateId: 'st-1' }),
    ).not.toContainEqual(transition);
  });

  it('is empty for an empty plan (a repeated webhook sends no update at all)', () => {
    expect(
      dispatchActions(
        {},
        { newDeliveries: [], newParcels: [], trackingUpdates: [], nothingDispatched: false, problems: [] },
        { dispatchStateId: 'st-1' },
      ),
    ).toEqual([]);
  });
});

describe('Clarus reads → dispatch view', () => {
  it('maps lines, shipments (carrier) and packages, attributing a package without its shipment to the only shipment', () => {
    const view = dispatchViewOf(
      { id: 3001, reference: 'ORD-1', status: { code: 'COMPLETED', name: 'Completed' } },
      [
        {
          id: 1,
          orderQuantity: 2,
          allocatedQuantity: 2,
          pickQuantity: 2,
          dispatchQuantity: 2,
          shortStatus: null,
          product: { id: 9, code: 'SKU-A' },
          goodsOut: { id: 3001, reference: 'ORD-1' },
          altLineReference: 'li-1',
        },
      ],
      [
        {
          id: 50,
          reference: 'SHP-50',
          status: 'dispatched',
          carrier: { id: 1, code: 'DPD', name: 'DPD UK' },
          carrierService: { id: 2, code: 'DPD-NEXT', name: null },
        },
      ],
      [
        { id: 70, trackingNumber: 'TRK-1', shipment: { id: 50, reference: 'SHP-50' } },
        { id: 71, trackingNumber: null, shipment: null },
      ],
    );
    expect(view).toEqual({
      goodsOutId: 3001,
      reference: 'ORD-1',
      statusCode: 'COMPLETED',
      lines: [
        { id: 1, productCode: 'SKU-A', orderQuantity: 2, dispatchQuantity: 2, altLineReference: 'li-1' },
      ],
      shipments: [
        {
          id: 50,
          reference: 'SHP-50',
          status: 'dispatched',
          carrierCode: 'DPD',
          carrierName: 'DPD UK',
          serviceCode: 'DPD-NEXT',
        },
      ],
      packages: [
        { id: 70, shipmentId: 50, trackingNumber: 'TRK-1' },
        { id: 71, shipmentId: 50 },
      ],
    });
  });

  it('never counts a cancelled shipment as dispatched, even on a completed goods out', () => {
    expect(isDispatched({ statusCode: 'COMPLETED' }, { status: 'cancelled' })).toBe(false);
    expect(isDispatched({ statusCode: 'COMPLETED' }, { status: 'pending' })).toBe(true);
    expect(isDispatched({ statusCode: 'PICK' }, { status: 'dispatched' })).toBe(true);
    const order = anOrder({ lineItems: [aLineItem('li-1', 'SKU-A', 1)] });
    const plan = planDispatch(
      order,
      {
        goodsOutId: 1,
        reference: 'ORD-1001',
        statusCode: 'COMPLETED',
        lines: [{ id: 1, productCode: 'SKU-A', orderQuantity: 1, dispatchQuantity: 1 }],
        shipments: [
          { id: 5, status: 'cancelled' },
          { id: 6, status: 'dispatched' },
        ],
        packages: [],
      },
      { skus: createSkuTranslator({}), mapping: { bundleMode: 'expand' }, trackingUrlTemplates: {} },
    );
    expect(plan.newDeliveries.map((d) => d.key)).toEqual(['clarus-shipment-6']);
  });
});

describe('goods out reference → order', () => {
  it('lists every split of a reference into order number and shipping key', () => {
    expect(referenceCandidates('SO-1-home-2')).toEqual([
      { orderNumber: 'SO-1-home-2' },
      { orderNumber: 'SO-1-home', shippingKey: '2' },
      { orderNumber: 'SO-1', shippingKey: 'home-2' },
      { orderNumber: 'SO', shippingKey: '1-home-2' },
    ]);
    expect(referenceCandidates('ORD1')).toEqual([{ orderNumber: 'ORD1' }]);
    expect(referenceCandidates('-x')).toEqual([{ orderNumber: '-x' }]);
  });

  const multi = {
    ...anOrder({ orderNumber: 'SO-1' }),
    shippingMode: 'Multiple',
    shipping: [{ shippingKey: 'home' }, { shippingKey: 'office-2' }],
  } as unknown as Order;

  it('tells which shipping key a goods out carries: by reference, else by the export claim, else null', () => {
    expect(shippingKeyOf(anOrder(), { goodsOutId: 1, reference: 'anything' })).toBeUndefined();
    expect(shippingKeyOf(multi, { goodsOutId: 1, reference: 'SO-1-office-2' })).toBe('office-2');
    expect(shippingKeyOf(multi, { goodsOutId: 7, reference: 'renamed' }, { 'SO-1-home': 7 })).toBe('home');
    expect(shippingKeyOf(multi, { goodsOutId: 7, reference: 'renamed' }, { 'SO-1-home': 8 })).toBeNull();
  });
});
