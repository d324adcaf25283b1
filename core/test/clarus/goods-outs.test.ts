import { startClarusSimulator } from '@clarus-connector/sandbox';
import {
  ClarusNotFoundError,
  ClarusRateLimitedError,
  ClarusTimeoutError,
  ClarusUnavailableError,
  ClarusValidationError,
} from '@clarus-connector/core';
import { apiRequests, clientFor, salesOrder, type Simulator } from './harness';

describe('Clarus client: goods out writes (REST, JSON:API)', () => {
  let sim: Simulator;
  let productId: number;

  beforeAll(async () => {
    sim = await startClarusSimulator();
    const [product] = sim.seedProducts([{ code: 'GO-1' }]);
    productId = product!.id;
    sim.setStock([{ productCode: 'GO-1', available: 100 }]);
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.clearFaults();
    sim.resetRequests();
  });

  const goodsOutPosts = () =>
    apiRequests(sim).filter((r) => r.method === 'POST' && r.path === '/api/goods_outs');

  it('creates a goods out with the documented JSON:API body and returns its numeric id', async () => {
    const { client } = clientFor(sim);
    const draft = salesOrder('SO-CREATE-1', productId, sim.accountId);
    const created = await client.createGoodsOut(draft);

    expect(created.id).toEqual(expect.any(Number));
    expect(created.type).toBe('goods_outs');
    expect(created.attributes.reference).toBe('SO-CREATE-1');
    const [post] = goodsOutPosts();
    expect(String(post?.headers['content-type'])).toContain('application/json');
    expect(post?.body).toEqual({
      data: {
        type: 'goods_outs',
        attributes: draft.attributes,
        relationships: { address: { data: { type: 'addresses', attributes: draft.address } } },
      },
    });
    expect(sim.goodsOuts().find((g) => g.id === created.id)?.attributes.reference).toBe('SO-CREATE-1');
  });

  it('updates a goods out with PATCH and lines_changes', async () => {
    const { client } = clientFor(sim, {}, {});
    const created = await client.createGoodsOut(salesOrder('SO-UPDATE-1', productId, sim.accountId));
    sim.setGoodsOutStatus(created.id, 'PENDING');
    const [line] = await client.listGoodsOutLines(created.id);

    const updated = await client.updateGoodsOut(created.id, {
      attributes: {
        delivery_notes: 'Ring twice',
        lines_changes: [{ type: 'UPDATE', id: line!.id, attributes: { order_quantity: 5 } }],
      },
    });
    expect(updated.id).toBe(created.id);
    const patch = apiRequests(sim).find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe(`/api/goods_outs/${created.id}`);
    expect(patch?.body).toEqual({
      data: {
        type: 'goods_outs',
        attributes: {
          delivery_notes: 'Ring twice',
          lines_changes: [{ type: 'UPDATE', id: line!.id, attributes: { order_quantity: 5 } }],
        },
      },
    });
    const [after] = await client.listGoodsOutLines(created.id);
    expect(after?.orderQuantity).toBe(5);
  });

  it('cancels a goods out with POST …/cancel and no body', async () => {
    const { client } = clientFor(sim);
    const created = await client.createGoodsOut(salesOrder('SO-CANCEL-1', productId, sim.accountId));
    await client.cancelGoodsOut(created.id);
    const cancel = apiRequests(sim).find((r) => r.path === `/api/goods_outs/${created.id}/cancel`);
    expect(cancel?.method).toBe('POST');
    expect(cancel?.status).toBe(200);
    expect(cancel?.body === undefined || JSON.stringify(cancel.body) === '{}').toBe(true);
  });

  it('turns a 422 into ClarusValidationError carrying the documented errors and symbols', async () => {
    const { client } = clientFor(sim);
    const draft = salesOrder('SO-INVALID-1', 987654, sim.accountId);
    const error = await client.createGoodsOut(draft).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClarusValidationError);
    const validation = error as ClarusValidationError;
    expect(validation.status).toBe(422);
    expect(validation.retryable).toBe(false);
    expect(validation.mayHaveSucceeded).toBe(false);
    expect(validation.symbols.length).toBeGreaterThan(0);
    expect(validation.errors[0]).toEqual(
      expect.objectContaining({
        code: expect.any(Number),
        symbol: expect.any(String),
        details: expect.any(String),
      }),
    );
    expect(validation.message).toContain(validation.symbols[0]);
  });

  it('turns a 404 into ClarusNotFoundError', async () => {
    const { client } = clientFor(sim);
    await expect(client.cancelGoodsOut(99999999)).rejects.toBeInstanceOf(ClarusNotFoundError);
  });

  it('does not retry a create after a 500: one POST, a retryable error that may have succeeded', async () => {
    const { client } = clientFor(sim);
    sim.injectFault({
      kind: 'server_error',
      count: 1,
      status: 500,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    const error = await client
      .createGoodsOut(salesOrder('SO-500-1', productId, sim.accountId))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClarusUnavailableError);
    expect((error as ClarusUnavailableError).retryable).toBe(true);
    expect((error as ClarusUnavailableError).mayHaveSucceeded).toBe(true);
    expect(goodsOutPosts()).toHaveLength(1);
  });

  it('does not retry a create after a dropped connection', async () => {
    const { client } = clientFor(sim);
    await client.listWarehouses(); // token first, so the drop hits the create itself
    sim.injectFault({ kind: 'drop', count: 1, match: { method: 'POST', path: '/api/goods_outs' } });
    const error = await client
      .createGoodsOut(salesOrder('SO-DROP-1', productId, sim.accountId))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClarusUnavailableError);
    expect((error as ClarusUnavailableError).mayHaveSucceeded).toBe(true);
    expect(goodsOutPosts()).toHaveLength(1);
  });

  it('surfaces a 429 on a write as ClarusRateLimitedError without retrying (Clarus refused it)', async () => {
    const { client } = clientFor(sim);
    sim.injectFault({
      kind: 'rate_limit',
      count: 1,
      retryAfterSeconds: 3,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    const error = await client
      .createGoodsOut(salesOrder('SO-429-1', productId, sim.accountId))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClarusRateLimitedError);
    expect((error as ClarusRateLimitedError).retryAfterMs).toBe(3000);
    expect((error as ClarusRateLimitedError).mayHaveSucceeded).toBe(false);
    expect(goodsOutPosts()).toHaveLength(1);
  });

  it('gives up on a hanging request with ClarusTimeoutError within the request timeout', async () => {
    const { client } = clientFor(sim, { requestTimeoutMs: 300 });
    await client.listWarehouses();
    sim.injectFault({ kind: 'hang', count: 1, match: { method: 'POST', path: '/api/goods_outs' } });
    const started = Date.now();
    const error = await client
      .createGoodsOut(salesOrder('SO-HANG-1', productId, sim.accountId))
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ClarusTimeoutError);
    expect((error as ClarusTimeoutError).timeoutMs).toBe(300);
    expect((error as ClarusTimeoutError).mayHaveSucceeded).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1000);
    expect(goodsOutPosts()).toHaveLength(1);
  });
});
