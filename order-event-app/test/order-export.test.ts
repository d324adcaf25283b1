import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import type { Integration } from '@clarus-connector/core';
import {
  cancelOrder,
  ensureOrderType,
  importMultiShipmentOrder,
  importOrder,
  orderMessage,
  pushEnvelope,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  subscriptionCreatedNotification,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT', economy: 'RM-2ND' }),
  CLARUS_SKU_RULES: JSON.stringify({ padStart: { length: 8, char: '0' } }),
  ORDER_GIFT_MESSAGE_FIELD: 'giftMessage',
  CLARUS_ORDER_FIELD_MAP: JSON.stringify({ salesChannel: 'string1', customerNote: 'order_notes' }),
  BUNDLE_COMPONENTS_ATTRIBUTE: 'bundleComponents',
  BUNDLE_MODE: 'expand',
  CLARUS_WAREHOUSE_ID: '1',
};

let world: TestWorld;
let nextDay: ShippingMethod;
let unmapped: ShippingMethod;
let clock: number;
let integration: Integration;
let app: ReturnType<typeof createApp>;

const newApp = () => {
  integration = world.integration(SETTINGS, { now: () => clock, exportLeaseMs: 30_000 });
  app = createApp(integration, { budgetMs: 8000 });
};
const deliver = (message: unknown, messageId?: string) =>
  request(app).post('/order-events').send(pushEnvelope(message, messageId));
const goodsOutsFor = (reference: string) =>
  world.clarus.goodsOuts().filter((g) => g.attributes.reference === reference);
const creates = () =>
  world.clarus.requests.filter((r) => r.method === 'POST' && r.path === '/api/goods_outs');
const fresh = async (order: Order) =>
  (await world.api.orders().withId({ ID: order.id }).get().execute()).body;
const openExceptions = async (kind: string, orderId: string) =>
  (await integration.exceptions.list({ status: 'open' })).filter(
    (e) => e.kind === kind && e.entity.id === orderId,
  );

beforeAll(async () => {
  world = await startTestWorld();
  await ensureOrderType(world.api, ['giftMessage', 'salesChannel', 'customerNote']);
  await seedProducts(world.api, [
    { sku: '12345' },
    { sku: 'TSHIRT-RED-M' },
    { sku: 'MUG-BLUE-01' },
    { sku: 'NOT-IN-CLARUS' },
    { sku: 'GIFT-SET-01', components: ['CANDLE-VANILLA:2', 'CARD-GREETING'] },
  ]);
  const methods = await seedShippingMethods(world.api, ['next-day', 'click-and-collect']);
  nextDay = methods[0]!;
  unmapped = methods[1]!;
  world.clarus.seedProducts(
    ['00012345', 'TSHIRT-RED-M', 'MUG-BLUE-01', 'CANDLE-VANILLA', 'CARD-GREETING', 'GIFT-SET-01'].map(
      (code) => ({ code }),
    ),
  );
  world.clarus.seedCarrierServices([
    { code: 'DPD-NEXT', carrierCode: 'DPD' },
    { code: 'RM-2ND', carrierCode: 'RM' },
  ]);
  world.clarus.setStock(
    ['00012345', 'TSHIRT-RED-M', 'MUG-BLUE-01', 'CANDLE-VANILLA', 'CARD-GREETING'].map((productCode) => ({
      productCode,
      available: 1000,
    })),
  );
});

beforeEach(() => {
  clock = Date.parse('2026-11-26T10:00:00.000Z');
  world.clarus.clearFaults();
  newApp();
});

afterAll(async () => {
  await world?.close();
});

describe('order-event-app: commercetools order → Clarus goods out', () => {
  it('sends a rich order as exactly the expected goods out body', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'RICH-1',
      lines: [
        { sku: '12345', quantity: 2 },
        { sku: 'TSHIRT-RED-M', quantity: 1 },
        { sku: 'MUG-BLUE-01', quantity: 3 },
      ],
      shippingMethod: nextDay,
      fields: { giftMessage: 'Happy birthday, Sam!', salesChannel: 'web-uk', customerNote: 'VIP' },
    });
    world.clarus.resetRequests();
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'exported', orderId: order.id });

    const [create] = creates();
    const body = create!.body as {
      data: { type: string; attributes: Record<string, unknown>; relationships: unknown };
    };
    const carrier = (await integration.clarus.findCarrierServicesByCodes(['DPD-NEXT']))[0]!;
    const products = await integration.clarus.findProductsByCodes([
      '00012345',
      'TSHIRT-RED-M',
      'MUG-BLUE-01',
    ]);
    const idOf = (code: string) => products.find((p) => p.code === code)!.id;
    const [line1, line2, line3] = order.lineItems;
    expect(body.data.type).toBe('goods_outs');
    expect(body.data.attributes).toEqual({
      goods_out_type: 'sales_order',
      account_id: world.clarus.accountId,
      reference: 'RICH-1',
      expected_date_of_dispatch: '2026-11-26T10:00:00.000Z',
      external_system_reference1: order.id,
      warehouse_id: 1,
      carrier_service_id: carrier.id,
      delivery_notes: 'Side door',
      packing_notes: 'Happy birthday, Sam!',
      string1: 'web-uk',
      order_notes: 'VIP',
      lines_changes: [
        {
          type: 'ADD',
          attributes: {
            product_id: idOf('00012345'),
            order_quantity: 2,
            alt_product_code: '12345',
            alt_line_reference: line1!.id,
          },
        },
        {
          type: 'ADD',
          attributes: {
            product_id: idOf('TSHIRT-RED-M'),
            order_quantity: 1,
            alt_product_code: 'TSHIRT-RED-M',
            alt_line_reference: line2!.id,
          },
        },
        {
          type: 'ADD',
          attributes: {
            product_id: idOf('MUG-BLUE-01'),
            order_quantity: 3,
            alt_product_code: 'MUG-BLUE-01',
            alt_line_reference: line3!.id,
          },
        },
      ],
    });
    expect(body.data.relationships).toEqual({
      address: {
        data: {
          type: 'addresses',
          attributes: {
            name: 'Grace Hopper',
            address_1: 'Station Road 7',
            address_2: 'Unit 2',
            address_3: 'Cambridge',
            address_4: 'Cambridgeshire',
            postcode: 'CB1 2AB',
            country_code: 'GB',
            email_address: 'grace@example.com',
            phone_number: '+44 1223 000000',
          },
        },
      },
    });
    const after = await fresh(order);
    const channel = await integration.clarusChannel();
    expect(after.syncInfo).toEqual([
      expect.objectContaining({
        channel: { typeId: 'channel', id: channel.id },
        externalId: String(goodsOutsFor('RICH-1')[0]!.id),
      }),
    ]);
  });

  it('creates one goods out for the same message delivered 5× concurrently and 5× sequentially', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'DUP-1',
      lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const message = orderMessage('OrderCreated', order);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliver(message, 'same-id')));
    // Those that met the claim of the one in flight ask Pub/Sub to redeliver.
    expect(concurrent.map((r) => r.status).sort()).toEqual(expect.arrayContaining([200]));
    expect(concurrent.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    for (let i = 0; i < 5; i++) {
      const res = await deliver(message, 'same-id');
      expect(res.status).toBe(200);
      expect(['exported', 'already_exported']).toContain(res.body.outcome);
    }
    expect(goodsOutsFor('DUP-1')).toHaveLength(1);
    expect((await fresh(order)).syncInfo).toHaveLength(1);
  });

  it('adopts the goods out of an attempt whose syncInfo write failed, instead of creating another', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'SYNC-FAIL-1',
      lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }],
      shippingMethod: nextDay,
    });
    await world.ct.failNext({ method: 'POST', path: `/orders/${order.id}`, status: 503, times: 10 });
    const first = await deliver(orderMessage('OrderCreated', order));
    expect(first.status).toBe(503);
    expect(goodsOutsFor('SYNC-FAIL-1')).toHaveLength(1);
    await world.ct.clearFailures();

    const second = await deliver(orderMessage('OrderCreated', order));
    expect(second.status).toBe(200);
    expect(second.body.outcome).toBe('exported');
    expect(goodsOutsFor('SYNC-FAIL-1')).toHaveLength(1);
    expect((await fresh(order)).syncInfo.map((s) => s.externalId)).toEqual([
      String(goodsOutsFor('SYNC-FAIL-1')[0]!.id),
    ]);
  });

  it.each([
    [
      'a 429 with Retry-After',
      {
        kind: 'rate_limit' as const,
        retryAfterSeconds: 2,
        match: { method: 'POST', path: '/api/goods_outs' },
      },
    ],
    ['a 500', { kind: 'server_error' as const, match: { method: 'POST', path: '/api/goods_outs' } }],
    ['a hanging request', { kind: 'hang' as const, match: { method: 'POST', path: '/api/goods_outs' } }],
  ])('answers 503 within the ack deadline on %s, and exports once the fault clears', async (_name, fault) => {
    const reference = `FAULT-${fault.kind}`;
    const order = await importOrder(world.api, {
      orderNumber: reference,
      lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    world.clarus.injectFault(fault);
    const started = Date.now();
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    if (fault.kind === 'rate_limit') expect(res.headers['retry-after']).toBe('2');
    world.clarus.clearFaults();

    if (fault.kind !== 'rate_limit') {
      // An ambiguous failure (the create may have landed) is remembered on the claim: a redelivery looks the
      // reference up at once, but creates again only after the hold (5 min), not when the 30 s lease ends.
      clock += 31_000;
      const early = await deliver(orderMessage('OrderCreated', order));
      expect(early.status).toBe(503);
      expect(goodsOutsFor(reference)).toHaveLength(0);
      clock += 5 * 60_000;
    }
    const retry = await deliver(orderMessage('OrderCreated', order));
    expect(retry.status).toBe(200);
    expect(goodsOutsFor(reference)).toHaveLength(1);
  });

  it('makes a recurring transient failure visible as "export failing", retrying on, and resolves it once exported', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'FLAKY-1',
      lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    // Clarus refuses the create (429: it did not happen, so the claim is released at once).
    world.clarus.injectFault({
      kind: 'rate_limit',
      retryAfterSeconds: 1,
      count: 3,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await deliver(orderMessage('OrderCreated', order))).status).toBe(503);
      const open = await openExceptions('order-export-failing', order.id);
      expect(open).toHaveLength(attempt < 3 ? 0 : 1);
    }
    const [failing] = await openExceptions('order-export-failing', order.id);
    expect(failing).toMatchObject({ team: 'ecommerce', entity: { orderNumber: 'FLAKY-1' } });
    expect(failing!.message).toMatch(/3 times/);

    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.body.outcome).toBe('exported');
    expect(goodsOutsFor('FLAKY-1')).toHaveLength(1);
    expect(await openExceptions('order-export-failing', order.id)).toHaveLength(0);
  });

  it('raises one exception listing every problem, acknowledges, and sends nothing', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'INVALID-1',
      lines: [
        { sku: 'NOT-IN-CLARUS', quantity: 1 },
        { sku: 'MUG-BLUE-01', quantity: 1 },
      ],
      shippingMethod: unmapped,
      address: { streetName: 'A'.repeat(85) },
    });
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('invalid');
    expect(goodsOutsFor('INVALID-1')).toHaveLength(0);
    const [exception, ...others] = await openExceptions('order-validation-failed', order.id);
    expect(others).toHaveLength(0);
    expect(exception!.entity).toMatchObject({ type: 'order', id: order.id, orderNumber: 'INVALID-1' });
    expect(exception!.message).toMatch(/NOT-IN-CLARUS/);
    expect(exception!.message).toMatch(/street is 87 characters/);
    expect(exception!.message).toMatch(/click-and-collect/);
    expect(exception!.team).toBe('ecommerce');

    // Redelivery raises no second exception.
    await deliver(orderMessage('OrderCreated', order));
    expect(await openExceptions('order-validation-failed', order.id)).toHaveLength(1);
  });

  it('exports a bundle as its component lines in expand mode', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'BUNDLE-1',
      lines: [{ sku: 'GIFT-SET-01', quantity: 2 }],
      shippingMethod: nextDay,
    });
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.body.outcome).toBe('exported');
    const [goodsOut] = goodsOutsFor('BUNDLE-1');
    expect(
      goodsOut!.lines.map((l) => [l.product_code, l.order_quantity, l.attributes.alt_line_reference]),
    ).toEqual([
      ['CANDLE-VANILLA', 4, order.lineItems[0]!.id],
      ['CARD-GREETING', 2, order.lineItems[0]!.id],
    ]);
  });

  it('makes one goods out per shipping key for a multi-shipment order, each with its own address', async () => {
    const order = await importMultiShipmentOrder(world.api, world.ct.seed, {
      orderNumber: 'MULTI-1',
      shipments: [
        {
          key: 'home',
          shippingMethod: nextDay,
          address: { city: 'London' },
          lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
        },
        {
          key: 'office',
          shippingMethod: nextDay,
          address: { city: 'Leeds' },
          lines: [
            { sku: 'MUG-BLUE-01', quantity: 2 },
            { sku: 'TSHIRT-RED-M', quantity: 1 },
          ],
        },
      ],
    });
    const res = await deliver(orderMessage('OrderCreated', await fresh(order)));
    expect(res.body.outcome).toBe('exported');
    const home = goodsOutsFor('MULTI-1-home');
    const office = goodsOutsFor('MULTI-1-office');
    expect(home).toHaveLength(1);
    expect(office).toHaveLength(1);
    expect(home[0]!.address?.address_3).toBe('London');
    expect(office[0]!.address?.address_3).toBe('Leeds');
    expect(home[0]!.lines.map((l) => [l.product_code, l.order_quantity])).toEqual([['MUG-BLUE-01', 1]]);
    expect(office[0]!.lines.map((l) => [l.product_code, l.order_quantity])).toEqual([
      ['MUG-BLUE-01', 2],
      ['TSHIRT-RED-M', 1],
    ]);
    expect((await fresh(order)).syncInfo).toHaveLength(2);
    // Redelivery: still one goods out per shipping key.
    expect((await deliver(orderMessage('OrderCreated', await fresh(order)))).body.outcome).toBe(
      'already_exported',
    );
    expect(goodsOutsFor('MULTI-1-home')).toHaveLength(1);
  });

  it('fetches the order when the message says payloadNotIncluded', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'BIG-1',
      lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const res = await deliver(orderMessage('OrderCreated', order, { payloadNotIncluded: true }));
    expect(res.body.outcome).toBe('exported');
    expect(goodsOutsFor('BIG-1')).toHaveLength(1);
  });

  it('cancels the goods out when the order is cancelled, and raises an exception when Clarus refuses', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'CANCEL-1',
      lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    await deliver(orderMessage('OrderCreated', order));
    const cancelled = await cancelOrder(world.api, order);
    const res = await deliver(orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' }));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('cancelled');
    const goodsOutId = goodsOutsFor('CANCEL-1')[0]?.id;
    expect(
      world.clarus.requests.some(
        (r) => r.method === 'POST' && r.path === `/api/goods_outs/${goodsOutId}/cancel`,
      ),
    ).toBe(true);
    // A redelivered cancel is not a refusal.
    const again = await deliver(orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' }));
    expect(again.body.outcome).toBe('cancelled');
    expect(await openExceptions('cancellation-refused', order.id)).toHaveLength(0);

    const shipped = await importOrder(world.api, {
      orderNumber: 'CANCEL-2',
      lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }],
      shippingMethod: nextDay,
    });
    await deliver(orderMessage('OrderCreated', shipped));
    await world.clarus.dispatch(goodsOutsFor('CANCEL-2')[0]!.id, { fireWebhook: false });
    const late = await cancelOrder(world.api, shipped);
    const refused = await deliver(orderMessage('OrderStateChanged', late, { orderState: 'Cancelled' }));
    expect(refused.status).toBe(200);
    expect(refused.body.outcome).toBe('refused');
    const [exception] = await openExceptions('cancellation-refused', shipped.id);
    expect(exception).toMatchObject({ team: 'ecommerce' });
    expect(exception!.message).toMatch(/stop or intercept the parcel/i);
  });

  it('answers 400 to a request that is not a push envelope', async () => {
    const res = await request(app).post('/order-events').send({ hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/message/);
    const noData = await request(app)
      .post('/order-events')
      .send({ message: { messageId: '1' } });
    expect(noData.status).toBe(400);
    expect(noData.body.message).toMatch(/message\.data/);
  });

  it('acknowledges undecodable data and records it as an exception with the message id', async () => {
    const res = await request(app)
      .post('/order-events')
      .send({
        message: { data: Buffer.from('not json {').toString('base64'), messageId: 'poison-42' },
        subscription: 's',
      });
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    const exception = (await integration.exceptions.list({ status: 'open' })).find(
      (e) => e.kind === 'undecodable-message' && e.entity.id === 'poison-42',
    );
    expect(exception).toBeDefined();
  });

  it('acknowledges the subscription notification and messages it does not handle', async () => {
    expect((await deliver(subscriptionCreatedNotification())).status).toBe(200);
    const order = await importOrder(world.api, {
      orderNumber: 'OTHER-1',
      lines: [{ sku: 'MUG-BLUE-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const res = await deliver({ ...orderMessage('OrderCreated', order), type: 'OrderPaymentStateChanged' });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('ignored');
    expect(goodsOutsFor('OTHER-1')).toHaveLength(0);
  });
});
