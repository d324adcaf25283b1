/*
 * The requests one order export costs (issue 11, order burst: handler CPU per order), and the invariant
 * that paying fewer must keep: the claim names every goods out reference before its create is sent
 * (DESIGN.md "Order export"; docs/adr/0006-ambiguous-creates-hold.md, 0018-keep-alive-http-client.md).
 */
import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import {
  EXPORT_CLAIMS_CONTAINER,
  type ClarusClient,
  type ExportClaim,
  type Integration,
} from '@clarus-connector/core';
import {
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

const SETTINGS = { CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }) };

let world: TestWorld;
let nextDay: ShippingMethod;
let integration: Integration;
let app: ReturnType<typeof createApp>;
/** The claim as stored in commercetools at the moment each goods out create was sent. */
let claimsAtCreate: (ExportClaim | undefined)[];
/** The order being exported (its claim's key). */
let currentOrderId: string;
/** Read the claim when a create is sent (off while counting requests: the read is the test's own). */
let watchClaims = false;

const claimOf = async (orderId: string) =>
  (
    await world.api
      .customObjects()
      .withContainerAndKey({ container: EXPORT_CLAIMS_CONTAINER, key: orderId })
      .get()
      .execute()
      .catch(() => undefined)
  )?.body.value as ExportClaim | undefined;

const newOrder = (orderNumber: string, sku = 'MUG-BLUE-01') =>
  importOrder(world.api, { orderNumber, lines: [{ sku, quantity: 2 }], shippingMethod: nextDay });

const exportOrder = async (order: Order) => {
  currentOrderId = order.id;
  const res = await request(app)
    .post('/order-events')
    .send(pushEnvelope(orderMessage('OrderCreated', order)));
  expect(res.body).toMatchObject({ outcome: 'exported' });
  return order;
};

beforeAll(async () => {
  world = await startTestWorld();
  await seedProducts(world.api, [{ sku: 'MUG-BLUE-01' }]);
  [nextDay] = (await seedShippingMethods(world.api, ['next-day'])) as [ShippingMethod];
  world.clarus.seedProducts([{ code: 'MUG-BLUE-01' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  integration = world.integration(SETTINGS, {
    wrapClarus: (client) =>
      new Proxy(client, {
        get: (target, name) =>
          name === 'createGoodsOut'
            ? async (...args: Parameters<ClarusClient['createGoodsOut']>) => {
                if (watchClaims) claimsAtCreate.push(await claimOf(currentOrderId));
                return target.createGoodsOut(...args);
              }
            : Reflect.get(target, name),
      }),
  });
  app = createApp(integration, { budgetMs: 8000 });
});
afterAll(() => world.close());
beforeEach(() => {
  claimsAtCreate = [];
  watchClaims = false;
});

describe('order export: requests per order', () => {
  it('costs 5 commercetools requests with warm look-ups: read the order, look for a claim, claim (with its pending create), syncInfo, settle', async () => {
    await exportOrder(await newOrder('COUNT-WARM-1')); // warms the look-ups (products, carrier, shipping method)
    const order = await newOrder('COUNT-WARM-2');
    await world.ct.resetRequests();
    world.clarus.resetRequests();

    await exportOrder(order);

    const ct = (await world.ct.requests()).filter((r) => !r.url.includes('/oauth'));
    expect(ct.map((r) => `${r.method} ${r.url.replace(order.id, ':id').split('?')[0]} ${r.status}`)).toEqual([
      'GET /clarus-test/orders/:id 200',
      'GET /clarus-test/custom-objects/clarus-order-exports/:id 404',
      'POST /clarus-test/custom-objects 201',
      'POST /clarus-test/orders/:id 200',
      'POST /clarus-test/custom-objects 201',
    ]);
    const clarus = world.clarus.requests.filter((r) => !r.path.startsWith('/oauth'));
    expect(clarus.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/goods_outs']);
  });

  it('has the reference in the claim before the create is sent, written with the claim itself', async () => {
    watchClaims = true;
    const order = await exportOrder(await newOrder('COUNT-WARM-3'));
    expect(claimsAtCreate).toHaveLength(1);
    expect(claimsAtCreate[0]).toMatchObject({
      orderId: order.id,
      status: 'exporting',
      pending: [{ reference: 'COUNT-WARM-3' }],
    });
    const settled = await claimOf(order.id);
    expect(settled).toMatchObject({ status: 'exported', goodsOuts: { 'COUNT-WARM-3': expect.any(Number) } });
    expect(settled?.pending).toBeUndefined();
  });

  it('with cold look-ups plans under the claim and records the pending create before sending it', async () => {
    await seedProducts(world.api, [{ sku: 'TEAPOT-1' }, { sku: 'TEAPOT-2' }]);
    world.clarus.seedProducts([{ code: 'TEAPOT-1' }, { code: 'TEAPOT-2' }]);
    const order = await newOrder('COUNT-COLD-1', 'TEAPOT-1');
    await world.ct.resetRequests();
    await exportOrder(order);
    // claim, pending (its own write: the plan needed a Clarus look-up, made only once the claim was held), settle
    const writes = (await world.ct.requests()).filter(
      (r) => r.url.includes('/custom-objects') && r.method !== 'GET',
    );
    expect(writes.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);

    watchClaims = true;
    await exportOrder(await newOrder('COUNT-COLD-2', 'TEAPOT-2'));
    expect(claimsAtCreate[0]).toMatchObject({ pending: [{ reference: 'COUNT-COLD-2' }] });
  });
});
