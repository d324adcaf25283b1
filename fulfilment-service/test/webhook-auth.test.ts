import { seedProducts, seedShippingMethods, importOrder, type TestWorld } from '@clarus-connector/sandbox';
import { ctCalls, startService, startTestWorld, WEBHOOK_TOKEN, type ServiceUnderTest } from './harness';

let world: TestWorld;
let service: ServiceUnderTest;

beforeAll(async () => {
  world = await startTestWorld();
  service = await startService(world, { CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ '*': 'DPD-NEXT' }) });
});

afterAll(async () => {
  await service?.close();
  await world?.close();
});

const CLARUS_HEADERS = (subdomain: string) => ({
  'content-type': 'application/json',
  'x-claruswms-subdomain': subdomain,
  'x-claruswms-automation-id': '101',
});
const post = (
  url: string,
  body: unknown,
  headers: Record<string, string> = CLARUS_HEADERS(world.clarus.subdomain),
) => fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const aGoodsOut = { data: { id: 987654, type: 'goods_outs', attributes: { reference: 'NOBODY-1' } } };

describe('webhook authenticity and input checks', () => {
  it.each([
    ['a wrong token', () => service.dispatchUrl('not-the-token')],
    ['a token of the right length but wrong', () => service.dispatchUrl(WEBHOOK_TOKEN.replace(/.$/, 'X'))],
    ['no token', () => service.dispatchUrl(null)],
    ['an empty token', () => service.dispatchUrl('')],
    ['a wrong token on the stock webhook', () => service.stockUrl('nope')],
  ])('answers 401 without detail for %s', async (_name, url) => {
    world.clarus.resetRequests();
    const res = await post(url(), aGoodsOut);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'unauthorized',
      message: expect.stringContaining('?token=<CLARUS_WEBHOOK_TOKEN>'),
    });
    // Refused before any work: Clarus is not asked anything.
    expect(world.clarus.requests).toEqual([]);
  });

  it('answers 401 to a token given twice (an array is not a token)', async () => {
    const res = await post(`${service.dispatchUrl()}&token=${WEBHOOK_TOKEN}`, aGoodsOut);
    expect(res.status).toBe(401);
  });

  it('answers 401 to the Clarus simulator when its automation URL carries a wrong token', async () => {
    await seedProducts(world.api, [{ sku: 'AUTH-1' }]);
    const [method] = await seedShippingMethods(world.api, ['auth-method']);
    world.clarus.seedProducts([{ code: 'AUTH-1' }]);
    world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
    world.clarus.setStock([{ productCode: 'AUTH-1', available: 10 }]);
    const order = await importOrder(world.api, {
      orderNumber: 'AUTH-ORDER-1',
      lines: [{ sku: 'AUTH-1', quantity: 1 }],
      shippingMethod: method,
    });
    const exported = await service.integration.orderExport.exportOrder({ orderId: order.id });
    if (exported.kind !== 'exported') throw new Error(JSON.stringify(exported));
    world.clarus.configureWebhooks({ dispatchUrl: service.dispatchUrl('stolen-or-stale') });
    await world.ct.resetRequests();
    const dispatched = await world.clarus.dispatch(Object.values(exported.goodsOuts)[0]!);
    expect(dispatched.webhookStatus).toBe(401);
    expect((await ctCalls(world)).filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('answers 403 when X-ClarusWMS-Subdomain names another tenant', async () => {
    const res = await post(service.dispatchUrl(), aGoodsOut, CLARUS_HEADERS('someone-else'));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden' });
  });

  it('accepts a call without X-ClarusWMS-Subdomain (the header is checked when present)', async () => {
    const res = await post(service.dispatchUrl(), aGoodsOut, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      outcome: 'goods_out_not_found',
      goodsOutId: 987654,
      reference: 'NOBODY-1',
    });
  });

  it('answers 400 naming what is missing when the body names no goods out', async () => {
    const res = await post(service.dispatchUrl(), {
      data: { type: 'stock_adjustments', id: 5, attributes: {} },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_webhook');
    expect(body.message).toMatch(/goods out id or reference/);
    expect(body.message).toContain('data.attributes.reference');
  });

  it('answers 400 naming the product code when a stock webhook names no product', async () => {
    const res = await post(service.stockUrl(), {
      data: { id: 5, type: 'stock_adjustments', attributes: { quantity: 3 } },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /product code.*data\.attributes\.product_code/,
    );
  });

  it('answers 400 to a body that is not JSON, 415 to another content type and 413 to an oversized body', async () => {
    expect((await post(service.dispatchUrl(), '{not json')).status).toBe(400);
    const text = await post(service.dispatchUrl(), 'id=1', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const huge = { data: { id: 1, type: 'goods_outs', attributes: { notes: 'x'.repeat(2 * 1024 * 1024) } } };
    const res = await post(service.dispatchUrl(), huge);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'body_too_large',
      message: 'request body exceeds the size limit',
    });
  });
});
