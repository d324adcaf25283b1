import type { ShippingMethod } from '@commercetools/platform-sdk';
import { importOrder, seedProducts, seedShippingMethods, type TestWorld } from '@clarus-connector/sandbox';
import { exportedOrder, startService, startTestWorld, type ServiceUnderTest } from './harness';

/*
 * The read-only views behind the order panel and the Clarus WMS application, over the emulators:
 * one order's trip to Clarus, the exceptions list with search and paging, open exceptions per day, and the
 * last job runs.
 */

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  TRACKING_URL_TEMPLATES: JSON.stringify({ DPD: 'https://track.example/dpd/{trackingNumber}' }),
};
const AUTH = { authorization: 'Bearer test-ops-token-456' };

let world: TestWorld;
let service: ServiceUnderTest;
let nextDay: ShippingMethod;
let unmapped: ShippingMethod;

beforeAll(async () => {
  world = await startTestWorld();
  await seedProducts(world.api, [{ sku: 'MUG-1' }, { sku: 'TEE-1' }]);
  [nextDay, unmapped] = (await seedShippingMethods(world.api, ['next-day', 'pigeon'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  world.clarus.seedProducts([{ code: 'MUG-1' }, { code: 'TEE-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD', carrierName: 'DPD UK' }]);
  world.clarus.setStock([
    { productCode: 'MUG-1', available: 100 },
    { productCode: 'TEE-1', available: 100 },
  ]);
  service = await startService(world, SETTINGS);
  world.clarus.configureWebhooks({ dispatchUrl: service.dispatchUrl() });
});

beforeEach(() => world.clarus.clearFaults());

afterAll(async () => {
  await service?.close();
  await world?.close();
});

const get = async (path: string) => {
  const res = await fetch(`${service.baseUrl}${path}`, { headers: AUTH });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back field by field
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('GET /ops/orders/:orderId', () => {
  it('shows an exported, dispatched order: goods out, lines, shipment with carrier, tracking number and link', async () => {
    const { order, goodsOutId } = await exportedOrder(service, {
      orderNumber: 'VIEW-1',
      lines: [
        { sku: 'MUG-1', quantity: 2 },
        { sku: 'TEE-1', quantity: 1 },
      ],
      shippingMethod: nextDay,
    });
    const dispatched = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    expect(dispatched.webhookStatus).toBe(200);
    const trackingNumber = dispatched.shipments[0]!.packages[0]!.tracking_number;

    const byNumber = await get('/ops/orders/VIEW-1');
    expect(byNumber.status).toBe(200);
    const view = byNumber.body;
    expect(view.order).toMatchObject({ id: order.id, orderNumber: 'VIEW-1', shipmentState: 'Shipped' });
    expect(view.exportState).toBe('exported');
    expect(view.syncedGoodsOutIds).toEqual([goodsOutId]);
    expect(view.clarus).toEqual({ reachable: true });
    expect(view.goodsOuts).toHaveLength(1);
    expect(view.goodsOuts[0]).toMatchObject({ id: goodsOutId, reference: 'VIEW-1' });
    expect((view.goodsOuts[0].lines as { sku: string }[]).sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(
      [
        { sku: 'MUG-1', productCode: 'MUG-1', ordered: 2, allocated: 2, picked: 2, dispatched: 2 },
        { sku: 'TEE-1', productCode: 'TEE-1', ordered: 1, allocated: 1, picked: 1, dispatched: 1 },
      ],
    );
    expect(view.shipments).toEqual([
      expect.objectContaining({
        goodsOutId,
        carrier: 'DPD UK',
        parcels: [
          expect.objectContaining({
            trackingNumber,
            trackingUrl: `https://track.example/dpd/${encodeURIComponent(trackingNumber)}`,
          }),
        ],
      }),
    ]);
    expect(view.exceptions).toEqual([]);
    // The same view by id.
    expect((await get(`/ops/orders/${order.id}`)).body.goodsOuts).toEqual(view.goodsOuts);
  });

  it('shows an order that cannot be exported as invalid, with its open exception, team and what to do', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'VIEW-INVALID-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: unmapped,
    });
    expect((await service.integration.orderExport.exportOrder({ orderId: order.id })).kind).toBe('invalid');
    const { status, body } = await get(`/ops/orders/${order.id}`);
    expect(status).toBe(200);
    expect(body.exportState).toBe('invalid');
    expect(body.goodsOuts).toEqual([]);
    expect(body.exceptions).toEqual([
      expect.objectContaining({
        kind: 'shipping-method-unmapped',
        team: 'operations',
        action: expect.any(String),
      }),
    ]);
  });

  it('shows a waiting order, and says Clarus is unreachable instead of failing', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'VIEW-WAIT-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    world.clarus.injectFault({ kind: 'server_error', status: 503, match: { path: '/graphql' } });
    const { status, body } = await get(`/ops/orders/${order.id}`);
    expect(status).toBe(200);
    expect(body.exportState).toBe('waiting');
    expect(body.clarus.reachable).toBe(false);
    expect(body.goodsOuts).toEqual([]);
  });

  it('answers 404 for an unknown order id or number', async () => {
    expect((await get('/ops/orders/NO-SUCH-ORDER')).status).toBe(404);
    expect((await get('/ops/orders/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('GET /ops/exceptions: search and paging', () => {
  beforeAll(async () => {
    for (const n of [1, 2, 3]) {
      await service.integration.exceptions.raise({
        kind: 'sku-unknown-to-clarus',
        entity: { type: 'sku', id: `PAGE-SKU-${n}`, sku: `PAGE-SKU-${n}` },
        message: `SKU PAGE-SKU-${n} is not a Clarus product`,
      });
    }
  });

  it('pages with limit and offset, and says how many there are in all', async () => {
    const first = await get('/ops/exceptions?q=page-sku&limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ count: 2, total: 3, offset: 0, limit: 2 });
    const second = await get('/ops/exceptions?q=page-sku&limit=2&offset=2');
    expect(second.body).toMatchObject({ count: 1, total: 3, offset: 2 });
    const keys = [...first.body.exceptions, ...second.body.exceptions].map((e: { key: string }) => e.key);
    expect(new Set(keys).size).toBe(3);
  });

  it('finds by SKU or order number, and refuses bad paging values naming the parameter', async () => {
    expect(
      (await get('/ops/exceptions?q=PAGE-SKU-2')).body.exceptions.map(
        (e: { entity: { sku: string } }) => e.entity.sku,
      ),
    ).toEqual(['PAGE-SKU-2']);
    const res = await get('/ops/exceptions?limit=0');
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe('limit');
    expect((await get('/ops/exceptions?offset=-1')).body.parameter).toBe('offset');
  });

  it('keeps the CSV unpaged: every matching row', async () => {
    const res = await fetch(`${service.baseUrl}/ops/exceptions.csv?q=page-sku&limit=1`, { headers: AUTH });
    const lines = (await res.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + 3);
  });
});

describe('GET /ops/exceptions-by-day and /ops/jobs/:job/last-run', () => {
  it('counts open exceptions per day for the chart; today equals the open total', async () => {
    const { status, body } = await get('/ops/exceptions-by-day?days=14');
    expect(status).toBe(200);
    expect(body.days).toHaveLength(14);
    const open = (await service.integration.exceptions.list({ status: 'open' })).length;
    expect(body.days[13].open).toBe(open);
    expect((await get('/ops/exceptions-by-day?days=0')).status).toBe(400);
  });

  it('returns the last inventory run summary once there is one, and 404 for an unknown job', async () => {
    expect((await get('/ops/jobs/inventory/last-run')).body).toEqual({ lastRun: null });
    await service.integration.inventorySync.run({});
    const { body } = await get('/ops/jobs/inventory/last-run');
    expect(body.lastRun).toMatchObject({ jobName: 'inventory-sync', summary: expect.any(Object) });
    expect((await get('/ops/jobs/nothing/last-run')).status).toBe(404);
  });
});
