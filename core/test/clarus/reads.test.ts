import { startClarusSimulator } from '@clarus-connector/sandbox';
import { ClarusGraphQLError, ClarusPartialReadError, type ClarusProduct } from '@clarus-connector/core';
import { apiRequests, clientFor, salesOrder, type Simulator } from './harness';

type GraphQLBody = { query: string; variables?: Record<string, unknown> };
const graphqlBodies = (sim: Simulator) =>
  apiRequests(sim)
    .filter((r) => r.path === '/graphql')
    .map((r) => r.body as GraphQLBody);

describe('Clarus client: GraphQL paging and typed reads', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startClarusSimulator();
    sim.seedProducts(
      Array.from({ length: 60 }, (_, i) => ({ code: `PG-${String(i).padStart(3, '0')}`, barcode: `50${i}` })),
    );
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.clearFaults();
    sim.resetRequests();
  });

  it('pages through a connection: 60 products at 25 a page → 3 requests, all 60 returned', async () => {
    const { client } = clientFor(sim);
    const seen: ClarusProduct[] = [];
    const cursors: (string | null)[] = [];
    for await (const page of client.listProducts({ pageSize: 25 })) {
      seen.push(...page.nodes);
      cursors.push(page.endCursor);
    }
    const codes = seen.map((p) => p.code).filter((c) => c.startsWith('PG-'));
    expect(new Set(codes).size).toBe(60);
    const bodies = graphqlBodies(sim);
    expect(bodies).toHaveLength(3);
    expect(bodies[0]?.query).toContain('query($filter: ProductsFilterType, $first: Int, $after: String)');
    expect(bodies[0]?.query).toContain('all(filter: $filter, first: $first, after: $after)');
    expect(bodies[0]?.query).toContain('pageInfo { hasNextPage endCursor }');
    expect(bodies.map((b) => b.variables?.first)).toEqual([25, 25, 25]);
    expect(bodies[0]?.variables?.after).toBeUndefined();
    expect(bodies[1]?.variables?.after).toBe(cursors[0]);
    expect(bodies[2]?.variables?.after).toBe(cursors[1]);
    expect(seen[0]).toEqual({
      id: expect.any(Number),
      code: 'PG-000',
      barcode: '500',
      description: null,
      productType: expect.any(String),
    });
  });

  it('resumes paging from a cursor (checkpoint)', async () => {
    const { client } = clientFor(sim);
    const pages = client.listProducts({ pageSize: 25 });
    const first = await pages.next();
    const cursor = first.done ? null : first.value.endCursor;
    const rest: ClarusProduct[] = [];
    for await (const page of client.listProducts({ pageSize: 25, after: cursor ?? undefined }))
      rest.push(...page.nodes);
    expect(rest).toHaveLength(35);
  });

  it('generic paginate takes a list, node fields and a filter; query<T> returns data', async () => {
    const { client } = clientFor(sim);
    const pages = [];
    for await (const page of client.paginate<{ id: string; code: string }>('products', 'id code', {
      code: { in: ['PG-001', 'PG-002'] },
    })) {
      pages.push(page);
    }
    expect(pages).toHaveLength(1);
    expect(pages[0]?.nodes.map((n) => n.code).sort()).toEqual(['PG-001', 'PG-002']);
    expect(pages[0]?.hasNextPage).toBe(false);

    const data = await client.query<{ warehouses: { all: { edges: { node: { id: string } }[] } } }>(
      'query { warehouses { all { edges { node { id code } } } } }',
    );
    expect(data.warehouses.all.edges.length).toBeGreaterThan(0);
  });

  it('treats a short page without pageInfo as the last page, and a full one as a partial read', async () => {
    // Strip pageInfo from the answer on its way back (the spec's examples show connections without it).
    const stripping: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/graphql')) return response;
      const body = (await response.json()) as { data: { products: { all: Record<string, unknown> } } };
      delete body.data.products.all.pageInfo;
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const { client } = clientFor(sim, {}, { fetch: stripping });
    const pages = [];
    for await (const page of client.listProducts({ pageSize: 100 })) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.nodes.length).toBeLessThan(100);
    expect(pages[0]?.hasNextPage).toBe(false);

    // 25 of 25 asked for and no pageInfo: whether more follow cannot be told.
    const error = await (async () => {
      for await (const _page of client.listProducts({ pageSize: 25 })) void _page;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusPartialReadError);
    expect(error).toMatchObject({ reason: 'page_info_missing', list: 'products', retryable: true });
  });

  it('throws ClarusGraphQLError when the answer carries errors', async () => {
    const { client } = clientFor(sim);
    const error = await client
      .query('query { products { all { edges { node { no_such_field } } } } }')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusGraphQLError);
    expect((error as ClarusGraphQLError).errors[0]?.message).toContain('no_such_field');
    expect((error as ClarusGraphQLError).retryable).toBe(false);
  });

  it('finds products by code in chunks, with only documented filters and fields', async () => {
    const { client } = clientFor(sim, {}, { chunkSize: 20 });
    const codes = Array.from({ length: 45 }, (_, i) => `PG-${String(i).padStart(3, '0')}`);
    const found = await client.findProductsByCodes([...codes, 'UNKNOWN-SKU', 'PG-000']);
    expect(found.map((p) => p.code).sort()).toEqual(codes);
    const bodies = graphqlBodies(sim);
    expect(bodies).toHaveLength(3); // 46 distinct codes / 20
    expect(bodies[0]?.query).toContain('node { id code barcode description product_type }');
    expect(bodies[0]?.variables?.filter).toEqual({
      code: { in: codes.slice(0, 20) },
      account_id: { eq: String(sim.accountId) },
    });
  });

  describe('goods out reads', () => {
    let goodsOutId: number;
    let productId: number;

    beforeAll(async () => {
      const [product] = sim.seedProducts([{ code: 'RD-1' }]);
      productId = product!.id;
      sim.setStock([{ productCode: 'RD-1', available: 50 }]);
      sim.seedCarrierServices([{ code: 'NEXTDAY', name: 'Next Day' }, { code: 'ECONOMY' }]);
      const { client } = clientFor(sim);
      goodsOutId = (await client.createGoodsOut(salesOrder('SO-READ-1', productId, sim.accountId))).id;
    });

    it('finds goods outs by reference with their status', async () => {
      const { client } = clientFor(sim);
      const found = await client.findGoodsOutsByReferences(['SO-READ-1', 'SO-NOT-THERE']);
      expect(found).toEqual([
        {
          id: goodsOutId,
          reference: 'SO-READ-1',
          status: { code: expect.any(String), name: expect.any(String) },
        },
      ]);
      const [body] = graphqlBodies(sim);
      expect(body?.query).toContain('query($filter: GoodsOutsFilterType');
      expect(body?.query).toContain('node { id reference goods_out_status { code name } account { id } }');
      expect(body?.variables?.filter).toEqual({
        reference: { in: ['SO-READ-1', 'SO-NOT-THERE'] },
        account_id: { eq: String(sim.accountId) },
      });
    });

    it('lists lines with alt_line_reference when the tenant exposes it', async () => {
      const { client } = clientFor(sim);
      const lines = await client.listGoodsOutLines(goodsOutId);
      expect(lines).toEqual([
        {
          id: expect.any(Number),
          orderQuantity: 2,
          allocatedQuantity: expect.any(Number),
          pickQuantity: expect.any(Number),
          dispatchQuantity: 0,
          shortStatus: expect.anything(),
          product: { id: productId, code: 'RD-1' },
          goodsOut: { id: goodsOutId, reference: 'SO-READ-1' },
          altLineReference: 'li-SO-READ-1',
        },
      ]);
      const [body] = graphqlBodies(sim);
      expect(body?.variables?.filter).toEqual({
        goods_out_id: { eq: String(goodsOutId) },
        account_id: { eq: String(sim.accountId) },
      });
    });

    it('lists shipments, packages and tracking after a dispatch', async () => {
      await sim.dispatch(goodsOutId, {
        shipments: [{ packages: [{ tracking_number: 'TRK-1' }, { tracking_number: 'TRK-2' }] }],
      });
      const { client } = clientFor(sim);
      const shipments = await client.listShipments(goodsOutId);
      expect(shipments).toHaveLength(1);
      expect(shipments[0]).toEqual(
        expect.objectContaining({
          id: expect.any(Number),
          status: 'dispatched',
          reference: expect.any(String),
        }),
      );
      const packages = await client.listPackages(shipments.map((s) => s.id));
      expect(packages.map((p) => p.trackingNumber).sort()).toEqual(['TRK-1', 'TRK-2']);
      expect(packages[0]?.shipment?.id).toBe(shipments[0]?.id);
      const lines = await client.listGoodsOutLines(goodsOutId);
      expect(lines[0]?.dispatchQuantity).toBe(2);
    });

    it('finds carrier services by code', async () => {
      const { client } = clientFor(sim);
      const services = await client.findCarrierServicesByCodes(['NEXTDAY', 'MISSING']);
      expect(services).toEqual([
        expect.objectContaining({ id: expect.any(Number), code: 'NEXTDAY', name: 'Next Day' }),
      ]);
    });

    it('reads stock balances as pages, filtered by account, warehouse and product codes', async () => {
      const { client } = clientFor(sim);
      sim.setStock([{ productCode: 'PG-001', available: 7, allocated: 1 }]);
      const all = [];
      for await (const page of client.stockBalances({
        accountId: sim.accountId,
        productCodes: ['PG-001', 'RD-1'],
      })) {
        all.push(...page.nodes);
      }
      expect(all.find((b) => b.product.code === 'PG-001')).toEqual({
        available: 7,
        allocated: 1,
        product: { id: expect.any(Number), code: 'PG-001' },
        warehouseId: sim.defaultWarehouseId,
      });
      const [body] = graphqlBodies(sim);
      expect(body?.query).toContain('query($filter: StockBalancesFilterType');
      expect(body?.variables?.filter).toEqual({
        account_id: { eq: String(sim.accountId) },
        product_code: { in: ['PG-001', 'RD-1'] },
      });

      sim.resetRequests();
      for await (const page of client.stockBalances({
        accountId: sim.accountId,
        warehouseId: sim.defaultWarehouseId,
      })) {
        expect(page.nodes.every((b) => b.warehouseId === sim.defaultWarehouseId)).toBe(true);
      }
      expect(graphqlBodies(sim)[0]?.variables?.filter).toEqual({
        account_id: { eq: String(sim.accountId) },
        warehouse_id: { eq: String(sim.defaultWarehouseId) },
      });
    });

    it('lists warehouses', async () => {
      const { client } = clientFor(sim);
      const warehouses = await client.listWarehouses();
      expect(warehouses).toContainEqual(
        expect.objectContaining({ id: sim.defaultWarehouseId, code: expect.any(String) }),
      );
    });
  });
});

describe('Clarus client: alt_line_reference fallback', () => {
  let sim: Simulator;
  afterAll(() => sim.close());

  it('re-queries without alt_line_reference when the tenant rejects it, and remembers that per client', async () => {
    sim = await startClarusSimulator({ exposeLineReference: false });
    const [product] = sim.seedProducts([{ code: 'FB-1' }]);
    sim.setStock([{ productCode: 'FB-1', available: 10 }]);
    const { client, logs } = clientFor(sim);
    const { id } = await client.createGoodsOut(salesOrder('SO-FB-1', product!.id, sim.accountId));
    sim.resetRequests();

    const lines = await client.listGoodsOutLines(id);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.product?.code).toBe('FB-1');
    expect(lines[0]?.altLineReference).toBeUndefined();
    const first = graphqlBodies(sim);
    expect(first).toHaveLength(2);
    expect(first[0]?.query).toContain('alt_line_reference');
    expect(first[1]?.query).not.toContain('alt_line_reference');
    expect(logs.lines.some((l) => String(l.message).includes('alt_line_reference'))).toBe(true);

    sim.resetRequests();
    await client.listGoodsOutLines(id);
    const second = graphqlBodies(sim);
    expect(second).toHaveLength(1);
    expect(second[0]?.query).not.toContain('alt_line_reference');
  });
});
