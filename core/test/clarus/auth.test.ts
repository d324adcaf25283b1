import { startClarusSimulator } from '@clarus-connector/sandbox';
import { ClarusUnauthorisedError } from '@clarus-connector/core';
import { apiRequests, clientFor, tokenRequests, type Simulator } from './harness';

describe('Clarus client: OAuth client credentials and tenant header', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startClarusSimulator();
    sim.seedProducts([{ code: 'AUTH-1' }, { code: 'AUTH-2' }]);
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.clearFaults();
    sim.resetRequests();
  });

  it('fetches a token once (form-encoded client credentials) and reuses it across calls', async () => {
    const { client } = clientFor(sim);
    await client.findProductsByCodes(['AUTH-1']);
    await client.findProductsByCodes(['AUTH-2']);
    await client.listWarehouses();

    const tokens = tokenRequests(sim);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.method).toBe('POST');
    expect(String(tokens[0]?.headers['content-type'])).toContain('application/x-www-form-urlencoded');
    expect(tokens[0]?.body).toEqual({
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    });
    const bearers = new Set(apiRequests(sim).map((r) => r.headers.authorization));
    expect(apiRequests(sim)).toHaveLength(3);
    expect(bearers.size).toBe(1);
  });

  it('shares one token request between concurrent callers (single flight)', async () => {
    const { client } = clientFor(sim);
    await Promise.all([
      client.findProductsByCodes(['AUTH-1']),
      client.findProductsByCodes(['AUTH-2']),
      client.listWarehouses(),
      client.listShipments(1),
    ]);
    expect(tokenRequests(sim)).toHaveLength(1);
    expect(apiRequests(sim)).toHaveLength(4);
  });

  it('refreshes the token shortly before expires_in runs out', async () => {
    let clock = Date.now();
    const { client } = clientFor(sim, {}, { now: () => clock });
    await client.listWarehouses();
    expect(tokenRequests(sim)).toHaveLength(1);

    // Default simulator TTL is 7200 s; the client refreshes within the last minute.
    clock += (7200 - 90) * 1000;
    await client.listWarehouses();
    expect(tokenRequests(sim)).toHaveLength(1);

    clock += 60 * 1000; // 30 s before expiry
    await client.listWarehouses();
    expect(tokenRequests(sim)).toHaveLength(2);
    const [first, , third] = apiRequests(sim).map((r) => r.headers.authorization);
    expect(third).not.toBe(first);
  });

  it('on a 401 refreshes once and repeats the call, which then succeeds', async () => {
    const { client } = clientFor(sim);
    await client.listWarehouses();
    sim.revokeTokens();
    sim.resetRequests();

    const products = await client.findProductsByCodes(['AUTH-1']);
    expect(products.map((p) => p.code)).toEqual(['AUTH-1']);
    expect(sim.requests.map((r) => [r.path, r.status])).toEqual([
      ['/graphql', 401],
      ['/oauth/token', 200],
      ['/graphql', 200],
    ]);
  });

  it('surfaces ClarusUnauthorisedError for bad credentials, without the secret in the message', async () => {
    const { client, logs } = clientFor(sim, { clientSecret: 'wrong-secret-value' });
    const error = await client.listWarehouses().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusUnauthorisedError);
    expect((error as ClarusUnauthorisedError).retryable).toBe(false);
    expect(String((error as Error).message)).not.toContain('wrong-secret-value');
    expect(logs.text()).not.toContain('wrong-secret-value');
    expect(apiRequests(sim)).toHaveLength(0);
  });

  it('sends X-Clarus-Subdomain on every request and the bearer token on every API request', async () => {
    const { client, logs } = clientFor(sim);
    const [product] = sim.seedProducts([{ code: 'AUTH-3' }]);
    const created = await client.createGoodsOut({
      attributes: {
        goods_out_type: 'sales_order',
        account_id: sim.accountId,
        reference: 'AUTH-SO-1',
        expected_date_of_dispatch: '2030-01-01T00:00:00Z',
        lines_changes: [{ type: 'ADD', attributes: { product_id: product!.id, order_quantity: 1 } }],
      },
      address: {
        name: 'Secret Person',
        address_1: '1 Private Road',
        email_address: 'secret.person@example.com',
      },
    });
    await client.listGoodsOutLines(created.id);
    await client.cancelGoodsOut(created.id);

    expect(sim.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of sim.requests) {
      expect(request.headers['x-clarus-subdomain']).toBe(sim.subdomain);
    }
    const tokens = new Set<string>();
    for (const request of apiRequests(sim)) {
      const auth = String(request.headers.authorization);
      expect(auth).toMatch(/^Bearer \S+$/);
      tokens.add(auth.slice('Bearer '.length));
    }
    // Logs: one debug line per request, never a token, a secret or personal data.
    const requestLines = logs.lines.filter((l) => l.message === 'clarus request');
    expect(requestLines.length).toBe(sim.requests.length);
    expect(requestLines[0]).toEqual(
      expect.objectContaining({ method: 'POST', path: '/oauth/token', status: 200, attempt: 1 }),
    );
    expect(typeof requestLines[0]?.durationMs).toBe('number');
    const text = logs.text();
    for (const token of tokens) expect(text).not.toContain(token);
    for (const secret of [sim.clientSecret, 'Secret Person', 'Private Road', 'secret.person']) {
      expect(text).not.toContain(secret);
    }
  });
});
