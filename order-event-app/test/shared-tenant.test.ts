import type { ShippingMethod } from '@commercetools/platform-sdk';
import {
  cancelOrder,
  importOrder,
  orderMessage,
  pushEnvelope,
  seedOtherAccount,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';

/**
 * Invariant 7 (one Clarus account) on a 3PL's shared tenant: account 2 already has a goods out whose
 * reference is our order number and a product with our SKU's Clarus code. Our first create gets a 503; the
 * retry looks the reference up. Before, that lookup adopted account 2's goods out: our order never reached
 * Clarus and its syncInfo pointed at another client's shipment.
 */
describe('order-event-app on a shared Clarus tenant', () => {
  let world: TestWorld;
  let nextDay: ShippingMethod;
  let ourProductId: number;
  let clock: number;

  beforeAll(async () => {
    world = await startTestWorld({ clarus: { accountId: 1 } });
    await seedProducts(world.api, [{ sku: 'MUG-SHARED-01' }]);
    nextDay = (await seedShippingMethods(world.api, ['next-day']))[0]!;
    ourProductId = world.clarus.seedProducts([{ code: 'MUG-SHARED-01' }])[0]!.id;
    world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
    world.clarus.setStock([{ productCode: 'MUG-SHARED-01', available: 50 }]);
  });
  afterAll(() => world?.close());

  it('puts our product on the line when account 2 holds a product with the same code', async () => {
    seedOtherAccount(world.clarus, { products: ['MUG-SHARED-01'] });
    const integration = world.integration({
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      CLARUS_WAREHOUSE_ID: '1',
    });
    const order = await importOrder(world.api, {
      orderNumber: 'SHARED-10002',
      lines: [{ sku: 'MUG-SHARED-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const res = await request(createApp(integration, { budgetMs: 8000 }))
      .post('/order-events')
      .send(pushEnvelope(orderMessage('OrderCreated', order)));
    expect(res.body.outcome).toBe('exported');
    const [goodsOut] = world.clarus.goodsOuts().filter((g) => g.attributes.reference === 'SHARED-10002');
    expect(goodsOut?.attributes.account_id).toBe(1);
    expect(goodsOut?.lines.map((l) => l.product_id)).toEqual([ourProductId]);
  });

  it("exports our own goods out, never adopting account 2's goods out with our order number", async () => {
    const orderNumber = 'SHARED-10001';
    const other = seedOtherAccount(world.clarus, {
      products: ['MUG-SHARED-01'],
      stock: [{ productCode: 'MUG-SHARED-01', available: 500 }],
      goodsOuts: [{ reference: orderNumber, lines: [{ productCode: 'MUG-SHARED-01', quantity: 7 }] }],
    });
    const theirGoodsOut = other.goodsOuts[0]!;
    const theirProductId = other.products[0]!.id;
    expect(theirProductId).not.toBe(ourProductId);

    clock = Date.parse('2026-11-26T10:00:00.000Z');
    const integration = world.integration(
      { CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }), CLARUS_WAREHOUSE_ID: '1' },
      { now: () => clock, exportLeaseMs: 30_000 },
    );
    const app = createApp(integration, { budgetMs: 8000 });
    const order = await importOrder(world.api, {
      orderNumber,
      lines: [{ sku: 'MUG-SHARED-01', quantity: 2 }],
      shippingMethod: nextDay,
    });
    const deliver = () =>
      request(app)
        .post('/order-events')
        .send(pushEnvelope(orderMessage('OrderCreated', order)));

    // Our first create gets a 503 (Clarus may or may not have processed it).
    world.clarus.injectFault({
      kind: 'server_error',
      status: 503,
      count: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    expect((await deliver()).status).toBe(503);
    expect(
      world.clarus
        .goodsOuts()
        .filter((g) => g.attributes.reference === orderNumber && g.attributes.account_id === 1),
    ).toEqual([]);

    // The redelivery comes once any hold after the ambiguous create has passed.
    clock += 60 * 60_000;
    const retry = await deliver();
    expect(retry.status).toBe(200);
    expect(retry.body.outcome).toBe('exported');

    const ours = world.clarus.goodsOuts().filter((g) => g.attributes.reference === orderNumber);
    expect(ours.map((g) => g.attributes.account_id).sort()).toEqual([1, 2]);
    const mine = ours.find((g) => g.attributes.account_id === 1)!;
    expect(mine.lines.map((l) => [l.product_id, l.order_quantity])).toEqual([[ourProductId, 2]]);

    // The order's syncInfo names our goods out, never account 2's.
    const fresh = (await world.api.orders().withId({ ID: order.id }).get().execute()).body;
    expect(fresh.syncInfo.map((s) => s.externalId)).toEqual([String(mine.id)]);
    expect(fresh.syncInfo.map((s) => s.externalId)).not.toContain(String(theirGoodsOut.id));

    // Account 2's goods out is untouched: same status, same lines, nothing sent to it.
    const theirsNow = world.clarus.goodsOuts().find((g) => g.id === theirGoodsOut.id)!;
    expect(theirsNow.status).toBe(theirGoodsOut.status);
    expect(theirsNow.lines.map((l) => [l.product_id, l.order_quantity])).toEqual([[theirProductId, 7]]);
    expect(world.clarus.requests.filter((r) => r.path.includes(`/goods_outs/${theirGoodsOut.id}`))).toEqual(
      [],
    );
  });
  it("never cancels account 2's goods out that carries the number of our cancelled order", async () => {
    const orderNumber = 'SHARED-10003';
    const [theirs] = seedOtherAccount(world.clarus, {
      products: ['MUG-SHARED-01'],
      stock: [{ productCode: 'MUG-SHARED-01', available: 500 }],
      goodsOuts: [{ reference: orderNumber, lines: [{ productCode: 'MUG-SHARED-01', quantity: 1 }] }],
    }).goodsOuts;
    const integration = world.integration({
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      CLARUS_WAREHOUSE_ID: '1',
    });
    // Our order never reached Clarus; it is cancelled.
    const order = await importOrder(world.api, {
      orderNumber,
      lines: [{ sku: 'MUG-SHARED-01', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const cancelled = await cancelOrder(world.api, order);
    world.clarus.resetRequests();

    const res = await request(createApp(integration, { budgetMs: 8000 }))
      .post('/order-events')
      .send(pushEnvelope(orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' })));

    expect(res.status).toBe(200);
    expect(world.clarus.requests.filter((r) => r.path.startsWith('/api/goods_outs'))).toEqual([]);
    const theirsNow = world.clarus.goodsOuts().find((g) => g.id === theirs!.id);
    expect(theirsNow?.status).toBe(theirs!.status);
  });
});
