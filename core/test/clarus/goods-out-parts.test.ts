import { seedOtherAccount, startClarusSimulator } from '@clarus-connector/sandbox';
import { ClarusPartialReadError, ClarusUnexpectedResponseError } from '@clarus-connector/core';
import { firstPages, multiListQuery } from '../../src/clarus/multi-list';
import { apiRequests, clientFor, type Simulator } from './harness';

type GraphQLBody = { query: string; variables?: Record<string, unknown> };
const graphqlBodies = (sim: Simulator) =>
  apiRequests(sim)
    .filter((r) => r.path === '/graphql')
    .map((r) => r.body as GraphQLBody);

describe('multiListQuery / firstPages (pure)', () => {
  const parts = [
    { list: 'goods_out_lines' as const, fields: 'id', filter: { goods_out_id: { eq: '7' } } },
    { list: 'shipments' as const, fields: 'id status', filter: { goods_out_id: { eq: '7' } } },
  ];

  it('selects each list as its own root field, with its filter type, one variable each and one page size', () => {
    const { query, variables } = multiListQuery(parts, 100);
    expect(query).toBe(
      'query($f0: GoodsOutLineFilterType, $f1: ShipmentFilterType, $first: Int) { ' +
        'goods_out_lines { all(filter: $f0, first: $first) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } ' +
        'shipments { all(filter: $f1, first: $first) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } } }',
    );
    expect(variables).toEqual({ first: 100, f0: parts[0]!.filter, f1: parts[1]!.filter });
  });

  it('refuses a list named twice (the two root fields would conflict)', () => {
    expect(() => multiListQuery([parts[0]!, parts[0]!], 100)).toThrow(RangeError);
  });

  it('reads each first page and says whether it was the whole list', () => {
    const connection = (ids: string[], hasNextPage: boolean) => ({
      all: {
        edges: ids.map((id) => ({ cursor: `c${id}`, node: { id } })),
        pageInfo: { hasNextPage, endCursor: ids.length ? `c${ids.at(-1)}` : null },
      },
    });
    const pages = firstPages(
      { goods_out_lines: connection(['1', '2'], true), shipments: connection([], false) },
      parts,
      2,
    );
    expect(pages.get('goods_out_lines')).toEqual({ nodes: [{ id: '1' }, { id: '2' }], complete: false });
    expect(pages.get('shipments')).toEqual({ nodes: [], complete: true });
  });

  it('throws like a paged read: a list missing from the answer, a full page without pageInfo', () => {
    const edges = (n: number) => ({
      all: { edges: Array.from({ length: n }, (_, i) => ({ cursor: `c${i}`, node: { id: String(i) } })) },
    });
    expect(() => firstPages({ goods_out_lines: edges(1) }, parts, 2)).toThrow(ClarusUnexpectedResponseError);
    expect(() => firstPages({ goods_out_lines: edges(2), shipments: edges(0) }, parts, 2)).toThrow(
      ClarusPartialReadError,
    );
  });
});

describe('Clarus client: readGoodsOutParts (one goods out in one GraphQL request)', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startClarusSimulator({ accountId: 1 });
    sim.seedProducts(Array.from({ length: 101 }, (_, i) => ({ code: `GOP-${i}` })));
    sim.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRequests());

  it('returns what listGoodsOutLines, listShipments and findGoodsOutsByReferences return, in one request', async () => {
    const goodsOut = sim.seedGoodsOut({
      reference: 'GOP-ORDER-1',
      lines: [
        { productCode: 'GOP-1', quantity: 2 },
        { productCode: 'GOP-2', quantity: 1 },
      ],
    });
    await sim.dispatch(goodsOut.id, { shipments: [{ packages: 2 }], fireWebhook: false });
    const { client } = clientFor(sim);
    sim.resetRequests();

    const parts = await client.readGoodsOutParts(goodsOut.id, { reference: 'GOP-ORDER-1' });

    const bodies = graphqlBodies(sim);
    expect(bodies).toHaveLength(1);
    // Each list filtered as its own read filters it, account_id on the lists that document it.
    expect(Object.values(bodies[0]!.variables!).filter((v) => typeof v === 'object')).toEqual([
      { goods_out_id: { eq: String(goodsOut.id) }, account_id: { eq: '1' } },
      { goods_out_id: { eq: String(goodsOut.id) } },
      { reference: { in: ['GOP-ORDER-1'] }, account_id: { eq: '1' } },
    ]);
    expect(parts.lines).toEqual(await client.listGoodsOutLines(goodsOut.id));
    expect(parts.shipments).toEqual(await client.listShipments(goodsOut.id));
    expect(parts.goodsOuts).toEqual(await client.findGoodsOutsByReferences(['GOP-ORDER-1']));
    expect(parts.lines).toHaveLength(2);
    expect(parts.shipments).toHaveLength(1);
    expect(parts.goodsOuts!.map((g) => g.id)).toEqual([goodsOut.id]);
  });

  it('without a reference reads lines and shipments only', async () => {
    const goodsOut = sim.seedGoodsOut({
      reference: 'GOP-ORDER-2',
      lines: [{ productCode: 'GOP-3', quantity: 1 }],
    });
    const { client } = clientFor(sim);
    sim.resetRequests();
    const parts = await client.readGoodsOutParts(goodsOut.id);
    expect(parts.goodsOuts).toBeUndefined();
    expect(parts.lines.map((l) => l.product?.code)).toEqual(['GOP-3']);
    expect(graphqlBodies(sim).map((b) => b.query.includes('goods_outs {'))).toEqual([false]);
  });

  it('a goods out with 101 lines (more than a page): the lines are read on with their own paged read', async () => {
    const goodsOut = sim.seedGoodsOut({
      reference: 'GOP-ORDER-BIG',
      lines: Array.from({ length: 101 }, (_, i) => ({ productCode: `GOP-${i}`, quantity: 1 })),
    });
    const { client } = clientFor(sim);
    sim.resetRequests();
    const parts = await client.readGoodsOutParts(goodsOut.id, { reference: 'GOP-ORDER-BIG' });
    expect(parts.lines).toHaveLength(101);
    expect(new Set(parts.lines.map((l) => l.id)).size).toBe(101);
    // The combined request, then the lines' own read: two pages of 100.
    expect(graphqlBodies(sim)).toHaveLength(3);
  });

  it('a tenant refusing several lists in one request: the lists are read one by one, from then on', async () => {
    const goodsOut = sim.seedGoodsOut({
      reference: 'GOP-SINGLE-1',
      lines: [{ productCode: 'GOP-4', quantity: 1 }],
    });
    // A gateway rule refusing operations with more than one root field (GraphQL 200 + errors).
    const refusing: typeof fetch = async (input, init) => {
      const body = String(init?.body ?? '');
      if (String(input).endsWith('/graphql') && (body.match(/\ball\(/g) ?? []).length > 1) {
        return new Response(JSON.stringify({ errors: [{ message: 'Query has too many root fields' }] }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      return fetch(input, init);
    };
    const { client, logs } = clientFor(sim, {}, { fetch: refusing });
    sim.resetRequests();
    const parts = await client.readGoodsOutParts(goodsOut.id, { reference: 'GOP-SINGLE-1' });
    expect(parts.lines.map((l) => l.product?.code)).toEqual(['GOP-4']);
    expect(parts.goodsOuts!.map((g) => g.id)).toEqual([goodsOut.id]);
    expect(logs.text()).toContain('reading them one by one');
    sim.resetRequests();
    await client.readGoodsOutParts(goodsOut.id, { reference: 'GOP-SINGLE-1' });
    expect(graphqlBodies(sim)).toHaveLength(3); // one request per list, none refused
  });

  it("another account's goods out with the same reference: neither it nor its lines are returned", async () => {
    const [theirs] = seedOtherAccount(sim, {
      products: ['GOP-1'],
      goodsOuts: [{ reference: 'GOP-SHARED-1', lines: [{ productCode: 'GOP-1', quantity: 1 }] }],
    }).goodsOuts;
    const { client } = clientFor(sim);
    const parts = await client.readGoodsOutParts(theirs!.id, { reference: 'GOP-SHARED-1' });
    expect(parts.goodsOuts).toEqual([]);
    expect(parts.lines).toEqual([]);
  });
});

describe('readGoodsOutParts on a tenant without alt_line_reference', () => {
  it('drops the field for this client after the first refusal, and the lines carry none', async () => {
    const sim = await startClarusSimulator({ exposeLineReference: false });
    try {
      sim.seedProducts([{ code: 'GOP-NOALT' }]);
      const goodsOut = sim.seedGoodsOut({
        reference: 'GOP-NOALT-1',
        lines: [{ productCode: 'GOP-NOALT', quantity: 1 }],
      });
      const { client } = clientFor(sim);
      sim.resetRequests();
      const first = await client.readGoodsOutParts(goodsOut.id, { reference: 'GOP-NOALT-1' });
      expect(first.lines.map((l) => [l.product?.code, l.altLineReference])).toEqual([
        ['GOP-NOALT', undefined],
      ]);
      expect(first.goodsOuts!.map((g) => g.id)).toEqual([goodsOut.id]);
      expect(graphqlBodies(sim)).toHaveLength(2); // refused with the field, then without it
      sim.resetRequests();
      await client.readGoodsOutParts(goodsOut.id, { reference: 'GOP-NOALT-1' });
      expect(graphqlBodies(sim).map((b) => b.query.includes('alt_line_reference'))).toEqual([false]);
    } finally {
      await sim.close();
    }
  });
});
