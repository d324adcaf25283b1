import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { startClarusSimulator, type ClarusSimulator, type ClarusSimulatorOptions } from '../src';

/** Everything over real HTTP with the global fetch, as the product's Clarus client will talk to it. */

interface Client {
  token: string;
  rest(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  gql(query: string, variables?: Record<string, unknown>, init?: RequestInit): Promise<GqlResult>;
}
interface GqlResult {
  status: number;
  data?: Record<string, { all: Connection }>;
  errors?: { message: string }[];
}
interface Connection {
  edges: { cursor: string; node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function fetchToken(sim: ClarusSimulator): Promise<string> {
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function clientFor(sim: ClarusSimulator): Promise<Client> {
  const token = await fetchToken(sim);
  const headers = {
    authorization: `Bearer ${token}`,
    'x-clarus-subdomain': sim.subdomain,
    'content-type': 'application/json',
  };
  return {
    token,
    rest: (method, path, body, extra) =>
      fetch(`${sim.url}${path}`, {
        method,
        headers: { ...headers, ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    gql: async (query, variables, init) => {
      const res = await fetch(`${sim.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        ...init,
      });
      return { status: res.status, ...((await res.json()) as Omit<GqlResult, 'status'>) };
    },
  };
}

const address = {
  name: 'John Smith',
  address_1: '123 Main Street',
  address_3: 'London',
  postcode: 'SW1A 1AA',
  country_code: 'GB',
  email_address: 'john.smith@example.com',
  phone_number: '+44 20 7946 0958',
};

function goodsOutBody(
  attributes: Record<string, unknown>,
  lines: Record<string, unknown>[],
  addressAttributes: Record<string, unknown> = address,
) {
  return {
    data: {
      type: 'goods_outs',
      attributes: {
        goods_out_type: 'sales_order',
        account_id: 1,
        reference: 'SO-001',
        expected_date_of_dispatch: '2024-01-20T10:00:00Z',
        ...attributes,
        lines_changes: lines.map((l) => ({ type: 'ADD', attributes: l })),
      },
      relationships: { address: { data: { type: 'addresses', attributes: addressAttributes } } },
    },
  };
}

const LINES_QUERY = `query($filter: GoodsOutLineFilterType) { goods_out_lines { all(filter: $filter) { edges { node {
  id order_quantity allocated_quantity pick_quantity dispatch_quantity short_status product { id code } goods_out { id reference } carrier { id } alt_line_reference
} } } } }`;

describe('Clarus simulator', () => {
  let sim: ClarusSimulator;
  let client: Client;
  let clock: number;

  const start = async (options: ClarusSimulatorOptions = {}) => {
    await sim?.close();
    sim = await startClarusSimulator({ now: () => clock, ...options });
    client = await clientFor(sim);
  };

  beforeEach(async () => {
    clock = Date.parse('2026-03-10T09:00:00Z');
    await start();
  });
  afterEach(async () => {
    await sim.close();
  });

  const seedCatalogue = () => {
    const products = sim.seedProducts([
      { code: 'SKU-1', barcode: '5012345678901', description: 'Widget Blue' },
      { code: 'SKU-2', barcode: '5012345678902', description: 'Widget Red' },
    ]);
    sim.setStock([
      { productCode: 'SKU-1', available: 10 },
      { productCode: 'SKU-2', available: 1 },
    ]);
    return products.map((p) => p.id) as [number, number];
  };

  const createGoodsOut = async (attributes: Record<string, unknown>, lines: Record<string, unknown>[]) => {
    const res = await client.rest('POST', '/api/goods_outs', goodsOutBody(attributes, lines));
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { id: number; attributes: Record<string, unknown> } }).data;
  };

  describe('OAuth and tenant', () => {
    it('issues a bearer token for client credentials in a form, a JSON body or HTTP Basic', async () => {
      const json = await fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'sim-client',
          client_secret: 'sim-secret',
        }),
      });
      expect(json.status).toBe(200);
      expect(await json.json()).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 7200,
        created_at: Math.floor(clock / 1000),
      });
      const basic = await fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(basic.status).toBe(200);
    });

    it('answers 401 invalid_client to wrong credentials', async () => {
      const res = await fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=sim-client&client_secret=nope',
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('answers 401 {error} without a token, with an unknown one, after revocation and after expiry', async () => {
      const noToken = await fetch(`${sim.url}/graphql`, {
        method: 'POST',
        headers: { 'x-clarus-subdomain': 'acme', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products { all { edges { node { id } } } } }' }),
      });
      expect(noToken.status).toBe(401);
      expect(await noToken.json()).toEqual({ error: expect.any(String) });

      const bogus = await client.rest('POST', '/api/goods_outs', {}, { authorization: 'Bearer not-a-token' });
      expect(bogus.status).toBe(401);

      expect((await client.gql('{ products { all { edges { node { id } } } } }')).status).toBe(200);
      sim.revokeTokens();
      expect((await client.gql('{ products { all { edges { node { id } } } } }')).status).toBe(401);

      client = await clientFor(sim);
      clock += 7200 * 1000;
      expect((await client.gql('{ products { all { edges { node { id } } } } }')).status).toBe(401);
    });

    it('rejects a missing or foreign X-Clarus-Subdomain with the documented error shape', async () => {
      const missing = await client.rest('POST', '/api/goods_outs', {}, { 'x-clarus-subdomain': '' });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toEqual({
        errors: [
          {
            code: 400,
            symbol: 'subdomain_required',
            details: expect.any(String),
            source: null,
            context: { header: 'X-Clarus-Subdomain' },
          },
        ],
      });
      const foreign = await client.rest('POST', '/api/goods_outs', {}, { 'x-clarus-subdomain': 'other' });
      expect(foreign.status).toBe(404);
      expect(((await foreign.json()) as { errors: { symbol: string }[] }).errors[0]?.symbol).toBe(
        'tenant_not_found',
      );
    });
  });

  describe('REST goods outs', () => {
    it('creates a goods out: 200 with {data:{id, type, attributes}} and allocates stock', async () => {
      const [sku1] = seedCatalogue();
      const data = await createGoodsOut(
        { external_system_reference1: 'ct-order-1', packing_notes: 'Happy birthday' },
        [{ product_id: sku1, order_quantity: 3, alt_product_code: 'sku-1', alt_line_reference: 'line-1' }],
      );
      expect(data).toMatchObject({
        id: expect.any(Number),
        type: 'goods_outs',
        attributes: {
          reference: 'SO-001',
          goods_out_type: 'sales_order',
          account_id: 1,
          warehouse_id: 1,
          external_system_reference1: 'ct-order-1',
          packing_notes: 'Happy birthday',
          goods_out_status_id: 5,
        },
      });
      const [record] = sim.goodsOuts();
      expect(record).toMatchObject({
        id: data.id,
        status: 'ALLOCATED',
        address: { address_1: '123 Main Street', country_code: 'GB' },
        lines: [
          {
            product_id: sku1,
            product_code: 'SKU-1',
            order_quantity: 3,
            allocated_quantity: 3,
            attributes: { alt_product_code: 'sku-1', alt_line_reference: 'line-1' },
          },
        ],
      });
      expect(sim.stockBalances().find((b) => b.product_code === 'SKU-1')).toMatchObject({
        available: 7,
        allocated: 3,
      });
    });

    it('accepts the /api/v1 prefix when configured, and a JSON:API content type', async () => {
      await start({ restPrefix: '/api/v1' });
      const [sku1] = seedCatalogue();
      const res = await client.rest(
        'POST',
        '/api/v1/goods_outs',
        goodsOutBody({}, [{ product_id: sku1, order_quantity: 1 }]),
        {
          'content-type': 'application/vnd.api+json',
        },
      );
      expect(res.status).toBe(200);
      expect((await client.rest('POST', '/api/goods_outs', {})).status).toBe(404);
    });

    it('is PART_ALLOCATED or PENDING when stock is short, and does not reject a duplicate reference', async () => {
      const [sku1, sku2] = seedCatalogue();
      await createGoodsOut({}, [{ product_id: sku2, order_quantity: 2 }]);
      await createGoodsOut({}, [{ product_id: sku2, order_quantity: 1 }]);
      await createGoodsOut({}, [{ product_id: sku1, order_quantity: 1 }]);
      expect(sim.goodsOuts().map((g) => [g.attributes.reference, g.status])).toEqual([
        ['SO-001', 'PART_ALLOCATED'],
        ['SO-001', 'PENDING'],
        ['SO-001', 'ALLOCATED'],
      ]);
    });

    it('answers 422 listing every problem, each naming its attribute', async () => {
      const [sku1] = seedCatalogue();
      const body = goodsOutBody(
        {
          goods_out_type: 'gift',
          reference: 'R'.repeat(51),
          expected_date_of_dispatch: undefined,
          packing_notes: 'p'.repeat(256),
          carrier_service_id: 999,
          warehouse_id: 999,
          account_id: 2,
        },
        [
          { product_id: 424242, order_quantity: 1 },
          { product_id: sku1, order_quantity: 0 },
        ],
        {
          address_1: 'a'.repeat(81),
          address_5: 'e'.repeat(81),
          postcode: 'P'.repeat(11),
          country_code: 'GBR',
          email_address: `${'m'.repeat(250)}@x.com`,
          phone_number: '1'.repeat(51),
        },
      );
      const res = await client.rest('POST', '/api/goods_outs', body);
      expect(res.status).toBe(422);
      const { errors } = (await res.json()) as { errors: Record<string, unknown>[] };
      for (const error of errors) {
        expect(error).toEqual({
          code: 422,
          symbol: expect.any(String),
          details: expect.any(String),
          source: expect.any(String),
          context: expect.objectContaining({ attribute: expect.any(String) }),
        });
      }
      const problems = errors.map((e) => [e.symbol, (e.context as { attribute: string }).attribute]);
      expect(problems).toEqual(
        expect.arrayContaining([
          ['required', 'expected_date_of_dispatch'],
          ['inclusion', 'goods_out_type'],
          ['too_long', 'reference'],
          ['too_long', 'packing_notes'],
          ['account_not_found', 'account_id'],
          ['warehouse_not_found', 'warehouse_id'],
          ['carrier_service_not_found', 'carrier_service_id'],
          ['product_not_found', 'product_id'],
          ['greater_than', 'order_quantity'],
          ['too_long', 'address_1'],
          ['too_long', 'address_5'],
          ['too_long', 'postcode'],
          ['invalid_country_code', 'country_code'],
          ['too_long', 'email_address'],
          ['too_long', 'phone_number'],
        ]),
      );
      expect(errors).toHaveLength(15);
      expect(
        errors.find((e) => (e.context as { attribute: string }).attribute === 'address_1')?.context,
      ).toMatchObject({
        attribute: 'address_1',
        max_length: 80,
      });
      expect(errors.find((e) => e.symbol === 'product_not_found')?.context).toMatchObject({
        line_index: 0,
        value: 424242,
      });
      expect(sim.goodsOuts()).toEqual([]);
    });

    it('updates lines with ADD, UPDATE, DESTROY and REMOVE', async () => {
      const [sku1, sku2] = seedCatalogue();
      const { id } = await createGoodsOut({}, [
        { product_id: sku1, order_quantity: 2 },
        { product_id: sku2, order_quantity: 1 },
      ]);
      const [first, second] = sim.goodsOuts()[0]?.lines ?? [];
      const res = await client.rest('PATCH', `/api/goods_outs/${id}`, {
        data: {
          type: 'goods_outs',
          attributes: {
            reference: 'SO-001-REV',
            lines_changes: [
              { type: 'UPDATE', id: first?.id, attributes: { order_quantity: 5 } },
              { type: 'REMOVE', id: second?.id },
              { type: 'ADD', attributes: { product_id: sku2, order_quantity: 1 } },
            ],
          },
        },
      });
      expect(res.status).toBe(200);
      const [record] = sim.goodsOuts();
      expect(record?.attributes.reference).toBe('SO-001-REV');
      expect(record?.lines.map((l) => [l.product_code, l.order_quantity, l.allocated_quantity])).toEqual([
        ['SKU-1', 5, 5],
        ['SKU-2', 1, 1],
      ]);
      const destroy = await client.rest('PATCH', `/api/goods_outs/${id}`, {
        data: { type: 'goods_outs', attributes: { lines_changes: [{ type: 'DESTROY', id: first?.id }] } },
      });
      expect(destroy.status).toBe(200);
      expect(sim.stockBalances().find((b) => b.product_code === 'SKU-1')).toMatchObject({
        available: 10,
        allocated: 0,
      });
      const unknownLine = await client.rest('PATCH', `/api/goods_outs/${id}`, {
        data: { type: 'goods_outs', attributes: { lines_changes: [{ type: 'DESTROY', id: 1 }] } },
      });
      expect(unknownLine.status).toBe(422);
      expect(
        (
          await client.rest('PATCH', '/api/goods_outs/999999', {
            data: { type: 'goods_outs', attributes: {} },
          })
        ).status,
      ).toBe(404);
    });

    it('cancels: pending is deleted (later 404), allocated is de-allocated, completed is refused with 422', async () => {
      const [sku1, sku2] = seedCatalogue();
      sim.setStock([{ productCode: 'SKU-2', available: 0 }]);
      const pending = await createGoodsOut({ reference: 'P' }, [{ product_id: sku2, order_quantity: 1 }]);
      const allocated = await createGoodsOut({ reference: 'A' }, [{ product_id: sku1, order_quantity: 4 }]);
      const completed = await createGoodsOut({ reference: 'C' }, [{ product_id: sku1, order_quantity: 1 }]);
      await sim.dispatch(completed.id);

      const cancelPending = await client.rest('POST', `/api/goods_outs/${pending.id}/cancel`);
      expect(cancelPending.status).toBe(200);
      expect(await cancelPending.json()).toMatchObject({ data: { id: pending.id, type: 'goods_outs' } });
      const again = await client.rest('POST', `/api/goods_outs/${pending.id}/cancel`);
      expect(again.status).toBe(404);
      expect(await again.json()).toEqual({
        errors: [
          {
            code: 404,
            symbol: 'record_not_found',
            details: expect.any(String),
            source: null,
            context: { id: pending.id },
          },
        ],
      });

      expect(sim.stockBalances().find((b) => b.product_code === 'SKU-1')).toMatchObject({
        available: 5,
        allocated: 4,
      });
      expect((await client.rest('POST', `/api/goods_outs/${allocated.id}/cancel`)).status).toBe(200);
      expect(sim.goodsOuts().find((g) => g.id === allocated.id)?.status).toBe('CANCELLED');
      expect(sim.stockBalances().find((b) => b.product_code === 'SKU-1')).toMatchObject({
        available: 9,
        allocated: 0,
      });

      const cancelCompleted = await client.rest('POST', `/api/goods_outs/${completed.id}/cancel`);
      expect(cancelCompleted.status).toBe(422);
      expect(((await cancelCompleted.json()) as { errors: { symbol: string }[] }).errors[0]?.symbol).toBe(
        'goods_out_cannot_be_cancelled',
      );
      expect((await client.rest('POST', '/api/goods_outs/123456/cancel')).status).toBe(404);
    });

    it('cancels PICK orders and respects statuses set through the control API', async () => {
      const [sku1] = seedCatalogue();
      const { id } = await createGoodsOut({}, [{ product_id: sku1, order_quantity: 2 }]);
      sim.setGoodsOutStatus(id, 'PICK');
      expect((await client.rest('POST', `/api/goods_outs/${id}/cancel`)).status).toBe(200);
      expect(sim.goodsOuts()[0]?.status).toBe('CANCELLED');
      expect(() => sim.setGoodsOutStatus(id, 'SHIPPED')).toThrow(/unknown goods out status/);
    });
  });

  describe('GraphQL', () => {
    it('pages 60 products 25 at a time with opaque cursors', async () => {
      sim.seedProducts(Array.from({ length: 60 }, (_, i) => ({ code: `P-${String(i).padStart(3, '0')}` })));
      const query = `query($after: String) { products { all(first: 25, after: $after) {
        edges { cursor node { id code } } pageInfo { hasNextPage endCursor } } } }`;
      const pages: Connection[] = [];
      let after: string | null = null;
      do {
        const result = await client.gql(query, { after });
        const page = result.data?.products?.all as Connection;
        pages.push(page);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(pages.map((p) => p.edges.length)).toEqual([25, 25, 10]);
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
      const codes = pages.flatMap((p) => p.edges.map((e) => e.node.code));
      expect(new Set(codes).size).toBe(60);
      expect(typeof pages[0]?.edges[0]?.node.id).toBe('string');

      const defaults = await client.gql(
        '{ products { all { edges { node { id } } pageInfo { hasNextPage } } } }',
      );
      expect(defaults.data?.products?.all.edges).toHaveLength(25);
      const capped = await client.gql('{ products { all(first: 1000) { edges { node { id } } } } }');
      expect(capped.data?.products?.all.edges).toHaveLength(60);
      const badCursor = await client.gql('{ products { all(after: "nope") { edges { node { id } } } } }');
      expect(badCursor.errors?.[0]?.message).toMatch(/Invalid cursor/);
    });

    it('filters products with in, eq and ilike', async () => {
      seedCatalogue();
      sim.seedProducts([{ code: 'BUNDLE-1', product_type: 'bill_of_materials' }]);
      const codes = async (filter: Record<string, unknown>) => {
        const result = await client.gql(
          'query($filter: ProductsFilterType) { products { all(filter: $filter) { edges { node { code } } } } }',
          { filter },
        );
        expect(result.errors).toBeUndefined();
        return result.data?.products?.all.edges.map((e) => e.node.code);
      };
      expect(await codes({ code: { in: ['SKU-2', 'BUNDLE-1', 'MISSING'] } })).toEqual(['SKU-2', 'BUNDLE-1']);
      expect(await codes({ code: { eq: 'SKU-1' } })).toEqual(['SKU-1']);
      expect(await codes({ code: { eq: 'sku-1' } })).toEqual([]);
      expect(await codes({ description: { ilike: 'widget' } })).toEqual(['SKU-1', 'SKU-2']);
      expect(await codes({ code: { like: 'sku' } })).toEqual([]);
      expect(await codes({ barcode: { eq: '5012345678902' } })).toEqual(['SKU-2']);
      expect(await codes({ all_codes: { eq: '5012345678901' } })).toEqual(['SKU-1']);
      expect(await codes({ product_type: { eq: 'bill_of_materials' } })).toEqual(['BUNDLE-1']);
    });

    it('rejects an unknown field or filter as a GraphQL validation error', async () => {
      const field = await client.gql('{ goods_outs { all { edges { node { id tracking_url } } } } }');
      expect(field.status).toBe(200);
      expect(field.data).toBeUndefined();
      expect(field.errors?.[0]?.message).toMatch(/Cannot query field "tracking_url"/);
      const filter = await client.gql(
        '{ goods_outs { all(filter: { id: { eq: "1" } }) { edges { node { id } } } } }',
      );
      expect(filter.errors?.[0]?.message).toMatch(/"id" is not defined by type "GoodsOutsFilterType"/);
      const nested = await client.gql('{ stock_balances { all { edges { node { warehouse { code } } } } } }');
      expect(nested.errors?.[0]?.message).toMatch(/Cannot query field "code"/);
    });

    it('exposes alt_line_reference on lines only when the option allows it', async () => {
      const [sku1] = seedCatalogue();
      const { id } = await createGoodsOut({}, [
        { product_id: sku1, order_quantity: 1, alt_line_reference: 'li-1' },
      ]);
      const withRef = await client.gql(LINES_QUERY, { filter: { goods_out_id: { eq: String(id) } } });
      expect(withRef.data?.goods_out_lines?.all.edges[0]?.node).toEqual({
        id: expect.any(String),
        order_quantity: 1,
        allocated_quantity: 1,
        pick_quantity: 0,
        dispatch_quantity: 0,
        short_status: '',
        product: { id: String(sku1), code: 'SKU-1' },
        goods_out: { id: String(id), reference: 'SO-001' },
        carrier: null,
        alt_line_reference: 'li-1',
      });

      await start({ exposeLineReference: false });
      const without = await client.gql(LINES_QUERY, { filter: { goods_out_id: { eq: '1' } } });
      expect(without.errors?.[0]?.message).toMatch(/Cannot query field "alt_line_reference"/);
      const introspection = await client.gql('{ __type(name: "GoodsOutLine") { fields { name } } }');
      const names = (
        introspection.data as unknown as { __type: { fields: { name: string }[] } }
      ).__type.fields.map((f) => f.name);
      expect(names).not.toContain('alt_line_reference');
      expect(names).toContain('dispatch_quantity');
    });

    it('finds goods outs by reference and status, and lines by goods_out_id and status code', async () => {
      const [sku1, sku2] = seedCatalogue();
      const a = await createGoodsOut({ reference: 'SO-A', external_system_reference1: 'order-a' }, [
        { product_id: sku1, order_quantity: 1 },
      ]);
      await createGoodsOut({ reference: 'SO-B' }, [{ product_id: sku2, order_quantity: 5 }]);
      const byRef = await client.gql(
        `query($filter: GoodsOutsFilterType) { goods_outs { all(filter: $filter) { edges { node {
          id reference external_system_reference1 goods_out_status { code name } account { id code } warehouse { id code } } } } } }`,
        { filter: { reference: { eq: 'SO-A' } } },
      );
      expect(byRef.data?.goods_outs?.all.edges.map((e) => e.node)).toEqual([
        {
          id: String(a.id),
          reference: 'SO-A',
          external_system_reference1: 'order-a',
          goods_out_status: { code: 'ALLOCATED', name: 'Allocated' },
          account: { id: '1', code: 'ACME' },
          warehouse: { id: '1', code: 'WH1' },
        },
      ]);
      const byStatus = await client.gql(
        '{ goods_outs { all(filter: { goods_out_status_code: { in: ["PART_ALLOCATED", "PENDING"] } }) { edges { node { reference } } } } }',
      );
      expect(byStatus.data?.goods_outs?.all.edges.map((e) => e.node.reference)).toEqual(['SO-B']);
      const lines = await client.gql(
        'query($filter: GoodsOutLineFilterType) { goods_out_lines { all(filter: $filter) { edges { node { product { code } } } } } }',
        { filter: { goods_out_status_code: { eq: 'PART_ALLOCATED' } } },
      );
      expect(lines.data?.goods_out_lines?.all.edges.map((e) => e.node.product)).toEqual([{ code: 'SKU-2' }]);
    });

    it('filters stock balances by account, warehouse and product code', async () => {
      seedCatalogue();
      const [wh2] = sim.seedWarehouses([{ code: 'WH2', name: 'Overflow' }]);
      sim.setStock([{ productCode: 'SKU-1', available: 4, warehouseId: wh2?.id }]);
      const query = `query($filter: StockBalancesFilterType) { stock_balances { all(filter: $filter) { edges { node {
        available allocated ordered received picked product { id code } account { id code } warehouse { id } } } } } }`;
      const rows = async (filter: Record<string, unknown>) =>
        (await client.gql(query, { filter })).data?.stock_balances?.all.edges.map((e) => e.node);
      expect(await rows({ account_id: { eq: '1' }, warehouse_id: { eq: String(wh2?.id) } })).toEqual([
        {
          available: 4,
          allocated: 0,
          ordered: 0,
          received: 0,
          picked: 0,
          product: { id: expect.any(String), code: 'SKU-1' },
          account: { id: '1', code: 'ACME' },
          warehouse: { id: String(wh2?.id) },
        },
      ]);
      expect((await rows({ product_code: { eq: 'SKU-1' } }))?.map((r) => r.available)).toEqual([10, 4]);
      expect(await rows({ account_id: { eq: '2' } })).toEqual([]);
      expect(
        (await rows({ warehouse_id: { in: ['1'] }, product_code: { in: ['SKU-1', 'SKU-2'] } }))?.length,
      ).toBe(2);
    });

    it('lists carrier services and warehouses', async () => {
      sim.seedCarrierServices([{ code: 'RM1CLS', name: 'Royal Mail 1st Class', carrierCode: 'ROYALMAIL' }]);
      const services = await client.gql(
        '{ carrier_services { all(filter: { code: { eq: "RM1CLS" } }) { edges { node { id code name active is_default carrier { id code } } } } } }',
      );
      expect(services.data?.carrier_services?.all.edges[0]?.node).toMatchObject({
        code: 'RM1CLS',
        active: true,
        carrier: { code: 'ROYALMAIL' },
      });
      const warehouses = await client.gql(
        '{ warehouses { all(filter: { code: { ilike: "wh1" } }) { edges { node { id code name address { country_code } } } } } }',
      );
      expect(warehouses.data?.warehouses?.all.edges.map((e) => e.node)).toEqual([
        { id: '1', code: 'WH1', name: 'Main Warehouse', address: { country_code: 'GB' } },
      ]);
    });
  });

  describe('dispatch and webhooks', () => {
    let receiver: Server;
    let received: { path: string; query: unknown; headers: Record<string, unknown>; body: unknown }[];
    let receiverUrl: string;

    beforeEach(async () => {
      received = [];
      const app = express();
      app.use(express.json());
      app.post('/clarus/webhooks/:kind', (req, res) => {
        received.push({ path: req.path, query: req.query, headers: req.headers, body: req.body });
        res.status(202).end();
      });
      receiver = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => receiver.once('listening', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      await new Promise((resolve) => receiver.close(resolve));
    });

    const shipmentsQuery = `query($filter: ShipmentFilterType) { shipments { all(filter: $filter) { edges { node {
      id reference status packages_count carrier { code name } carrier_service { code } } } } } }`;
    const packagesQuery = `query($filter: PackageFilterType) { packages { all(filter: $filter) { edges { node {
      id tracking_number shipment { id reference } } } } } }`;

    it('dispatches in full: shipment, package with tracking, COMPLETED, stock consumed, webhook with X-ClarusWMS-* headers', async () => {
      const [sku1] = seedCatalogue();
      const [service] = sim.seedCarrierServices([
        { code: 'NEXT', name: 'Next Day', carrierCode: 'DPD', carrierName: 'DPD' },
      ]);
      sim.configureWebhooks({ dispatchUrl: `${receiverUrl}/clarus/webhooks/dispatch?token=s3cret` });
      const { id } = await createGoodsOut(
        { carrier_service_id: service?.id, external_system_reference1: 'ct-1' },
        [{ product_id: sku1, order_quantity: 3 }],
      );

      const result = await sim.dispatch(id);
      expect(result.webhookStatus).toBe(202);
      expect(result.shipments).toHaveLength(1);
      expect(result.shipments[0]?.packages[0]?.tracking_number).toMatch(/^DPD\d{10}$/);

      expect(received).toHaveLength(1);
      expect(received[0]?.query).toEqual({ token: 's3cret' });
      expect(received[0]?.headers).toMatchObject({
        'x-claruswms-subdomain': 'acme',
        'x-claruswms-domain': expect.any(String),
        'x-claruswms-api-domain': expect.any(String),
        'x-claruswms-automation-id': expect.any(String),
        'x-claruswms-integration-id': expect.any(String),
      });
      expect(received[0]?.body).toMatchObject({
        data: {
          id,
          type: 'goods_outs',
          attributes: {
            reference: 'SO-001',
            external_system_reference1: 'ct-1',
            goods_out_status: { code: 'COMPLETED' },
          },
        },
      });

      const shipments = await client.gql(shipmentsQuery, { filter: { goods_out_id: { eq: String(id) } } });
      const shipment = shipments.data?.shipments?.all.edges[0]?.node;
      expect(shipment).toMatchObject({
        status: 'dispatched',
        packages_count: 1,
        carrier: { code: 'DPD', name: 'DPD' },
        carrier_service: { code: 'NEXT' },
      });
      const packages = await client.gql(packagesQuery, { filter: { shipment_id: { eq: shipment?.id } } });
      expect(packages.data?.packages?.all.edges[0]?.node).toMatchObject({
        tracking_number: result.shipments[0]?.packages[0]?.tracking_number,
        shipment: { id: shipment?.id, reference: shipment?.reference },
      });
      const lines = await client.gql(LINES_QUERY, { filter: { goods_out_id: { eq: String(id) } } });
      expect(lines.data?.goods_out_lines?.all.edges[0]?.node).toMatchObject({
        dispatch_quantity: 3,
        order_quantity: 3,
      });
      expect(sim.goodsOuts()[0]?.status).toBe('COMPLETED');
      expect(sim.stockBalances().find((b) => b.product_code === 'SKU-1')).toMatchObject({
        available: 7,
        allocated: 0,
      });

      expect(await sim.fireDispatchWebhook(id)).toBe(202);
      expect(received).toHaveLength(2);
      expect(received[1]?.body).toEqual(received[0]?.body);
    });

    it('dispatches partially, labels a pending shipment before dispatch, and short-ships on complete', async () => {
      const [sku1, sku2] = seedCatalogue();
      sim.setStock([{ productCode: 'SKU-2', available: 5 }]);
      sim.configureWebhooks({ dispatchUrl: `${receiverUrl}/clarus/webhooks/dispatch?token=t` });
      const { id } = await createGoodsOut({}, [
        { product_id: sku1, order_quantity: 4 },
        { product_id: sku2, order_quantity: 2 },
      ]);

      const first = await sim.dispatch(id, {
        shipments: [
          { lines: [{ productCode: 'SKU-1', quantity: 1 }], packages: [{ tracking_number: 'TRACK-A' }] },
        ],
      });
      expect(first.shipments[0]?.packages.map((p) => p.tracking_number)).toEqual(['TRACK-A']);
      expect(sim.goodsOuts()[0]?.status).toBe('PICK');

      const labelled = await sim.dispatch(id, {
        shipments: [{ lines: [{ productCode: 'SKU-2', quantity: 2 }], packages: 2, status: 'pending' }],
        fireWebhook: false,
      });
      expect(labelled.webhookStatus).toBeUndefined();
      const pendingId = labelled.shipments[0]?.id as number;
      const pending = await client.gql(
        '{ shipments { all(filter: { status: { eq: "pending" } }) { edges { node { id packages_count } } } } }',
      );
      expect(pending.data?.shipments?.all.edges.map((e) => e.node)).toEqual([
        { id: String(pendingId), packages_count: 2 },
      ]);
      expect(sim.goodsOuts()[0]?.lines.map((l) => l.dispatch_quantity)).toEqual([1, 0]);

      await sim.dispatchShipment(pendingId, { fireWebhook: false });
      expect(sim.goodsOuts()[0]?.lines.map((l) => l.dispatch_quantity)).toEqual([1, 2]);
      expect(sim.goodsOuts()[0]?.status).toBe('PICK');

      const last = await sim.dispatch(id, {
        shipments: [{ lines: [{ productCode: 'SKU-1', quantity: 2 }] }],
        complete: true,
      });
      expect(last.webhookStatus).toBe(202);
      const record = sim.goodsOuts()[0];
      expect(record?.status).toBe('COMPLETED');
      expect(record?.lines.map((l) => [l.dispatch_quantity, l.short_status])).toEqual([
        [3, 'short'],
        [2, ''],
      ]);
      expect(record?.shipments.map((s) => s.status)).toEqual(['dispatched', 'dispatched', 'dispatched']);
      // 10 on hand: 3 dispatched, the short unit released.
      expect(sim.stockBalances().find((b) => b.product_code === 'SKU-1')).toMatchObject({
        available: 7,
        allocated: 0,
      });
      await expect(sim.dispatch(id)).rejects.toThrow(/COMPLETED/);
    });

    it('re-labels a dispatched package (same id, new number; a carrier service swaps the shipment carrier)', async () => {
      const [sku1] = seedCatalogue();
      sim.seedCarrierServices([{ code: 'UPS-STD', carrierCode: 'UPS', carrierName: 'UPS Ltd' }]);
      sim.configureWebhooks({ dispatchUrl: `${receiverUrl}/clarus/webhooks/dispatch?token=t` });
      const { id } = await createGoodsOut({}, [{ product_id: sku1, order_quantity: 1 }]);
      const { shipments } = await sim.dispatch(id, { fireWebhook: false });
      const pkg = shipments[0]!.packages[0]!;

      const relabelled = await sim.relabelPackage(pkg.id, {
        trackingNumber: 'NEW-1',
        carrierServiceCode: 'UPS-STD',
      });
      expect(relabelled.webhookStatus).toBe(202);
      expect(relabelled.shipments[0]).toMatchObject({
        id: shipments[0]!.id,
        carrier: { code: 'UPS', name: 'UPS Ltd' },
        carrier_service: { code: 'UPS-STD' },
        packages: [{ id: pkg.id, tracking_number: 'NEW-1' }],
      });
      const over = await fetch(`${sim.url}/__control/packages/${pkg.id}/relabel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trackingNumber: 'NEW-2', fireWebhook: false }),
      });
      expect(over.status).toBe(200);
      expect(sim.goodsOuts()[0]?.shipments[0]?.packages.map((p) => [p.id, p.tracking_number])).toEqual([
        [pkg.id, 'NEW-2'],
      ]);
      await expect(sim.relabelPackage(999_999, { trackingNumber: 'X' })).rejects.toThrow(/unknown package/);
    });

    it('sends a stock adjustment webhook with the product code', async () => {
      seedCatalogue();
      sim.configureWebhooks({ stockUrl: `${receiverUrl}/clarus/webhooks/stock?token=t` });
      await sim.adjustStock('SKU-2', -1);
      await sim.adjustStock('SKU-1', 5, { fireWebhook: false });
      expect(received).toHaveLength(1);
      expect(received[0]?.body).toMatchObject({
        data: {
          type: 'stock_adjustments',
          attributes: { product_code: 'SKU-2', quantity: -1, warehouse_id: 1, adjustment_type: 'negative' },
        },
      });
      expect(received[0]?.headers['x-claruswms-subdomain']).toBe('acme');
      expect(sim.stockBalances().map((b) => [b.product_code, b.available])).toEqual([
        ['SKU-1', 15],
        ['SKU-2', 0],
      ]);
    });

    it('reports status 0 when the webhook receiver is unreachable', async () => {
      const [sku1] = seedCatalogue();
      const { id } = await createGoodsOut({}, [{ product_id: sku1, order_quantity: 1 }]);
      // Port 1 is privileged and unused: the connection is refused.
      sim.configureWebhooks({ dispatchUrl: 'http://127.0.0.1:1/clarus/webhooks/dispatch?token=t' });
      expect((await sim.dispatch(id)).webhookStatus).toBe(0);
    });
  });

  describe('faults', () => {
    const products = () => client.gql('{ products { all { edges { node { id } } } } }');

    it('rate_limit: 429 with Retry-After and the documented error body, for the next N matching requests', async () => {
      sim.injectFault({ kind: 'rate_limit', count: 2, retryAfterSeconds: 7, match: { path: '/graphql' } });
      const res = await fetch(`${sim.url}/graphql`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${client.token}`,
          'x-clarus-subdomain': 'acme',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ query: '{ products { all { edges { node { id } } } } }' }),
      });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({
        errors: [
          {
            code: 429,
            symbol: 'rate_limit_exceeded',
            details: expect.any(String),
            source: null,
            context: { retry_after_seconds: 7 },
          },
        ],
      });
      expect((await client.rest('POST', '/api/goods_outs', {})).status).toBe(422); // path does not match
      expect((await products()).status).toBe(429);
      expect((await products()).status).toBe(200);
    });

    it('leaves /oauth/token alone unless the fault targets it', async () => {
      sim.injectFault({ kind: 'rate_limit' });
      await expect(fetchToken(sim)).resolves.toEqual(expect.any(String));
      sim.clearFaults();
      sim.injectFault({ kind: 'server_error', count: 1, match: { path: '/oauth/token' } });
      const res = await fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(500);
    });

    it('server_error every Nth matching request, deterministically', async () => {
      sim.injectFault({
        kind: 'server_error',
        every: 3,
        status: 503,
        match: { method: 'post', path: '/graphql' },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) statuses.push((await products()).status);
      expect(statuses).toEqual([200, 200, 503, 200, 200, 503, 200]);
    });

    it('latency delays the matching request only', async () => {
      sim.injectFault({ kind: 'latency', ms: 300, count: 1 });
      const started = performance.now();
      expect((await products()).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect((await products()).status).toBe(200);
      expect(sim.requests.slice(-2).map((r) => r.fault)).toEqual(['latency', undefined]);
    });

    it('hang accepts the request and never answers until cleared', async () => {
      sim.injectFault({ kind: 'hang', count: 1 });
      const hung = client.gql('{ products { all { edges { node { id } } } } }', undefined, {
        signal: AbortSignal.timeout(200),
      });
      await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(sim.requests.at(-1)).toMatchObject({ path: '/graphql', fault: 'hang' });
      expect(sim.requests.at(-1)?.status).toBeUndefined();
      expect((await products()).status).toBe(200);
    });

    it('drop destroys the connection without a response', async () => {
      sim.injectFault({ kind: 'drop', count: 1, match: { path: '/api/goods_outs' } });
      await expect(client.rest('POST', '/api/goods_outs', {})).rejects.toThrow(/fetch failed/);
      expect((await client.rest('POST', '/api/goods_outs', {})).status).toBe(422);
      const [dropped, answered] = sim.requests.slice(-2);
      expect(dropped).toMatchObject({ path: '/api/goods_outs', fault: 'drop' });
      expect(dropped?.status).toBeUndefined();
      expect(answered).toMatchObject({ path: '/api/goods_outs', status: 422 });
    });

    it('clearFaults releases hung requests and close() does not wait for them', async () => {
      sim.injectFault({ kind: 'hang' });
      const hung = products();
      await waitFor(() => sim.requests.some((r) => r.fault === 'hang'));
      sim.clearFaults();
      await expect(hung).rejects.toThrow();
      sim.injectFault({ kind: 'hang' });
      const another = products().catch((e: unknown) => e);
      await waitFor(() => sim.requests.filter((r) => r.fault === 'hang').length === 2);
      await sim.close();
      expect(await another).toMatchObject({ message: 'fetch failed' });
      sim = await startClarusSimulator(); // afterEach closes it
    });
  });

  describe('request log and control routes', () => {
    it('records method, path, query, lower-cased headers, body and status; control routes excluded', async () => {
      sim.resetRequests();
      await client.rest(
        'POST',
        '/api/goods_outs?x=1',
        { data: { type: 'goods_outs', attributes: {} } },
        { 'X-Custom': 'v' },
      );
      await fetch(`${sim.url}/__control/goods-outs`);
      expect(sim.requests).toEqual([
        {
          method: 'POST',
          path: '/api/goods_outs',
          query: { x: '1' },
          headers: expect.objectContaining({ 'x-custom': 'v', 'x-clarus-subdomain': 'acme' }),
          body: { data: { type: 'goods_outs', attributes: {} } },
          status: 422,
          at: clock,
        },
      ]);
      sim.resetRequests();
      expect(sim.requests).toEqual([]);
    });

    it('drives the simulator over HTTP', async () => {
      const control = (method: string, path: string, body?: unknown) =>
        fetch(`${sim.url}/__control${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const info = (await (await control('GET', '/info')).json()) as {
        clientSecret: string;
        defaultWarehouseId: number;
      };
      expect(info).toMatchObject({ clientSecret: 'sim-secret', defaultWarehouseId: 1 });
      const [product] = (await (await control('POST', '/products', [{ code: 'HTTP-1' }])).json()) as {
        id: number;
      }[];
      expect((await control('POST', '/stock', [{ productCode: 'HTTP-1', available: 2 }])).status).toBe(204);
      const { id } = await createGoodsOut({}, [{ product_id: product?.id, order_quantity: 2 }]);
      const dispatched = await control('POST', `/goods-outs/${id}/dispatch`, { fireWebhook: false });
      expect(dispatched.status).toBe(200);
      expect(((await dispatched.json()) as { shipments: unknown[] }).shipments).toHaveLength(1);
      expect((await control('POST', '/faults', { kind: 'rate_limit', count: 1 })).status).toBe(204);
      expect((await client.gql('{ warehouses { all { edges { node { id } } } } }')).status).toBe(429);
      expect((await control('POST', '/faults', { kind: 'bogus' })).status).toBe(400);
      expect((await control('POST', '/goods-outs/42/status', { code: 'PICK' })).status).toBe(404);
      expect((await control('POST', '/tokens/revoke')).status).toBe(204);
      expect((await client.gql('{ warehouses { all { edges { node { id } } } } }')).status).toBe(401);
      const log = (await (await control('GET', '/requests')).json()) as { path: string }[];
      expect(log.map((r) => r.path)).toContain('/graphql');
    });
  });
});

describe('Clarus simulator: a shared tenant (3PL) with two accounts', () => {
  let sim: ClarusSimulator;
  let client: Client;
  beforeAll(async () => {
    sim = await startClarusSimulator({ accountId: 1 });
    client = await clientFor(sim);
    sim.seedAccount({ id: 2, code: 'OTHER-CLIENT' });
    sim.seedProducts([{ code: 'SHARED-1' }]);
    sim.seedProducts([{ code: 'SHARED-1', accountId: 2 }]);
    sim.setStock([
      { productCode: 'SHARED-1', available: 5 },
      { productCode: 'SHARED-1', available: 70, accountId: 2 },
    ]);
    sim.seedGoodsOut({
      accountId: 2,
      reference: 'SO-SAME',
      lines: [{ productCode: 'SHARED-1', quantity: 1 }],
    });
    sim.seedGoodsOut({ reference: 'SO-SAME', lines: [{ productCode: 'SHARED-1', quantity: 1 }] });
  });
  afterAll(() => sim.close());

  const all = async (list: string, filterType: string, fields: string, filter: Record<string, unknown>) => {
    const result = await client.gql(
      `query($filter: ${filterType}) { ${list} { all(filter: $filter) { edges { node { ${fields} } } } } }`,
      { filter },
    );
    expect(result.errors).toBeUndefined();
    return result.data![list]!.all.edges.map((e) => e.node);
  };

  it('keeps a product code per account, with the same code in both', () => {
    const ids = sim.seedProducts([{ code: 'SHARED-1' }, { code: 'SHARED-1', accountId: 2 }]).map((p) => p.id);
    expect(new Set(ids).size).toBe(2);
    expect(() => sim.seedProducts([{ code: 'X', accountId: 9 }])).toThrow(/unknown account id 9/);
  });

  it('filters goods outs, lines, products and stock balances by the documented account_id', async () => {
    const goodsOuts = await all('goods_outs', 'GoodsOutsFilterType', 'id reference account { id code }', {
      reference: { eq: 'SO-SAME' },
    });
    expect(goodsOuts.map((g) => g.account)).toEqual([
      { id: '2', code: 'OTHER-CLIENT' },
      { id: '1', code: 'ACME' },
    ]);
    const ours = await all('goods_outs', 'GoodsOutsFilterType', 'id account { id }', {
      reference: { eq: 'SO-SAME' },
      account_id: { eq: '1' },
    });
    expect(ours.map((g) => g.account)).toEqual([{ id: '1' }]);

    const theirs = sim.goodsOuts().find((g) => g.attributes.account_id === 2)!;
    expect(
      await all('goods_out_lines', 'GoodsOutLineFilterType', 'id', {
        goods_out_id: { eq: String(theirs.id) },
        account_id: { eq: '1' },
      }),
    ).toEqual([]);

    const products = await all('products', 'ProductsFilterType', 'id code', {
      code: { eq: 'SHARED-1' },
      account_id: { eq: '1' },
    });
    expect(products).toEqual([
      { id: String(sim.seedProducts([{ code: 'SHARED-1' }])[0]!.id), code: 'SHARED-1' },
    ]);

    const balances = await all('stock_balances', 'StockBalancesFilterType', 'available account { id code }', {
      product_code: { eq: 'SHARED-1' },
    });
    expect(balances.map((b) => [b.account, b.available])).toEqual([
      [{ id: '1', code: 'ACME' }, 4], // 5 less the 1 allocated to account 1's SO-SAME
      [{ id: '2', code: 'OTHER-CLIENT' }, 69],
    ]);
  });

  it('seeds another account, its products, stock and goods outs over the control API', async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${sim.url}/__control${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(await (await control('/accounts', { id: 5, code: 'FIFTH' })).json()).toEqual({
      id: 5,
      code: 'FIFTH',
    });
    expect((await control('/products', [{ code: 'HTTP-ACC', accountId: 5 }])).status).toBe(200);
    expect((await control('/stock', [{ productCode: 'HTTP-ACC', available: 4, accountId: 5 }])).status).toBe(
      204,
    );
    const seeded = (await (
      await control('/goods-outs', {
        accountId: 5,
        reference: 'SO-FIFTH',
        lines: [{ productCode: 'HTTP-ACC', quantity: 3 }],
      })
    ).json()) as { attributes: { account_id: number }; status: string };
    expect(seeded).toMatchObject({ attributes: { account_id: 5 }, status: 'ALLOCATED' });
    expect(sim.stockBalances().find((b) => b.product_code === 'HTTP-ACC')).toMatchObject({
      account_id: 5,
      available: 1,
      allocated: 3,
    });
    expect((await control('/goods-outs', { accountId: 6, reference: 'X' })).status).toBe(400);
  });

  it('accepts a goods out for any account of the tenant, and refuses an unknown one', async () => {
    const res = await client.rest('POST', '/api/goods_outs', {
      data: {
        type: 'goods_outs',
        attributes: {
          goods_out_type: 'sales_order',
          account_id: 3,
          reference: 'SO-NOBODY',
          expected_date_of_dispatch: '2030-01-20T10:00:00Z',
        },
      },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain('account_not_found');
  });
});

describe('Clarus simulator: cursor_stall test fault', () => {
  let sim: ClarusSimulator;
  let client: Client;
  beforeAll(async () => {
    sim = await startClarusSimulator();
    client = await clientFor(sim);
    sim.seedProducts(Array.from({ length: 5 }, (_, i) => ({ code: `ST-${i}` })));
    sim.setStock(Array.from({ length: 5 }, (_, i) => ({ productCode: `ST-${i}`, available: i })));
  });
  afterAll(() => sim.close());

  const page = (list: string, filterType: string, after?: string) =>
    client.gql(
      `query($filter: ${filterType}, $first: Int, $after: String) { ${list} { all(filter: $filter, first: $first, after: $after) { edges { cursor node { __typename } } pageInfo { hasNextPage endCursor } } } }`,
      { first: 2, after },
    );

  it('answers a page asked for after a cursor with that same cursor, for the named list only', async () => {
    sim.injectFault({ kind: 'cursor_stall', list: 'stock_balances', count: 1 });
    const first = await page('stock_balances', 'StockBalancesFilterType');
    const cursor = first.data!.stock_balances!.all.pageInfo.endCursor!;
    expect(first.data!.stock_balances!.all.pageInfo.hasNextPage).toBe(true);
    // Another list is not touched.
    const products = await page('products', 'ProductsFilterType', cursor);
    expect(products.data!.products!.all.pageInfo.endCursor).not.toBe(cursor);

    const stalled = await page('stock_balances', 'StockBalancesFilterType', cursor);
    expect(stalled.data!.stock_balances!.all.pageInfo).toEqual({ hasNextPage: true, endCursor: cursor });
    expect(sim.requests.at(-1)?.fault).toBe('cursor_stall');

    // count: 1 — the next page advances again.
    const next = await page('stock_balances', 'StockBalancesFilterType', cursor);
    expect(next.data!.stock_balances!.all.pageInfo.endCursor).not.toBe(cursor);
  });
});

/** Polls a condition the simulator sets on arrival of a request, rather than sleeping a fixed time. */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
