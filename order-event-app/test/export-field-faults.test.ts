import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { EXPORT_CLAIMS_CONTAINER, type ExportClaim, type Integration } from '@clarus-connector/core';
import {
  aDeliveryAddress,
  cancelOrder,
  importMultiShipmentOrder,
  importOrder,
  orderMessage,
  pushEnvelope,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';

/*
 * Issue 10, the order export classes, over HTTP against the emulators: a permanent rejection is acknowledged
 * with an exception (1), an ambiguous create is never forgotten (2), the order is exported as it is now (3),
 * and the leftovers of class 9 (master-data kinds raised, redelivered cancels, carrier services).
 */

const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT', 'two-carrier': 'DPD:SAME-CODE' }),
  CLARUS_WAREHOUSE_ID: '1',
};
const HOLD_MS = 5 * 60_000;

let world: TestWorld;
let nextDay: ShippingMethod;
let twoCarrier: ShippingMethod;
let clock: number;
let integration: Integration;
let app: ReturnType<typeof createApp>;

const newApp = (settings: Record<string, string> = SETTINGS) => {
  integration = world.integration(settings, { now: () => clock, exportLeaseMs: 30_000 });
  app = createApp(integration, { budgetMs: 8000 });
};
const deliver = (message: unknown) => request(app).post('/order-events').send(pushEnvelope(message));
const goodsOutsFor = (reference: string) =>
  world.clarus.goodsOuts().filter((g) => g.attributes.reference === reference);
const creates = () =>
  world.clarus.requests.filter((r) => r.method === 'POST' && r.path === '/api/goods_outs');
const cancels = (id: number) =>
  world.clarus.requests.filter((r) => r.method === 'POST' && r.path === `/api/goods_outs/${id}/cancel`);
const fresh = async (order: Pick<Order, 'id'>) =>
  (await world.api.orders().withId({ ID: order.id }).get().execute()).body;
const openExceptions = async (orderId: string) =>
  (await integration.exceptions.list({ status: 'open' })).filter((e) => e.entity.id === orderId);
const claimOf = async (orderId: string) =>
  (await integration.customObjects.get<ExportClaim>(EXPORT_CLAIMS_CONTAINER, orderId))?.value;
const update = async (order: Pick<Order, 'id'>, actions: unknown[]) => {
  const current = await fresh(order);
  return (
    await world.api
      .orders()
      .withId({ ID: order.id })
      .post({ body: { version: current.version, actions: actions as never } })
      .execute()
  ).body;
};
const mug = (orderNumber: string, extra: Partial<Parameters<typeof importOrder>[1]> = {}) =>
  importOrder(world.api, {
    orderNumber,
    lines: [{ sku: 'MUG-1', quantity: 1 }],
    shippingMethod: nextDay,
    ...extra,
  });

/** A two-shipment order whose first create passed and whose second got a 500 (outcome unknown): 503. */
async function halfExported(orderNumber: string, first: string, second: string): Promise<Order> {
  const order = await importMultiShipmentOrder(world.api, world.ct.seed, {
    orderNumber,
    shipments: [
      { key: first, shippingMethod: nextDay, lines: [{ sku: 'MUG-1', quantity: 1 }] },
      { key: second, shippingMethod: nextDay, lines: [{ sku: 'TEE-1', quantity: 1 }] },
    ],
  });
  world.clarus.injectFault({
    kind: 'server_error',
    every: 2,
    count: 1,
    match: { method: 'POST', path: '/api/goods_outs' },
  });
  expect((await deliver(orderMessage('OrderCreated', order))).status).toBe(503);
  return order;
}

beforeAll(async () => {
  world = await startTestWorld();
  await seedProducts(world.api, [{ sku: 'MUG-1' }, { sku: 'TEE-1' }, { sku: 'LATER-1' }]);
  [nextDay, twoCarrier] = (await seedShippingMethods(world.api, ['next-day', 'two-carrier'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  world.clarus.seedProducts([{ code: 'MUG-1' }, { code: 'TEE-1' }, { code: 'PENDING-ONLY' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([
    { productCode: 'MUG-1', available: 1000 },
    { productCode: 'TEE-1', available: 1000 },
  ]);
});

beforeEach(() => {
  clock = Date.parse('2026-11-26T10:00:00.000Z');
  world.clarus.clearFaults();
  newApp();
});

afterAll(async () => {
  await world?.close();
});

describe('class 1: a permanent rejection is acknowledged with an exception, never retried forever', () => {
  it('sends an order with the unusable email ana.lima.example.org without the email, once, with a warning', async () => {
    const order = await mug('EMAIL-1', { address: { email: 'ana.lima.example.org' } });
    world.clarus.resetRequests();
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('exported');
    const [create, ...more] = creates();
    expect(more).toHaveLength(0);
    const address = (
      create!.body as { data: { relationships: { address: { data: { attributes: object } } } } }
    ).data.relationships.address.data.attributes;
    expect(address).not.toHaveProperty('email_address');
    expect(address).toMatchObject({ address_3: 'Cambridge', country_code: 'GB' });
    expect(goodsOutsFor('EMAIL-1')).toHaveLength(1);
    expect((await claimOf(order.id))?.warnings).toEqual(['shippingAddress.email: invalid_email_dropped']);
    expect(await openExceptions(order.id)).toHaveLength(0);
    // Redelivered: acknowledged, nothing sent again.
    expect((await deliver(orderMessage('OrderCreated', order))).status).toBe(200);
    expect(creates()).toHaveLength(1);
  });

  it('acknowledges a Clarus 422 with an order-validation-failed naming its symbol and field, and does not resend it', async () => {
    newApp({ ...SETTINGS, CLARUS_WAREHOUSE_ID: '999' });
    const order = await mug('REJECT-1');
    world.clarus.resetRequests();
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('rejected');
    const [exception, ...others] = await openExceptions(order.id);
    expect(others).toHaveLength(0);
    expect(exception).toMatchObject({ kind: 'order-validation-failed', team: 'ecommerce' });
    expect(exception!.message).toMatch(/REJECT-1/);
    expect(exception!.message).toMatch(/warehouse_not_found \(warehouse_id\)/);
    expect((await claimOf(order.id))?.status).toBe('invalid');
    // The sweep leaves it to a person: an open validation exception, nothing retried.
    const pass = await integration.reconciliation.run();
    expect(pass.kind === 'ran' && pass.summary.orderSweep.orders.map((o) => o.orderId)).not.toContain(
      order.id,
    );
    expect(creates()).toHaveLength(1);
  });

  it('acknowledges a Clarus 400 on cancel with a cancellation-refused exception naming the symbol', async () => {
    const order = await mug('CANCEL-400');
    await deliver(orderMessage('OrderCreated', order));
    const [goodsOut] = goodsOutsFor('CANCEL-400');
    const cancelled = await cancelOrder(world.api, order);
    world.clarus.injectFault({
      kind: 'server_error',
      status: 400,
      count: 1,
      match: { method: 'POST', path: `/api/goods_outs/${goodsOut!.id}/cancel` },
    });
    const res = await deliver(orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' }));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('rejected');
    const [exception] = await openExceptions(order.id);
    expect(exception).toMatchObject({ kind: 'cancellation-refused', team: 'ecommerce' });
    expect(exception!.message).toMatch(new RegExp(`goods out ${goodsOut!.id}: internal_server_error`));
  });
});

it('answers 500 to an unexpected error (a bug), retried, and makes it visible at once as order-export-failing', async () => {
  integration = world.integration(SETTINGS, {
    now: () => clock,
    wrapClarus: (client) =>
      new Proxy(client, {
        get: (target, name) =>
          name === 'findProductsByCodes'
            ? async () => {
                throw new TypeError("Cannot read properties of undefined (reading 'id')");
              }
            : Reflect.get(target, name),
      }),
  });
  app = createApp(integration, { budgetMs: 8000 });
  const order = await mug('BUG-1');
  const res = await deliver(orderMessage('OrderCreated', order));
  expect(res.status).toBe(500);
  expect(res.body.outcome).toBe('failed');
  const [exception, ...others] = await openExceptions(order.id);
  expect(others).toHaveLength(0);
  expect(exception).toMatchObject({ kind: 'order-export-failing' });
  expect(exception!.message).toMatch(/BUG-1 hit an unexpected error.*reading 'id'/);
  expect((await claimOf(order.id))?.failures).toBe(1);
  expect(goodsOutsFor('BUG-1')).toHaveLength(0);
});

describe('class 2: an ambiguous create is never forgotten', () => {
  it('cancels in Clarus an order whose create committed but whose answer was lost (cancel 5 s later)', async () => {
    const order = await mug('LOST-ANSWER-1');
    world.clarus.injectFault({
      kind: 'drop_after_commit',
      count: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    const first = await deliver(orderMessage('OrderCreated', order));
    expect(first.status).toBe(503);
    const [goodsOut, ...more] = goodsOutsFor('LOST-ANSWER-1');
    expect(more).toHaveLength(0);
    expect((await claimOf(order.id))?.pending).toEqual([
      { reference: 'LOST-ANSWER-1', at: '2026-11-26T10:00:00.000Z' },
    ]);

    clock += 5_000;
    const cancelled = await cancelOrder(world.api, order);
    const res = await deliver(orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'cancelled' });
    expect(cancels(goodsOut!.id)).toHaveLength(1);
    expect(world.clarus.goodsOuts().find((g) => g.id === goodsOut!.id)?.status).toBe('CANCELLED');
  });

  it('adopts the lost goods out at once on redelivery (no waiting) and never creates a second', async () => {
    const order = await mug('LOST-ANSWER-2');
    world.clarus.injectFault({
      kind: 'drop_after_commit',
      count: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    expect((await deliver(orderMessage('OrderCreated', order))).status).toBe(503);
    clock += 1_000;
    const again = await deliver(orderMessage('OrderCreated', order));
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('exported');
    const [goodsOut, ...more] = goodsOutsFor('LOST-ANSWER-2');
    expect(more).toHaveLength(0);
    expect((await fresh(order)).syncInfo.map((s) => s.externalId)).toEqual([String(goodsOut!.id)]);
    expect((await claimOf(order.id))?.pending).toBeUndefined();
  });

  it('finds the goods out under the reference actually sent when the order number is set afterwards', async () => {
    const order = (
      await world.api
        .orders()
        .importOrder()
        .post({
          body: {
            totalPrice: { currencyCode: 'GBP', centAmount: 1000 },
            lineItems: [
              {
                name: { en: 'MUG-1' },
                variant: { sku: 'MUG-1' },
                price: { value: { currencyCode: 'GBP', centAmount: 1000 } },
                quantity: 1,
              },
            ],
            shippingAddress: aDeliveryAddress(),
            shippingInfo: {
              shippingMethodName: nextDay.name,
              price: { currencyCode: 'GBP', centAmount: 495 },
              shippingRate: { price: { currencyCode: 'GBP', centAmount: 495 } },
              shippingMethod: { typeId: 'shipping-method', id: nextDay.id },
              shippingMethodState: 'MatchesCart',
            },
          },
        })
        .execute()
    ).body;
    expect(order.orderNumber).toBeUndefined();
    world.clarus.injectFault({
      kind: 'drop_after_commit',
      count: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    expect((await deliver(orderMessage('OrderCreated', order))).status).toBe(503);
    expect(goodsOutsFor(order.id)).toHaveLength(1);
    await update(order, [{ action: 'setOrderNumber', orderNumber: 'LATE-NUMBER-1' }]);

    clock += 1_000;
    const again = await deliver(orderMessage('OrderCreated', order));
    expect(again.body.outcome).toBe('exported');
    expect(goodsOutsFor('LATE-NUMBER-1')).toHaveLength(0);
    expect((await fresh(order)).syncInfo.map((s) => s.externalId)).toEqual([
      String(goodsOutsFor(order.id)[0]!.id),
    ]);
  });

  it('keeps the created goods out of a multi-shipment order whose second create failed, and creates only the missing one after the hold', async () => {
    const order = await halfExported('MULTI-FAIL-1', 'home', 'office');
    const [home] = goodsOutsFor('MULTI-FAIL-1-home');
    expect(goodsOutsFor('MULTI-FAIL-1-office')).toHaveLength(0);
    const claim = await claimOf(order.id);
    expect(claim?.goodsOuts).toEqual({ 'MULTI-FAIL-1-home': home!.id });
    expect(claim?.pending).toEqual([
      { reference: 'MULTI-FAIL-1-office', shippingKey: 'office', at: '2026-11-26T10:00:00.000Z' },
    ]);

    // Within the hold: looked up, not created again.
    clock += 60_000;
    expect((await deliver(orderMessage('OrderCreated', order))).status).toBe(503);
    expect(creates().filter((r) => JSON.stringify(r.body).includes('MULTI-FAIL-1-office'))).toHaveLength(1);

    clock += HOLD_MS;
    const done = await deliver(orderMessage('OrderCreated', order));
    expect(done.body.outcome).toBe('exported');
    expect(goodsOutsFor('MULTI-FAIL-1-home')).toHaveLength(1);
    expect(goodsOutsFor('MULTI-FAIL-1-office')).toHaveLength(1);
    expect((await fresh(order)).syncInfo).toHaveLength(2);
  });

  it('cancels the created goods out of a half-exported multi-shipment order and asks again for the pending one', async () => {
    const order = await halfExported('MULTI-CANCEL-1', 'a', 'b');
    const [a] = goodsOutsFor('MULTI-CANCEL-1-a');
    const cancelled = await cancelOrder(world.api, order);
    const message = orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' });
    const during = await deliver(message);
    expect(during.status).toBe(503);
    expect(world.clarus.goodsOuts().find((g) => g.id === a!.id)?.status).toBe('CANCELLED');

    clock += HOLD_MS;
    const after = await deliver(message);
    expect(after.status).toBe(200);
    expect(after.body.outcome).toBe('cancelled');
    expect(await openExceptions(order.id)).toHaveLength(0);
  });
});

describe('class 3: the order as it is now', () => {
  it('exports the current address, not the stale one in the message payload', async () => {
    const order = await mug('STALE-1');
    const message = orderMessage('OrderCreated', order);
    await update(order, [
      { action: 'setShippingAddress', address: aDeliveryAddress({ city: 'Leeds', postalCode: 'LS1 1AA' }) },
    ]);
    expect((await deliver(message)).body.outcome).toBe('exported');
    expect(goodsOutsFor('STALE-1')[0]!.address).toMatchObject({ address_3: 'Leeds', postcode: 'LS1 1AA' });
  });

  it.each([
    ['shipped', [{ action: 'changeShipmentState', shipmentState: 'Shipped' }]],
    ['delivered', [{ action: 'changeShipmentState', shipmentState: 'Delivered' }]],
    ['complete', [{ action: 'changeOrderState', orderState: 'Complete' }]],
    ['cancelled', [{ action: 'changeOrderState', orderState: 'Cancelled' }]],
  ])('acknowledges and counts a %s order without sending it', async (code, actions) => {
    const order = await mug(`NOT-TO-SHIP-${code}`);
    const message = orderMessage('OrderCreated', order);
    await update(order, actions);
    const res = await deliver(message);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('skipped');
    const outcome = await integration.orderExport.exportOrder({ orderId: order.id });
    expect(outcome).toMatchObject({ kind: 'skipped', code });
    expect(goodsOutsFor(`NOT-TO-SHIP-${code}`)).toHaveLength(0);
  });

  it('skips a historical OrderImported order (completed before the look-back) and exports a current one', async () => {
    const old = await mug('HISTORY-1', { createdAt: '2026-10-01T09:00:00.000Z' });
    const res = await deliver(orderMessage('OrderImported', old));
    expect(res.status).toBe(200);
    expect(await integration.orderExport.exportOrder({ orderId: old.id, source: 'imported' })).toMatchObject({
      kind: 'skipped',
      code: 'historical_import',
    });
    expect(goodsOutsFor('HISTORY-1')).toHaveLength(0);

    const current = await mug('IMPORTED-NOW-1', { createdAt: '2026-11-26T09:00:00.000Z' });
    expect((await deliver(orderMessage('OrderImported', current))).body.outcome).toBe('exported');
    expect(goodsOutsFor('IMPORTED-NOW-1')).toHaveLength(1);
  });

  it('exports an order cancelled before export and reopened afterwards', async () => {
    const order = await mug('REOPEN-1');
    const created = orderMessage('OrderCreated', order);
    const cancelled = await cancelOrder(world.api, order);
    expect(
      (await deliver(orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' }))).body.outcome,
    ).toBe('not_exported');
    expect((await claimOf(order.id))?.status).toBe('cancelled');
    // The stale OrderCreated of the cancelled order is acknowledged, not exported.
    expect((await deliver(created)).body.outcome).toBe('skipped');

    await update(order, [{ action: 'changeOrderState', orderState: 'Open' }]);
    const res = await deliver(created);
    expect(res.body.outcome).toBe('exported');
    expect(goodsOutsFor('REOPEN-1')).toHaveLength(1);
  });
});

describe('class 9: master-data kinds, redelivered cancels, carrier services', () => {
  it('raises sku-unknown-to-clarus (not a validation failure) and resolves it once the order exports', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'SKU-LATER-1',
      lines: [{ sku: 'LATER-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const res = await deliver(orderMessage('OrderCreated', order));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('invalid');
    const open = await openExceptions(order.id);
    expect(open.map((e) => e.kind)).toEqual(['sku-unknown-to-clarus']);
    expect(open[0]).toMatchObject({ team: 'operations', entity: { sku: 'LATER-1' } });
    expect(open[0]!.message).toMatch(/LATER-1/);

    world.clarus.seedProducts([{ code: 'LATER-1' }]);
    const resent = await integration.orderExport.exportOrder({ orderId: order.id, resend: true });
    expect(resent.kind).toBe('exported');
    expect(await openExceptions(order.id)).toHaveLength(0);
  });

  it('raises shipping-method-unmapped for a carrier service code two carriers share unless the carrier is named', async () => {
    world.clarus.seedCarrierServices([
      { code: 'SAME-CODE', carrierCode: 'UPS' },
      { code: 'SAME-CODE', carrierCode: 'DPD', active: false },
    ]);
    const order = await mug('CARRIER-1', { shippingMethod: twoCarrier });
    // DPD's SAME-CODE is inactive: never picked (UPS's is another carrier's).
    expect((await deliver(orderMessage('OrderCreated', order))).body.outcome).toBe('invalid');
    expect((await openExceptions(order.id)).map((e) => e.kind)).toEqual(['shipping-method-unmapped']);

    const [dpd] = world.clarus.seedCarrierServices([{ code: 'SAME-CODE', carrierCode: 'DPD', active: true }]);
    const resent = await integration.orderExport.exportOrder({ orderId: order.id, resend: true });
    expect(resent.kind).toBe('exported');
    expect(goodsOutsFor('CARRIER-1')[0]!.attributes.carrier_service_id).toBe(dpd!.id);
  });

  it('treats a redelivered cancel of a goods out Clarus deleted (404) or already cancelled (422) as done', async () => {
    // PENDING (no stock): a cancel deletes it, so the redelivery meets a 404.
    const pending = await importOrder(world.api, {
      orderNumber: 'CANCEL-404',
      lines: [{ sku: 'PENDING-ONLY', quantity: 1 }],
      shippingMethod: nextDay,
    }).catch(async () => {
      await seedProducts(world.api, [{ sku: 'PENDING-ONLY' }]);
      return importOrder(world.api, {
        orderNumber: 'CANCEL-404',
        lines: [{ sku: 'PENDING-ONLY', quantity: 1 }],
        shippingMethod: nextDay,
      });
    });
    await deliver(orderMessage('OrderCreated', pending));
    const cancelledPending = await cancelOrder(world.api, pending);
    const message404 = orderMessage('OrderStateChanged', cancelledPending, { orderState: 'Cancelled' });
    expect((await deliver(message404)).body.outcome).toBe('cancelled');
    expect((await deliver(message404)).body.outcome).toBe('cancelled');

    // ALLOCATED: cancelled, then the redelivery meets a 422 — even when the claim is gone (syncInfo only).
    const allocated = await mug('CANCEL-422');
    await deliver(orderMessage('OrderCreated', allocated));
    const cancelled = await cancelOrder(world.api, allocated);
    const message422 = orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' });
    expect((await deliver(message422)).body.outcome).toBe('cancelled');
    await world.api
      .customObjects()
      .withContainerAndKey({ container: EXPORT_CLAIMS_CONTAINER, key: allocated.id })
      .delete()
      .execute();
    const again = await deliver(message422);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('cancelled');
    expect(await openExceptions(pending.id)).toHaveLength(0);
    expect(await openExceptions(allocated.id)).toHaveLength(0);
  });
});
