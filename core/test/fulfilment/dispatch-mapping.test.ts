import type { Order } from '@commercetools/platform-sdk';
import { planDispatch, type ClarusDispatchView } from '../../src/fulfilment';
import { createSkuTranslator } from '../../src/mapping';
import { aLineItem, anOrder } from '../../testing';

const ctx = {
  skus: createSkuTranslator({ padStart: { length: 6, char: '0' } }),
  mapping: { bundleMode: 'expand' as const, bundleComponentsAttribute: 'bundleComponents' },
  trackingUrlTemplates: { DPD: 'https://track.example/dpd/{trackingNumber}' },
};
const order = anOrder({ lineItems: [aLineItem('li-1', '111', 2), aLineItem('li-2', '222', 1)] });
const view = (over: Partial<ClarusDispatchView> = {}): ClarusDispatchView => ({
  goodsOutId: 9,
  reference: 'ORD-1001',
  statusCode: 'COMPLETED',
  lines: [
    { id: 1, productCode: '000111', orderQuantity: 2, dispatchQuantity: 2, altLineReference: 'li-1' },
    { id: 2, productCode: '000222', orderQuantity: 1, dispatchQuantity: 1 },
  ],
  shipments: [{ id: 50, status: 'dispatched', carrierCode: 'DPD', carrierName: 'DPD UK' }],
  packages: [
    { id: 70, shipmentId: 50, trackingNumber: 'TRK-1' },
    { id: 71, shipmentId: 50, trackingNumber: 'TRK-2' },
  ],
  ...over,
});
const withDeliveries = (o: Order, deliveries: unknown[]): Order =>
  ({ ...o, shippingInfo: { ...o.shippingInfo!, deliveries } }) as Order;

describe('dispatch → deliveries and parcels', () => {
  it('one delivery per shipment, a parcel per package with tracking, Shipped when all is dispatched', () => {
    const plan = planDispatch(order, view(), ctx);
    expect(plan.nothingDispatched).toBe(false);
    expect(plan.newDeliveries).toEqual([
      {
        key: 'clarus-shipment-50',
        items: [
          { id: 'li-1', quantity: 2 },
          { id: 'li-2', quantity: 1 },
        ],
        parcels: [
          {
            key: 'clarus-package-70',
            trackingData: {
              trackingId: 'TRK-1',
              carrier: 'DPD',
              provider: 'DPD UK',
              providerTransaction: 'https://track.example/dpd/TRK-1',
              isReturn: false,
            },
          },
          {
            key: 'clarus-package-71',
            trackingData: {
              trackingId: 'TRK-2',
              carrier: 'DPD',
              provider: 'DPD UK',
              providerTransaction: 'https://track.example/dpd/TRK-2',
              isReturn: false,
            },
          },
        ],
      },
    ]);
    expect(plan.shipmentState).toBe('Shipped');
    expect(plan.problems).toEqual([]);
  });

  it('writes nothing while no shipment is dispatched', () => {
    const plan = planDispatch(
      order,
      view({ statusCode: 'PICK', shipments: [{ id: 50, status: 'pending' }] }),
      ctx,
    );
    expect(plan).toMatchObject({ nothingDispatched: true, newDeliveries: [], newParcels: [] });
  });

  it('is idempotent: a repeated webhook plans nothing new', () => {
    const first = planDispatch(order, view(), ctx);
    const after = withDeliveries(
      { ...order, shipmentState: 'Shipped' },
      first.newDeliveries.map((d) => ({ ...d, id: 'd1', createdAt: '' })),
    );
    const again = planDispatch(after, view(), ctx);
    expect(again.newDeliveries).toEqual([]);
    expect(again.newParcels).toEqual([]);
    expect(again.shipmentState).toBeUndefined();
  });

  it('Partial for the first of two shipments, then Shipped with the rest on the second', () => {
    const firstView = view({
      statusCode: 'PICK',
      lines: [
        { id: 1, productCode: '000111', orderQuantity: 2, dispatchQuantity: 1 },
        { id: 2, productCode: '000222', orderQuantity: 1, dispatchQuantity: 0 },
      ],
      shipments: [
        { id: 50, status: 'dispatched', carrierCode: 'DPD' },
        { id: 51, status: 'pending' },
      ],
      packages: [{ id: 70, shipmentId: 50, trackingNumber: 'TRK-1' }],
    });
    const first = planDispatch(order, firstView, ctx);
    expect(first.newDeliveries.map((d) => [d.key, d.items])).toEqual([
      ['clarus-shipment-50', [{ id: 'li-1', quantity: 1 }]],
    ]);
    expect(first.shipmentState).toBe('Partial');

    const after = withDeliveries(
      { ...order, shipmentState: 'Partial' },
      first.newDeliveries.map((d) => ({ ...d, id: 'd1', createdAt: '' })),
    );
    const second = planDispatch(
      after,
      view({
        shipments: [
          { id: 50, status: 'dispatched' },
          { id: 51, status: 'dispatched' },
        ],
        packages: [
          { id: 70, shipmentId: 50 },
          { id: 72, shipmentId: 51, trackingNumber: 'TRK-3' },
        ],
      }),
      ctx,
    );
    expect(second.newDeliveries.map((d) => [d.key, d.items])).toEqual([
      [
        'clarus-shipment-51',
        [
          { id: 'li-1', quantity: 1 },
          { id: 'li-2', quantity: 1 },
        ],
      ],
    ]);
    expect(second.shipmentState).toBe('Shipped');
  });

  it('a completed goods out with a short line is Partial and raises a short-shipment problem', () => {
    const plan = planDispatch(
      order,
      view({
        lines: [
          { id: 1, productCode: '000111', orderQuantity: 2, dispatchQuantity: 1 },
          { id: 2, productCode: '000222', orderQuantity: 1, dispatchQuantity: 1 },
        ],
      }),
      ctx,
    );
    expect(plan.shipmentState).toBe('Partial');
    expect(plan.problems.map((p) => p.code)).toEqual(['short_shipment']);
  });

  it('matches by product code through the SKU rules when Clarus returns no line reference, and flags strangers', () => {
    const plan = planDispatch(
      order,
      view({
        lines: [
          { id: 1, productCode: '000111', orderQuantity: 2, dispatchQuantity: 2 },
          { id: 3, productCode: 'XYZ', orderQuantity: 1, dispatchQuantity: 1 },
        ],
      }),
      ctx,
    );
    expect(plan.newDeliveries[0]!.items).toEqual([{ id: 'li-1', quantity: 2 }]);
    expect(plan.problems.map((p) => p.code)).toEqual(['unmatched_line']);
  });

  it('counts a bundle line as dispatched when all its components are', () => {
    const bundleOrder = anOrder({
      lineItems: [
        aLineItem('li-b', 'BNDL', 2, {
          variant: { id: 1, sku: 'BNDL', attributes: [{ name: 'bundleComponents', value: ['C1:2', 'C2'] }] },
        }),
      ],
    });
    const plan = planDispatch(
      bundleOrder,
      view({
        lines: [
          { id: 1, productCode: '0000C1', orderQuantity: 4, dispatchQuantity: 4 },
          { id: 2, productCode: '0000C2', orderQuantity: 2, dispatchQuantity: 2 },
        ],
      }),
      ctx,
    );
    expect(plan.newDeliveries[0]!.items).toEqual([{ id: 'li-b', quantity: 2 }]);
    expect(plan.shipmentState).toBe('Shipped');
  });

  it('adds a package that appears later to the existing delivery', () => {
    const after = withDeliveries(order, [
      {
        id: 'd1',
        key: 'clarus-shipment-50',
        createdAt: '',
        items: [
          { id: 'li-1', quantity: 2 },
          { id: 'li-2', quantity: 1 },
        ],
        parcels: [{ id: 'p', key: 'clarus-package-70', createdAt: '' }],
      },
    ]);
    const plan = planDispatch(after, view(), ctx);
    expect(plan.newDeliveries).toEqual([]);
    expect(plan.newParcels.map((p) => [p.deliveryKey, p.parcel.key])).toEqual([
      ['clarus-shipment-50', 'clarus-package-71'],
    ]);
  });

  it('carries the shipping key of a multi-shipment order', () => {
    const multi = anOrder({
      shippingMode: 'Multiple',
      lineItems: [
        aLineItem('li-1', '111', 2, {
          shippingDetails: {
            valid: true,
            targets: [
              { addressKey: 'a', quantity: 1, shippingMethodKey: 'home' },
              { addressKey: 'b', quantity: 1, shippingMethodKey: 'office' },
            ],
          },
        }),
      ],
      shipping: [{ shippingKey: 'home' }, { shippingKey: 'office' }] as never,
    });
    const plan = planDispatch(
      multi,
      view({
        reference: 'ORD-1001-office',
        lines: [{ id: 1, productCode: '000111', orderQuantity: 1, dispatchQuantity: 1 }],
      }),
      { ...ctx, shippingKey: 'office' },
    );
    expect(plan.newDeliveries[0]).toMatchObject({
      shippingKey: 'office',
      items: [{ id: 'li-1', quantity: 1 }],
    });
    expect(plan.shipmentState).toBe('Partial');
  });
});
