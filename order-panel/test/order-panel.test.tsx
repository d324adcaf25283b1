import {
  fireEvent,
  renderCustomView,
  screen,
  waitFor,
  within,
} from '@commercetools-frontend/application-shell/test-utils';
import type { OrderClarusView } from '../../mc-shared/src';
import { mockForwardTo } from '../../mc-shared/test/forward-to-mock';
import { OrderPanelView, orderIdFromHostUrl } from '../src/entry-point';

const SERVICE = 'https://fulfilment.example.com';
const ORDER_ID = 'a8e1f7c2-0000-4000-8000-000000000001';

const exportedView: OrderClarusView = {
  order: {
    id: ORDER_ID,
    orderNumber: 'SO-1001',
    orderState: 'Open',
    shipmentState: 'Shipped',
    createdAt: '2026-11-30T08:00:00.000Z',
  },
  exportState: 'exported',
  syncedGoodsOutIds: [3001],
  goodsOuts: [
    {
      id: 3001,
      reference: 'SO-1001',
      status: 'Completed',
      lines: [{ sku: 'MUG-1', productCode: 'MUG-1', ordered: 2, allocated: 2, picked: 2, dispatched: 2 }],
    },
  ],
  shipments: [
    {
      id: 1501,
      goodsOutId: 3001,
      reference: 'SHP-1501',
      status: 'dispatched',
      carrier: 'DPD UK',
      carrierService: 'DPD-NEXT',
      parcels: [
        {
          packageId: 4801,
          trackingNumber: 'DPD0000004801',
          trackingUrl: 'https://track.example/dpd/DPD0000004801',
        },
      ],
    },
  ],
  exceptions: [],
  clarus: { reachable: true },
};

const render = (canManage: boolean) =>
  renderCustomView({
    locale: 'en',
    projectKey: 'shop',
    customViewHostUrl: `https://mc.europe-west1.gcp.commercetools.com/shop/orders/${ORDER_ID}/general`,
    projectAllAppliedPermissions: [
      { name: 'canView', value: true },
      { name: 'canManage', value: canManage },
    ],
    environment: { fulfilmentServiceUrl: SERVICE } as never,
    children: <OrderPanelView />,
  });

it('reads the order id from the host page URL', () => {
  expect(orderIdFromHostUrl(`https://mc.example.com/shop/orders/${ORDER_ID}/general`)).toBe(ORDER_ID);
  expect(orderIdFromHostUrl('https://mc.example.com/shop/products/p-1')).toBeUndefined();
});

it('shows an exported order: state, goods out, lines, carrier and the tracking number as a link', async () => {
  const calls = mockForwardTo((call) =>
    call.path === `/ops/orders/${ORDER_ID}` ? { status: 200, body: exportedView } : undefined,
  );
  render(false);
  expect(await screen.findByText('Exported')).toBeInTheDocument();
  expect(screen.getByText('Goods out 3001 · SO-1001')).toBeInTheDocument();
  expect(screen.getByText('Completed')).toBeInTheDocument();
  expect(screen.getByText('MUG-1')).toBeInTheDocument();
  expect(screen.getByText(/DPD UK/)).toBeInTheDocument();
  expect(screen.getByRole('link', { name: /DPD0000004801/ })).toHaveAttribute(
    'href',
    'https://track.example/dpd/DPD0000004801',
  );
  expect(screen.getByText('No open exceptions for this order.')).toBeInTheDocument();
  // Through forward-to, to the fulfilment-service, asking for the user's permissions in the token.
  expect(calls[0]).toMatchObject({
    method: 'GET',
    url: `${SERVICE}/ops/orders/${ORDER_ID}`,
    headers: expect.objectContaining({ 'accept-version': 'v2', 'x-forward-to-claims': 'permissions' }),
  });
});

it('keeps working when Clarus is unreachable, and shows an error state with a retry when the service fails', async () => {
  mockForwardTo(() => ({
    status: 200,
    body: {
      ...exportedView,
      goodsOuts: [],
      shipments: [],
      clarus: { reachable: false, error: 'Clarus answered 503' },
    },
  }));
  const first = render(false);
  expect(await screen.findByText(/Clarus could not be reached just now/)).toBeInTheDocument();
  first.unmount();

  let fail = true;
  mockForwardTo(() =>
    fail
      ? { status: 503, body: { message: 'commercetools is unavailable' } }
      : { status: 200, body: exportedView },
  );
  render(false);
  expect(await screen.findByText(/Could not load the order's Clarus status/)).toBeInTheDocument();
  fail = false;
  fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
  expect(await screen.findByText('Exported')).toBeInTheDocument();
});

it('shows open exceptions with what to do and the owning team; Resolve and Resend need the manage permission', async () => {
  const view: OrderClarusView = {
    ...exportedView,
    order: { ...exportedView.order, shipmentState: 'Pending' },
    exportState: 'invalid',
    syncedGoodsOutIds: [],
    goodsOuts: [],
    shipments: [],
    exceptions: [
      {
        key: 'shipping-method-unmapped.order.x',
        kind: 'shipping-method-unmapped',
        team: 'operations',
        entity: { type: 'order', id: ORDER_ID, orderNumber: 'SO-1001' },
        message: 'Shipping method "pigeon" has no Clarus carrier service',
        action: 'Add "pigeon" to CLARUS_SHIPPING_METHOD_MAP, then resend the order',
        status: 'open',
        count: 1,
        firstSeenAt: '2026-11-30T08:00:00.000Z',
        lastSeenAt: '2026-11-30T08:00:00.000Z',
      },
    ],
  };
  mockForwardTo(() => ({ status: 200, body: view }));
  render(false);
  expect(await screen.findByText('Invalid')).toBeInTheDocument();
  expect(screen.getByText(/Add "pigeon" to CLARUS_SHIPPING_METHOD_MAP/)).toBeInTheDocument();
  expect(screen.getByText('operations')).toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Resolve' })).toBeDisabled();
  expect(screen.getByRole('button', { name: 'Resend to Clarus' })).toBeDisabled();
});

it('resends after confirmation and says what happened', async () => {
  const calls = mockForwardTo((call) =>
    call.method === 'POST'
      ? { status: 200, body: { outcome: 'exported', orderId: ORDER_ID, goodsOuts: { 'SO-1001': 3001 } } }
      : {
          status: 200,
          body: {
            ...exportedView,
            order: { ...exportedView.order, shipmentState: 'Pending' },
            exportState: 'waiting',
            syncedGoodsOutIds: [],
            goodsOuts: [],
            shipments: [],
          },
        },
  );
  render(true);
  fireEvent.click(await screen.findByRole('button', { name: 'Resend to Clarus' }));
  expect(screen.getByText(/Send order SO-1001 to Clarus again\?/)).toBeInTheDocument();
  fireEvent.click(screen.getByRole('button', { name: 'Yes, resend to clarus' }));
  expect(await screen.findByText('Sent order SO-1001 to Clarus (goods out 3001).')).toBeInTheDocument();
  expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
    `/ops/orders/${ORDER_ID}/resend`,
  ]);
  // The panel reads the order again after the action.
  await waitFor(() => expect(calls.filter((c) => c.method === 'GET').length).toBeGreaterThanOrEqual(2));
});

it('offers no resend where it could only be skipped (SO-1001 is shipped) and says why', async () => {
  mockForwardTo(() => ({ status: 200, body: exportedView }));
  const shipped = render(true);
  expect(await screen.findByText('Exported')).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: 'Resend to Clarus' })).not.toBeInTheDocument();
  expect(screen.getByText('No resend to Clarus: the order is already shipped.')).toBeInTheDocument();
  shipped.unmount();

  // Not shipped, but delivered, complete or already in Clarus: still nothing a resend could do.
  for (const [order, exportState, reason] of [
    [{ shipmentState: 'Delivered' }, 'waiting', 'the order is already delivered'],
    [{ orderState: 'Complete', shipmentState: 'Pending' }, 'failing', 'the order is complete'],
    [{ shipmentState: 'Pending' }, 'exported', 'Clarus already has the order'],
    [{ orderState: 'Cancelled', shipmentState: 'Pending' }, 'cancelled', 'the order is cancelled'],
  ] as const) {
    mockForwardTo(() => ({
      status: 200,
      body: { ...exportedView, order: { ...exportedView.order, ...order }, exportState },
    }));
    const panel = render(true);
    expect(await screen.findByText(`No resend to Clarus: ${reason}.`)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resend to Clarus' })).not.toBeInTheDocument();
    panel.unmount();
  }

  // Waiting, failing and invalid orders that have not left the warehouse can be resent.
  for (const exportState of ['waiting', 'failing', 'invalid'] as const) {
    mockForwardTo(() => ({
      status: 200,
      body: {
        ...exportedView,
        order: { ...exportedView.order, shipmentState: 'Pending' },
        exportState,
        syncedGoodsOutIds: [],
      },
    }));
    const panel = render(true);
    expect(await screen.findByRole('button', { name: 'Resend to Clarus' })).toBeEnabled();
    expect(screen.queryByText(/No resend to Clarus/)).not.toBeInTheDocument();
    panel.unmount();
  }
});

it('groups the shipments of a multi-shipment order (SO-1002) under their goods out', async () => {
  const parcel = (packageId: number, trackingNumber: string) => ({ packageId, trackingNumber });
  const view: OrderClarusView = {
    ...exportedView,
    order: { ...exportedView.order, orderNumber: 'SO-1002', shipmentState: 'Partial' },
    syncedGoodsOutIds: [3002, 3003],
    goodsOuts: [
      {
        id: 3002,
        reference: 'SO-1002-home',
        status: 'Completed',
        lines: [{ sku: 'MUG-BLACK-01', ordered: 1, allocated: 1, picked: 1, dispatched: 1 }],
      },
      {
        id: 3003,
        reference: 'SO-1002-office',
        status: 'Allocated',
        lines: [{ sku: 'CANDLE-VANILLA', ordered: 2, allocated: 2, picked: 0, dispatched: 0 }],
      },
    ],
    shipments: [
      {
        id: 1601,
        goodsOutId: 3002,
        reference: 'SHP-1601',
        status: 'dispatched',
        carrier: 'Royal Mail',
        carrierService: 'RM-48',
        parcels: [parcel(4901, 'RM0000004901')],
      },
      {
        id: 1602,
        goodsOutId: 3003,
        reference: 'SHP-1602',
        status: 'dispatched',
        carrier: 'DPD UK',
        carrierService: 'DPD-NEXT',
        parcels: [parcel(4902, 'DPD0000004902')],
      },
    ],
  };
  mockForwardTo(() => ({ status: 200, body: view }));
  render(false);
  const home = await screen.findByRole('region', { name: 'Goods out 3002' });
  const office = screen.getByRole('region', { name: 'Goods out 3003' });
  expect(within(home).getByText('Goods out 3002 · SO-1002-home')).toBeInTheDocument();
  expect(within(home).getByText(/RM0000004901/)).toBeInTheDocument();
  expect(within(home).queryByText(/DPD0000004902/)).not.toBeInTheDocument();
  expect(within(office).getByText(/DPD0000004902/)).toBeInTheDocument();
  expect(within(office).getByText(/DPD UK/)).toBeInTheDocument();
  expect(within(office).queryByText(/RM0000004901/)).not.toBeInTheDocument();
});

it('shows a bundle order (SO-1001) with its components under the bundle name', async () => {
  const bundle = { lineItemId: 'li-1', sku: 'GIFT-BOX-001', name: 'Gift box' };
  const component = (sku: string, ordered: number) => ({
    sku,
    productCode: sku,
    bundle,
    ordered,
    allocated: ordered,
    picked: ordered,
    dispatched: ordered,
  });
  const view: OrderClarusView = {
    ...exportedView,
    goodsOuts: [
      {
        ...exportedView.goodsOuts[0]!,
        lines: [
          component('CANDLE-VANILLA', 2),
          component('MUG-WHITE-01', 1),
          component('CARD-GREETING', 1),
          { sku: 'GIFT-WRAP', ordered: 1, allocated: 1, picked: 1, dispatched: 1 },
        ],
      },
    ],
  };
  mockForwardTo(() => ({ status: 200, body: view }));
  render(false);
  const heading = await screen.findByText('Bundle Gift box · GIFT-BOX-001, shipped as:');
  const bundleBlock = heading.parentElement!;
  for (const sku of ['CANDLE-VANILLA', 'MUG-WHITE-01', 'CARD-GREETING'])
    expect(within(bundleBlock).getByText(sku)).toBeInTheDocument();
  // A line that is not part of the bundle stays outside it.
  expect(within(bundleBlock).queryByText('GIFT-WRAP')).not.toBeInTheDocument();
  expect(screen.getByText('GIFT-WRAP')).toBeInTheDocument();
});
