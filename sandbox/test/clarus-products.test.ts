import { startClarusSimulator, type ClarusSimulator } from '../src';

/* The simulator's product writes over real HTTP: the 422s clarus-api.json documents (ProductAttributes). */

/** The parts of the simulator's answers these tests read. */
interface Answer {
  data: { id: number; type: string; attributes: Record<string, unknown> };
  errors?: { symbol: string; context: { attribute: string } }[];
  account_id?: number;
  product_id?: number;
}

let sim: ClarusSimulator;
let token: string;

const rest = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'x-clarus-subdomain': sim.subdomain,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as Answer };
};
const product = (attributes: Record<string, unknown>) => ({ data: { type: 'products', attributes } });
const symbols = (json: Answer) => (json.errors ?? []).map((e) => `${e.symbol}:${e.context.attribute}`);

beforeAll(async () => {
  sim = await startClarusSimulator();
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(async () => sim?.close());

it('creates a product (200, {data:{id, type, attributes}}), unassigned until account_products', async () => {
  const created = await rest(
    'POST',
    '/products',
    product({ code: 'SIM-1', description: 'Mug', stock_unit_type_id: 1 }),
  );
  expect(created.status).toBe(200);
  expect(created.json.data).toMatchObject({
    type: 'products',
    attributes: { code: 'SIM-1', description: 'Mug' },
  });
  const id = created.json.data.id as number;
  expect(sim.products().find((p) => p.id === id)?.account_id).toBeNull();
  const assigned = await rest('POST', `/products/${id}/account_products`, {
    data: { type: 'account_products', attributes: { account_id: sim.accountId } },
  });
  expect(assigned).toMatchObject({ status: 200, json: { account_id: sim.accountId, product_id: id } });
  expect(sim.products().find((p) => p.id === id)?.account_id).toBe(sim.accountId);
});

it('answers 422 for a missing description and stock unit type, and a code over 50', async () => {
  const missing = await rest('POST', '/products', product({ code: 'SIM-2' }));
  expect(missing.status).toBe(422);
  expect(symbols(missing.json)).toEqual(['blank:description', 'blank:stock_unit_type_id']);
  const long = await rest(
    'POST',
    '/products',
    product({ code: 'C'.repeat(51), description: 'D'.repeat(151), stock_unit_type_id: 1 }),
  );
  expect(long.status).toBe(422);
  expect(symbols(long.json)).toEqual(['too_long:code', 'too_long:description']);
});

it('answers 422 for a code the account already holds (and codes repeat across accounts)', async () => {
  sim.seedAccount({ id: 77 });
  sim.seedProducts([{ code: 'SIM-DUP' }, { code: 'SIM-DUP', accountId: 77 }]);
  const created = await rest(
    'POST',
    '/products',
    product({ code: 'SIM-DUP', description: 'Dup', stock_unit_type_id: 1 }),
  );
  expect(created.status).toBe(200);
  const assign = await rest('POST', `/products/${created.json.data.id}/account_products`, {
    data: { type: 'account_products', attributes: { account_id: sim.accountId } },
  });
  expect(assign.status).toBe(422);
  expect(symbols(assign.json)).toEqual(['taken:code']);
  // A second unassigned product with the same code is refused too.
  const again = await rest(
    'POST',
    '/products',
    product({ code: 'SIM-DUP', description: 'Dup', stock_unit_type_id: 1 }),
  );
  expect(again.status).toBe(422);
});

it('patches only the attributes given, 404 for an unknown product, 422 for a blank description', async () => {
  const created = await rest(
    'POST',
    '/products',
    product({ code: 'SIM-3', description: 'Old', barcode: '123', stock_unit_type_id: 1 }),
  );
  const id = created.json.data.id as number;
  const patched = await rest('PATCH', `/products/${id}`, product({ description: 'New' }));
  expect(patched.status).toBe(200);
  expect(sim.products().find((p) => p.id === id)).toMatchObject({ description: 'New', barcode: '123' });
  expect((await rest('PATCH', '/products/999999', product({ description: 'x' }))).status).toBe(404);
  expect((await rest('PATCH', `/products/${id}`, product({ description: '' }))).status).toBe(422);
});
