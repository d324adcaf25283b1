import type { Order } from '@commercetools/platform-sdk';
import { composeOrderView, type ClarusOrderData } from '../../src';

/* composeOrderView (pure): which bundle line item a Clarus component line belongs to. */

const order = {
  id: 'order-1',
  orderNumber: 'SO-1001',
  orderState: 'Open',
  shipmentState: 'Shipped',
  createdAt: '2026-11-30T08:00:00.000Z',
  locale: 'en-GB',
  syncInfo: [{ channel: { typeId: 'channel', id: 'clarus' }, externalId: '3001', syncedAt: '' }],
  lineItems: [
    {
      id: 'li-bundle',
      name: { de: 'Geschenkbox', 'en-GB': 'Gift box' },
      variant: { id: 1, sku: 'GIFT-BOX-001' },
    },
  ],
} as unknown as Order;

const line = (id: number, code: string, altLineReference: string | null | undefined) => ({
  id,
  orderQuantity: 1,
  allocatedQuantity: 1,
  pickQuantity: 1,
  dispatchQuantity: 1,
  shortStatus: null,
  product: { id, code },
  goodsOut: { id: 3001, reference: 'SO-1001' },
  altLineReference,
});

const clarus: ClarusOrderData = {
  goodsOuts: [{ id: 3001, reference: 'SO-1001', status: { code: 'COMPLETE', name: 'Completed' } }],
  lines: [line(1, 'CANDLE-VANILLA', 'li-bundle'), line(2, 'MUG-WHITE-01', undefined)],
  shipments: [],
  packages: [],
};

it('names the bundle line item (in the order locale) on its component lines, only when Clarus says so', () => {
  const view = composeOrderView({
    order,
    channelId: 'clarus',
    exceptions: [],
    clarus,
    trackingUrlTemplates: {},
    skus: { toCommercetools: (code: string) => code },
  });
  expect(view.goodsOuts[0]!.lines).toEqual([
    expect.objectContaining({
      sku: 'CANDLE-VANILLA',
      bundle: { lineItemId: 'li-bundle', sku: 'GIFT-BOX-001', name: 'Gift box' },
    }),
    // Without alt_line_reference (a tenant that does not return it) the line stays on its own.
    expect.not.objectContaining({ bundle: expect.anything() }),
  ]);
});

it('does not call a plain line its own bundle', () => {
  const view = composeOrderView({
    order,
    channelId: 'clarus',
    exceptions: [],
    clarus: { ...clarus, lines: [line(1, 'GIFT-BOX-001', 'li-bundle')] },
    trackingUrlTemplates: {},
    skus: { toCommercetools: (code: string) => code },
  });
  expect(view.goodsOuts[0]!.lines[0]).not.toHaveProperty('bundle');
  expect(view.goodsOuts[0]!.lines[0]!.sku).toBe('GIFT-BOX-001');
});
