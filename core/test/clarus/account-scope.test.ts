import { startClarusSimulator } from '@clarus-connector/sandbox';
import { scopeFilter, keepOwn } from '../../src/clarus/account-scope';
import { apiRequests, clientFor, type Simulator } from './harness';

type GraphQLBody = { query: string; variables?: { filter?: Record<string, unknown> } };
const filtersSent = (sim: Simulator) =>
  apiRequests(sim)
    .filter((r) => r.path === '/graphql')
    .map((r) => (r.body as GraphQLBody).variables?.filter);

/** A tenant that ignores `account_id` (the filter is stripped on the way out): only the node check is left. */
const ignoringAccountFilter: typeof fetch = async (input, init) => {
  if (String(input).endsWith('/graphql') && typeof init?.body === 'string') {
    const body = JSON.parse(init.body) as GraphQLBody;
    if (body.variables?.filter) delete body.variables.filter.account_id;
    return fetch(input, { ...init, body: JSON.stringify(body) });
  }
  return fetch(input, init);
};

describe('Clarus client: every read is scoped to CLARUS_ACCOUNT_ID on a shared (3PL) tenant', () => {
  let sim: Simulator;
  let ourProductId: number;
  let theirProductId: number;
  let theirGoodsOutId: number;
  let ourGoodsOutId: number;

  beforeAll(async () => {
    sim = await startClarusSimulator({ accountId: 1 });
    sim.seedAccount({ id: 2, code: 'OTHER-CLIENT' });
    ourProductId = sim.seedProducts([{ code: '00012345' }])[0]!.id;
    theirProductId = sim.seedProducts([{ code: '00012345', accountId: 2 }])[0]!.id;
    sim.setStock([
      { productCode: '00012345', available: 3 },
      { productCode: '00012345', available: 900, accountId: 2 },
    ]);
    theirGoodsOutId = sim.seedGoodsOut({
      accountId: 2,
      reference: 'ORDER-1001',
      lines: [{ productCode: '00012345', quantity: 1 }],
    }).id;
    ourGoodsOutId = sim.seedGoodsOut({
      reference: 'ORDER-2002',
      lines: [{ productCode: '00012345', quantity: 1 }],
    }).id;
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRequests());

  it("never returns another account's goods out found by our reference", async () => {
    const { client } = clientFor(sim);
    expect(await client.findGoodsOutsByReferences(['ORDER-1001'])).toEqual([]);
    const ours = await client.findGoodsOutsByReferences(['ORDER-1001', 'ORDER-2002']);
    expect(ours.map((g) => g.id)).toEqual([ourGoodsOutId]);
    expect(filtersSent(sim)[0]).toEqual({ reference: { in: ['ORDER-1001'] }, account_id: { eq: '1' } });
  });

  it("resolves our product, never the other account's product with the same code", async () => {
    const { client } = clientFor(sim);
    const products = await client.findProductsByCodes(['00012345']);
    expect(products.map((p) => p.id)).toEqual([ourProductId]);
    expect(products.map((p) => p.id)).not.toContain(theirProductId);
    const listed = [];
    for await (const page of client.listProducts()) listed.push(...page.nodes);
    expect(listed.map((p) => p.id)).toEqual([ourProductId]);
  });

  it("reads only our stock balances (2 left after our order, not the other account's 899)", async () => {
    const { client } = clientFor(sim);
    const balances = [];
    for await (const page of client.stockBalances({ productCodes: ['00012345'] }))
      balances.push(...page.nodes);
    expect(balances.map((b) => [b.product.id, b.available])).toEqual([[ourProductId, 2]]); // 3 less 1 allocated
    expect(filtersSent(sim)[0]).toEqual({ product_code: { in: ['00012345'] }, account_id: { eq: '1' } });
  });

  it("finds no lines of another account's goods out (dispatch reads by goods out id)", async () => {
    const { client } = clientFor(sim);
    expect(await client.listGoodsOutLines(theirGoodsOutId)).toEqual([]);
    expect(await client.listGoodsOutLines(ourGoodsOutId)).toHaveLength(1);
  });

  it('scopes raw paginate too, and refuses a read of another account', async () => {
    const { client } = clientFor(sim);
    const nodes = [];
    for await (const page of client.paginate<{ id: string }>('goods_outs', 'id', {
      reference: { eq: 'ORDER-1001' },
    }))
      nodes.push(...page.nodes);
    expect(nodes).toEqual([]);
    await expect(
      (async () => {
        for await (const _ of client.paginate('goods_outs', 'id', { account_id: { eq: '2' } })) void _;
      })(),
    ).rejects.toThrow(RangeError);
    await expect(
      (async () => {
        for await (const _ of client.stockBalances({ accountId: 2 })) void _;
      })(),
    ).rejects.toThrow(/scoped to account 1/);
  });

  it('drops goods outs and balances whose node names another account when the tenant ignores the filter', async () => {
    const { client, logs } = clientFor(sim, {}, { fetch: ignoringAccountFilter });
    expect(await client.findGoodsOutsByReferences(['ORDER-1001'])).toEqual([]);
    const balances = [];
    for await (const page of client.stockBalances({ productCodes: ['00012345'] }))
      balances.push(...page.nodes);
    expect(balances.map((b) => b.available)).toEqual([2]);
    const warnings = logs.lines.filter((l) => String(l.message).includes('another account'));
    expect(warnings.map((w) => [w.list, w.foreign])).toEqual([
      ['goods_outs', 1],
      ['stock_balances', 1],
    ]);
    // The request really went without the filter: the node check alone kept the other account out.
    expect(filtersSent(sim)[0]).toEqual({ reference: { in: ['ORDER-1001'] } });
  });
});

describe('account scope rules (pure)', () => {
  it('adds account_id to the lists that document it, and only to those', () => {
    expect(scopeFilter('goods_outs', { reference: { eq: 'A' } }, 7)).toEqual({
      reference: { eq: 'A' },
      account_id: { eq: '7' },
    });
    expect(scopeFilter('products', undefined, 7)).toEqual({ account_id: { eq: '7' } });
    expect(scopeFilter('goods_out_lines', { goods_out_id: { eq: '1' } }, 7)?.account_id).toEqual({ eq: '7' });
    expect(scopeFilter('stock_balances', { account_id: { eq: 7 } }, 7)).toEqual({ account_id: { eq: '7' } });
    for (const list of ['shipments', 'packages', 'carrier_services', 'warehouses'] as const) {
      expect(scopeFilter(list, { code: { eq: 'X' } }, 7)).toEqual({ code: { eq: 'X' } });
    }
  });

  it('refuses a filter that names another account, or more than ours', () => {
    expect(() => scopeFilter('goods_outs', { account_id: { eq: '8' } }, 7)).toThrow(RangeError);
    expect(() => scopeFilter('goods_outs', { account_id: { in: ['7', '8'] } }, 7)).toThrow(RangeError);
  });

  it('keeps only values whose node names our account (a node naming none is not ours)', () => {
    expect(
      keepOwn(
        [
          { accountId: 7, value: 'a' },
          { accountId: 8, value: 'b' },
          { accountId: null, value: 'c' },
        ],
        7,
      ),
    ).toEqual({ own: ['a'], foreign: 2 });
  });
});
