import type { ShippingMethod } from '@commercetools/platform-sdk';
import {
  importMultiShipmentOrder,
  importOrder,
  seedProducts,
  seedShippingMethods,
  type OrderSpec,
  type TestWorld,
} from '@clarus-connector/sandbox';
import {
  clarusCalls,
  ctCalls,
  ctWrites as writesTo,
  deliveries,
  exportedOrder,
  freshOrder,
  startService,
  startTestWorld,
  type ServiceUnderTest,
} from './harness';

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  TRACKING_URL_TEMPLATES: JSON.stringify({ DPD: 'https://track.example/dpd/{trackingNumber}' }),
};
const SKUS = ['MUG-1', 'TEE-1', 'CAP-1'];

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
  world.clarus.seedProducts([...SKUS, 'STRANGER-1'].map((code) => ({ code })));
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD', carrierName: 'DPD UK' }]);
  world.clarus.setStock([...SKUS, 'STRANGER-1'].map((productCode) => ({ productCode, available: 1000 })));
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

/** An order in commercetools, exported to Clarus by the order export use case (goods out + syncInfo). */
const exported = (spec: Omit<OrderSpec, 'shippingMethod'>) =>
  exportedOrder(service, { ...spec, shippingMethod: nextDay });

const openExceptions = async (kind: string) =>
  (await service.integration.exceptions.list({ status: 'open' })).filter((e) => e.kind === kind);
const ctWrites = () => writesTo(world);

describe('POST /clarus/webhooks/dispatch, fired by the Clarus simulator', () => {
  it('writes one delivery with a parcel per package and Shipped; three repeats write nothing', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-FULL-1',
      lines: [
        { sku: 'MUG-1', quantity: 2 },
        { sku: 'TEE-1', quantity: 1 },
      ],
    });
    await world.ct.resetRequests();
    world.clarus.resetRequests();

    const dispatched = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 2 }] });
    expect(dispatched.webhookStatus).toBe(200);
    // What the first delivery cost, from both stand-ins' request logs (tokens and the clarus-wms channel
    // were cached by the export): Clarus 2 GraphQL requests (the goods out, its lines and shipments in one,
    // then the packages); commercetools 1 order read by id (the order the goods out names, its syncInfo
    // recording the goods out), 1 order update, and 2 reads of exceptions the successful write may resolve.
    expect(clarusCalls(world)).toEqual(['GRAPHQL goods_out_lines+shipments+goods_outs', 'GRAPHQL packages']);
    const firstCt = await ctCalls(world);
    expect(firstCt.slice(0, 2)).toEqual([`GET /orders/${order.id}`, `POST /orders/${order.id}`]);
    expect([...firstCt.slice(2)].sort()).toEqual([
      `GET /custom-objects/clarus-exceptions/dispatch-for-unknown-order.goods_out.${goodsOutId}`,
      `GET /custom-objects/clarus-exceptions/tracking-write-failed.order.${order.id}`,
    ]);

    const after = await freshOrder(world, order);
    const [shipment] = dispatched.shipments;
    const [mug, tee] = order.lineItems;
    expect(after.shipmentState).toBe('Shipped');
    const all = deliveries(after);
    expect(all).toHaveLength(1);
    const delivery = all[0]!.delivery;
    expect(delivery.key).toBe(`clarus-shipment-${shipment!.id}`);
    expect(delivery.items).toEqual([
      { id: mug!.id, quantity: 2 },
      { id: tee!.id, quantity: 1 },
    ]);
    expect(delivery.parcels.map((p) => [p.key, p.trackingData])).toEqual(
      shipment!.packages.map((pkg) => [
        `clarus-package-${pkg.id}`,
        {
          trackingId: pkg.tracking_number,
          carrier: 'DPD',
          provider: 'DPD UK',
          providerTransaction: `https://track.example/dpd/${pkg.tracking_number}`,
          isReturn: false,
        },
      ]),
    );
    expect(shipment!.packages).toHaveLength(2);
    expect(shipment!.packages[0]!.tracking_number).toMatch(/^DPD\d{10}$/);

    await world.ct.resetRequests();
    world.clarus.resetRequests();
    for (let i = 0; i < 3; i++) expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect(await ctWrites()).toEqual([]);
    // Per repeat: one order read by id, two Clarus requests, no write.
    expect(await ctCalls(world)).toEqual(Array(3).fill(`GET /orders/${order.id}`));
    expect(clarusCalls(world)).toHaveLength(3 * 2);
    expect(deliveries(await freshOrder(world, order))).toHaveLength(1);
  });

  it('records two shipments dispatched at different times: Partial, then Shipped with two deliveries', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-TWO-1',
      lines: [
        { sku: 'MUG-1', quantity: 2 },
        { sku: 'TEE-1', quantity: 1 },
      ],
    });
    const [mug, tee] = order.lineItems;
    const first = await world.clarus.dispatch(goodsOutId, {
      shipments: [{ lines: [{ productCode: 'MUG-1', quantity: 1 }], packages: 1 }],
    });
    expect(first.webhookStatus).toBe(200);
    const afterFirst = await freshOrder(world, order);
    expect(afterFirst.shipmentState).toBe('Partial');
    expect(deliveries(afterFirst).map((d) => [d.delivery.key, d.delivery.items])).toEqual([
      [`clarus-shipment-${first.shipments[0]!.id}`, [{ id: mug!.id, quantity: 1 }]],
    ]);

    const second = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    expect(second.webhookStatus).toBe(200);
    const afterSecond = await freshOrder(world, order);
    expect(afterSecond.shipmentState).toBe('Shipped');
    expect(
      deliveries(afterSecond).map((d) => [d.delivery.key, d.delivery.items, d.delivery.parcels.length]),
    ).toEqual([
      [`clarus-shipment-${first.shipments[0]!.id}`, [{ id: mug!.id, quantity: 1 }], 1],
      [
        `clarus-shipment-${second.shipments[0]!.id}`,
        [
          { id: mug!.id, quantity: 1 },
          { id: tee!.id, quantity: 1 },
        ],
        1,
      ],
    ]);
  });

  it('writes nothing while Clarus has only labelled the shipment (pending), then writes once it is dispatched', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-PEND-1',
      lines: [{ sku: 'CAP-1', quantity: 1 }],
    });
    await world.ct.resetRequests();
    world.clarus.resetRequests();

    const labelled = await world.clarus.dispatch(goodsOutId, {
      shipments: [{ status: 'pending', packages: 1 }],
    });
    expect(labelled.webhookStatus).toBe(200);
    expect(labelled.shipments[0]!.packages[0]!.tracking_number).toBeTruthy(); // the label exists already
    const untouched = await freshOrder(world, order);
    expect(deliveries(untouched)).toEqual([]);
    expect(untouched.shipmentState).toBeUndefined();
    // Nothing dispatched: commercetools is not even asked (the GET above is the test's own read).
    expect(await ctCalls(world)).toEqual([`GET /orders/${order.id}`]);
    expect(clarusCalls(world)).toEqual(['GRAPHQL goods_out_lines+shipments+goods_outs']);

    const manifestClosed = await world.clarus.dispatchShipment(labelled.shipments[0]!.id);
    expect(manifestClosed.webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Shipped');
    expect(deliveries(after).map((d) => d.delivery.key)).toEqual([
      `clarus-shipment-${labelled.shipments[0]!.id}`,
    ]);
  });

  it('records a dispatch for an order commercetools does not have as an exception, and answers 200', async () => {
    const [product] = await service.integration.clarus.findProductsByCodes(['MUG-1']);
    const ghost = await service.integration.clarus.createGoodsOut({
      attributes: {
        goods_out_type: 'sales_order',
        account_id: world.clarus.accountId,
        reference: 'NOT-IN-CT-1',
        expected_date_of_dispatch: new Date().toISOString(),
        lines_changes: [{ type: 'ADD', attributes: { product_id: product!.id, order_quantity: 1 } }],
      },
    });
    const dispatched = await world.clarus.dispatch(ghost.id);
    expect(dispatched.webhookStatus).toBe(200);
    const [exception] = (await openExceptions('dispatch-for-unknown-order')).filter(
      (e) => e.entity.id === String(ghost.id),
    );
    expect(exception).toMatchObject({
      team: 'operations',
      entity: { type: 'goods_out', id: String(ghost.id) },
      count: 1,
    });
    expect(exception!.message).toContain('NOT-IN-CT-1');
  });

  it('ends with exactly one delivery when the order update meets a 409', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-409-1',
      lines: [{ sku: 'TEE-1', quantity: 2 }],
    });
    await world.ct.failNext({ method: 'POST', path: `/orders/${order.id}`, status: 409 });
    await world.ct.resetRequests();
    const dispatched = await world.clarus.dispatch(goodsOutId, { shipments: [{ packages: 1 }] });
    expect(dispatched.webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(deliveries(after)).toHaveLength(1);
    expect(deliveries(after)[0]!.delivery.parcels).toHaveLength(1);
    expect(after.shipmentState).toBe('Shipped');
    // The 409, a re-read, and the recomputed write.
    const writes = (await world.ct.requests()).filter(
      (r) => r.method === 'POST' && r.url.includes(`/orders/${order.id}`),
    );
    expect(writes.map((w) => w.status)).toEqual([409, 200]);
  });

  it('puts each delivery of a multi-shipment order under its shipping key', async () => {
    const order = await importMultiShipmentOrder(world.api, world.ct.seed, {
      orderNumber: 'DSP-MULTI-1',
      shipments: [
        {
          key: 'home',
          shippingMethod: nextDay,
          address: { city: 'London' },
          lines: [{ sku: 'MUG-1', quantity: 1 }],
        },
        {
          key: 'office',
          shippingMethod: nextDay,
          address: { city: 'Leeds' },
          lines: [
            { sku: 'MUG-1', quantity: 2 },
            { sku: 'TEE-1', quantity: 1 },
          ],
        },
      ],
    });
    const outcome = await service.integration.orderExport.exportOrder({ orderId: order.id });
    if (outcome.kind !== 'exported') throw new Error(`export failed: ${JSON.stringify(outcome)}`);
    const office = outcome.goodsOuts['DSP-MULTI-1-office']!;
    const home = outcome.goodsOuts['DSP-MULTI-1-home']!;
    const [mug, tee] = order.lineItems;

    const officeShipped = await world.clarus.dispatch(office, { shipments: [{ packages: 1 }] });
    expect(officeShipped.webhookStatus).toBe(200);
    const afterOffice = await freshOrder(world, order);
    expect(afterOffice.shipmentState).toBe('Partial');
    expect(deliveries(afterOffice).map((d) => [d.shippingKey, d.delivery.key, d.delivery.items])).toEqual([
      [
        'office',
        `clarus-shipment-${officeShipped.shipments[0]!.id}`,
        [
          { id: mug!.id, quantity: 2 },
          { id: tee!.id, quantity: 1 },
        ],
      ],
    ]);

    const homeShipped = await world.clarus.dispatch(home, { shipments: [{ packages: 1 }] });
    expect(homeShipped.webhookStatus).toBe(200);
    const afterHome = await freshOrder(world, order);
    expect(afterHome.shipmentState).toBe('Shipped');
    expect(afterHome.shippingInfo).toBeUndefined();
    expect(
      afterHome.shipping!.map((s) => [s.shippingKey, s.shippingInfo.deliveries!.map((d) => d.key)]),
    ).toEqual([
      ['home', [`clarus-shipment-${homeShipped.shipments[0]!.id}`]],
      ['office', [`clarus-shipment-${officeShipped.shipments[0]!.id}`]],
    ]);
    expect(deliveries(afterHome).find((d) => d.shippingKey === 'home')!.delivery.items).toEqual([
      { id: mug!.id, quantity: 1 },
    ]);
  });

  it('marks a goods out completed with a short line Partial and raises a short-shipment exception', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-SHORT-1',
      lines: [
        { sku: 'MUG-1', quantity: 2 },
        { sku: 'TEE-1', quantity: 1 },
      ],
    });
    const [mug, tee] = order.lineItems;
    const dispatched = await world.clarus.dispatch(goodsOutId, {
      shipments: [
        {
          lines: [
            { productCode: 'MUG-1', quantity: 1 },
            { productCode: 'TEE-1', quantity: 1 },
          ],
        },
      ],
      complete: true,
    });
    expect(dispatched.webhookStatus).toBe(200);
    expect(world.clarus.goodsOuts().find((g) => g.id === goodsOutId)!.status).toBe('COMPLETED');
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Partial');
    expect(deliveries(after)[0]!.delivery.items).toEqual([
      { id: mug!.id, quantity: 1 },
      { id: tee!.id, quantity: 1 },
    ]);
    const [short] = (await openExceptions('short-shipment')).filter((e) => e.entity.id === order.id);
    expect(short).toMatchObject({
      team: 'ecommerce',
      entity: { type: 'order', orderNumber: 'DSP-SHORT-1' },
      count: 1,
    });
    expect(short!.message).toContain('1 of 2 × MUG-1');

    // A repeat neither writes nor counts the exception again.
    await world.ct.resetRequests();
    expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect(await ctWrites()).toEqual([]);
    expect((await openExceptions('short-shipment')).find((e) => e.entity.id === order.id)!.count).toBe(1);
  });

  it('writes the matched lines and raises dispatch-line-unmatched for a Clarus line the order does not have', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-UNMATCHED-1',
      lines: [{ sku: 'CAP-1', quantity: 1 }],
    });
    const [stranger] = await service.integration.clarus.findProductsByCodes(['STRANGER-1']);
    await service.integration.clarus.updateGoodsOut(goodsOutId, {
      attributes: {
        lines_changes: [{ type: 'ADD', attributes: { product_id: stranger!.id, order_quantity: 1 } }],
      },
    });
    const dispatched = await world.clarus.dispatch(goodsOutId);
    expect(dispatched.webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(deliveries(after)[0]!.delivery.items).toEqual([{ id: order.lineItems[0]!.id, quantity: 1 }]);
    expect(after.shipmentState).toBe('Shipped');
    const [unmatched] = (await openExceptions('dispatch-line-unmatched')).filter(
      (e) => e.entity.id === order.id,
    );
    expect(unmatched).toMatchObject({
      team: 'operations',
      entity: { type: 'order', orderNumber: 'DSP-UNMATCHED-1' },
    });
    expect(unmatched!.message).toContain('STRANGER-1');
  });

  it('answers 503 while Clarus fails, and writes when Clarus retries after it recovered', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-503-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
    });
    world.clarus.injectFault({ kind: 'server_error', status: 502, match: { path: '/graphql' } });
    const dispatched = await world.clarus.dispatch(goodsOutId);
    expect(dispatched.webhookStatus).toBe(503);
    expect(deliveries(await freshOrder(world, order))).toEqual([]);
    world.clarus.clearFaults();
    expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect(deliveries(await freshOrder(world, order))).toHaveLength(1);
  });

  it('answers 503 when commercetools is unavailable for the write', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-CT503-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
    });
    await world.ct.failNext({ method: 'POST', path: `/orders/${order.id}`, status: 503, times: 10 });
    expect((await world.clarus.dispatch(goodsOutId)).webhookStatus).toBe(503);
    await world.ct.clearFailures();
    expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect((await freshOrder(world, order)).shipmentState).toBe('Shipped');
  });

  it('raises tracking-write-failed when commercetools rejects the write, and resolves it once a write succeeds', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-400-1',
      lines: [{ sku: 'TEE-1', quantity: 1 }],
    });
    await world.ct.failNext({ method: 'POST', path: `/orders/${order.id}`, status: 400 });
    expect((await world.clarus.dispatch(goodsOutId)).webhookStatus).toBe(200);
    const [failed] = (await openExceptions('tracking-write-failed')).filter((e) => e.entity.id === order.id);
    expect(failed).toMatchObject({ team: 'ecommerce', entity: { orderNumber: 'DSP-400-1' } });
    expect(failed!.message).toContain('400');
    expect(deliveries(await freshOrder(world, order))).toEqual([]);

    expect(await world.clarus.fireDispatchWebhook(goodsOutId)).toBe(200);
    expect(deliveries(await freshOrder(world, order))).toHaveLength(1);
    expect((await openExceptions('tracking-write-failed')).filter((e) => e.entity.id === order.id)).toEqual(
      [],
    );
  });

  it('finds the order by its number when the export never recorded syncInfo', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'DSP-NOSYNC-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    // The goods out is created, but every syncInfo write fails: the order carries no link to it.
    await world.ct.failNext({ method: 'POST', path: `/orders/${order.id}`, status: 503, times: 10 });
    expect((await service.integration.orderExport.exportOrder({ orderId: order.id })).kind).toBe(
      'retry_later',
    );
    await world.ct.clearFailures();
    expect((await freshOrder(world, order)).syncInfo).toEqual([]);
    const goodsOut = world.clarus.goodsOuts().find((g) => g.attributes.reference === 'DSP-NOSYNC-1')!;

    expect((await world.clarus.dispatch(goodsOut.id)).webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(after.shipmentState).toBe('Shipped');
    expect(deliveries(after)).toHaveLength(1);
  });

  it('acts on a body that carries only the reference', async () => {
    const { order, goodsOutId } = await exported({
      orderNumber: 'DSP-REFONLY-1',
      lines: [{ sku: 'TEE-1', quantity: 1 }],
    });
    await world.clarus.dispatch(goodsOutId, { fireWebhook: false });
    expect(deliveries(await freshOrder(world, order))).toEqual([]);
    await world.ct.resetRequests();
    world.clarus.resetRequests();
    const res = await fetch(service.dispatchUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-claruswms-subdomain': world.clarus.subdomain },
      body: JSON.stringify({ reference: 'DSP-REFONLY-1' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      outcome: 'processed',
      goodsOuts: [{ kind: 'written', goodsOutId, orderId: order.id, shipmentState: 'Shipped' }],
    });
    // The reference finds the goods out, then its lines and shipments in one request; the order is read by
    // its number (a key read, no query) and accepted because its syncInfo records the goods out.
    expect(clarusCalls(world)).toEqual([
      'GRAPHQL goods_outs',
      'GRAPHQL goods_out_lines+shipments',
      'GRAPHQL packages',
    ]);
    expect((await ctCalls(world)).slice(0, 2)).toEqual([
      'GET /orders/order-number=DSP-REFONLY-1',
      `POST /orders/${order.id}`,
    ]);
    expect(deliveries(await freshOrder(world, order))).toHaveLength(1);
  });

  it('does not trust the order id the body names: a goods out naming another order still reaches its own', async () => {
    const mine = await exported({ orderNumber: 'DSP-HINT-1', lines: [{ sku: 'MUG-1', quantity: 1 }] });
    const other = await exported({ orderNumber: 'DSP-HINT-2', lines: [{ sku: 'MUG-1', quantity: 1 }] });
    await world.clarus.dispatch(mine.goodsOutId, { fireWebhook: false });
    const otherBefore = await freshOrder(world, other.order);
    await world.ct.resetRequests();
    const res = await fetch(service.dispatchUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-claruswms-subdomain': world.clarus.subdomain },
      body: JSON.stringify({
        data: {
          id: mine.goodsOutId,
          type: 'goods_outs',
          attributes: { reference: 'DSP-HINT-1', external_system_reference1: other.order.id },
        },
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      goodsOuts: [{ kind: 'written', goodsOutId: mine.goodsOutId, orderId: mine.order.id }],
    });
    // The named order is read by id, but its syncInfo does not record this goods out: the syncInfo query decides.
    expect((await ctCalls(world)).slice(0, 2)).toEqual([`GET /orders/${other.order.id}`, 'GET /orders']);
    expect(deliveries(await freshOrder(world, mine.order))).toHaveLength(1);
    expect((await freshOrder(world, other.order)).version).toBe(otherBefore.version);
  });

  it('transitions the order to DISPATCH_ORDER_STATE_KEY when it becomes Shipped (use case called directly)', async () => {
    const state = (
      await world.api
        .states()
        .post({ body: { key: 'dispatched-notify', type: 'OrderState', initial: false } })
        .execute()
    ).body;
    const withState = await startService(world, {
      ...SETTINGS,
      DISPATCH_ORDER_STATE_KEY: 'dispatched-notify',
    });
    try {
      const { order, goodsOutId } = await exported({
        orderNumber: 'DSP-STATE-1',
        lines: [{ sku: 'CAP-1', quantity: 1 }],
      });
      await world.clarus.dispatch(goodsOutId, { fireWebhook: false });
      const outcome = await withState.integration.dispatchSync.applyDispatch({ goodsOutId });
      expect(outcome).toMatchObject({
        kind: 'processed',
        goodsOuts: [{ kind: 'written', shipmentState: 'Shipped', stateTransitioned: true }],
      });
      const after = await freshOrder(world, order);
      expect(after.state?.id).toBe(state.id);

      // The reconciliation path: a view read separately, applied with the order in hand — nothing left to do.
      const [view] = await withState.integration.dispatchSync.readGoodsOuts({ goodsOutId });
      await world.ct.resetRequests();
      const again = await withState.integration.dispatchSync.applyGoodsOut(view!, { order: after });
      expect(again).toMatchObject({ kind: 'unchanged', orderId: order.id });
      expect(await ctCalls(world)).toEqual([]);
    } finally {
      await withState.close();
    }
  });
});
