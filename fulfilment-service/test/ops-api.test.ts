import { Writable } from 'node:stream';
import type { ShippingMethod } from '@commercetools/platform-sdk';
import {
  ensureClarusChannel,
  createClarusClient,
  createIntegration,
  createLogger,
  EXCEPTION_CSV_COLUMNS,
  type ExceptionRecord,
  type Integration,
} from '@clarus-connector/core';
import {
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';

const OPS_TOKEN = 'test-ops-token-456';
const AUTH = { Authorization: `Bearer ${OPS_TOKEN}` };
const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
};

let world: TestWorld;
let nextDay: ShippingMethod;
let express: ShippingMethod;

/** The fulfilment-service wired as in production, over the emulators (quick Clarus retries). */
function service(env: Record<string, string> = SETTINGS): {
  integration: Integration;
  app: ReturnType<typeof createApp>;
} {
  const config = world.config(env);
  const logger = createLogger({
    service: 'ops-test',
    level: config.logLevel,
    stream: process.env.LOG_LEVEL ? undefined : new Writable({ write: (_c, _e, done) => done() }),
  });
  const clarus = createClarusClient({
    config: config.clarus,
    logger,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  const integration = createIntegration({ config, logger, clarus, alertWindowMs: 0 });
  return { integration, app: createApp(integration) };
}

beforeAll(async () => {
  world = await startTestWorld();
  // post-deploy creates the channel at installation; orders before it are out of scope.
  await ensureClarusChannel(world.api);
  await seedProducts(world.api, [{ sku: 'MUG-1' }]);
  [nextDay, express] = (await seedShippingMethods(world.api, ['next-day', 'express'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  world.clarus.seedProducts([{ code: 'MUG-1' }]);
  world.clarus.seedCarrierServices([
    { code: 'DPD-NEXT', carrierCode: 'DPD' },
    { code: 'DPD-EXPRESS', carrierCode: 'DPD' },
  ]);
  world.clarus.setStock([{ productCode: 'MUG-1', available: 100 }]);
});

beforeEach(() => world.clarus.clearFaults());

afterAll(async () => {
  await world?.close();
});

/** RFC 4180 parsing (quoted fields, doubled quotes, CRLF), enough to read back what the API wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('operations API: authentication', () => {
  it.each([
    ['GET', '/ops/health'],
    ['GET', '/ops/exceptions'],
    ['GET', '/ops/exceptions.csv'],
    ['POST', '/ops/orders/00000000-0000-4000-8000-000000000000/resend'],
    ['POST', '/ops/exceptions/some-key/resolve'],
    ['GET', '/ops/anything-else'],
  ])('%s %s answers 401 without the bearer token, or with a wrong one', async (method, path) => {
    const { app } = service();
    const call = () => (method === 'GET' ? request(app).get(path) : request(app).post(path));
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.stringMatching(/Bearer/) });
    expect((await call().set('Authorization', `Bearer ${OPS_TOKEN}x`)).status).toBe(401);
    expect((await call().set('Authorization', OPS_TOKEN)).status).toBe(401);
    expect((await call().query({ token: OPS_TOKEN })).status).toBe(401);
  });

  it('answers an unknown operations path with a JSON 404 once authenticated', async () => {
    const res = await request(service().app).get('/ops/nothing').set(AUTH);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('operations API: exceptions as JSON and CSV', () => {
  let integration: Integration;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    ({ integration, app } = service());
    await integration.exceptions.raise({
      kind: 'stock-drift',
      entity: { type: 'sku', id: 'MUG-1', sku: 'MUG-1' },
      message: 'SKU MUG-1 differs: web-uk: commercetools 7, Clarus 10 (-3); "quoted", and a\nsecond line.',
    });
    await integration.exceptions.raise({
      kind: 'order-validation-failed',
      entity: { type: 'order', id: 'order-ops-1', orderNumber: '=HYPERLINK("http://evil")' },
      message: '-2 units, @handle, +formula',
    });
    await integration.exceptions.raise({
      kind: 'fulfilment-stuck',
      entity: { type: 'order', id: 'order-ops-2', orderNumber: 'SO-2' },
      message: 'Order SO-2 reached Clarus 4 days ago and is not dispatched.',
    });
    const resolved = await integration.exceptions.raise({
      kind: 'master-data-drift',
      entity: { type: 'sku', id: 'CAP-9', sku: 'CAP-9' },
      message: 'SKU CAP-9: barcode mismatch',
    });
    await integration.exceptions.resolveByKey(resolved.record.key);
  });

  it('lists the same exceptions, in the same order, as JSON and as CSV (by Accept or by .csv)', async () => {
    const json = await request(app).get('/ops/exceptions').set(AUTH);
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    const records = json.body.exceptions as ExceptionRecord[];
    expect(json.body.count).toBe(records.length);
    expect(records.length).toBeGreaterThanOrEqual(4);

    const byAccept = await request(app).get('/ops/exceptions').set(AUTH).set('Accept', 'text/csv');
    const byPath = await request(app).get('/ops/exceptions.csv').set(AUTH);
    for (const csv of [byAccept, byPath]) {
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(csv.headers['content-disposition']).toMatch(/attachment; filename="clarus-exceptions.csv"/);
    }
    expect(byAccept.text).toBe(byPath.text);
    expect(byPath.text.startsWith('\uFEFF')).toBe(true);
    expect(byPath.text.endsWith('\r\n')).toBe(true);

    const [header, ...rows] = parseCsv(byPath.text.slice(1));
    expect(header).toEqual([...EXCEPTION_CSV_COLUMNS]);
    expect(rows).toHaveLength(records.length);
    const unguard = (cell: string) => (/^'[=+\-@]/.test(cell) ? cell.slice(1) : cell);
    rows.forEach((row, i) => {
      const r = records[i]!;
      expect(row.map(unguard)).toEqual([
        r.key,
        r.kind,
        r.team,
        r.status,
        r.entity.type,
        r.entity.id,
        r.entity.orderNumber ?? '',
        r.entity.sku ?? (r.entity.type === 'sku' ? r.entity.id : ''),
        r.message,
        r.action,
        String(r.count),
        r.firstSeenAt,
        r.lastSeenAt,
        r.resolvedAt ?? '',
      ]);
    });
    // Formula injection: cells starting with = + - @ are prefixed with a quote.
    const injected = rows.find((row) => row[5] === 'order-ops-1')!;
    expect(injected[6]).toBe(`'=HYPERLINK("http://evil")`);
    expect(injected[8]).toBe(`'-2 units, @handle, +formula`);
    // The multi-line, quoted message survives quoting intact.
    expect(rows.find((row) => row[5] === 'MUG-1')![8]).toContain('"quoted", and a\nsecond line.');
  });

  it('filters by team, kind and status, identically in JSON and CSV', async () => {
    const finance = await request(app).get('/ops/exceptions').query({ team: 'finance' }).set(AUTH);
    expect((finance.body.exceptions as ExceptionRecord[]).every((e) => e.team === 'finance')).toBe(true);
    expect((finance.body.exceptions as ExceptionRecord[]).map((e) => e.entity.id)).toContain('MUG-1');

    const stuck = await request(app)
      .get('/ops/exceptions')
      .query({ kind: 'fulfilment-stuck', status: 'open' })
      .set(AUTH);
    expect((stuck.body.exceptions as ExceptionRecord[]).map((e) => e.entity.id)).toEqual(['order-ops-2']);
    const stuckCsv = await request(app)
      .get('/ops/exceptions.csv')
      .query({ kind: 'fulfilment-stuck', status: 'open' })
      .set(AUTH);
    expect(
      parseCsv(stuckCsv.text.slice(1))
        .slice(1)
        .map((row) => row[5]),
    ).toEqual(['order-ops-2']);

    const resolved = await request(app).get('/ops/exceptions').query({ status: 'resolved' }).set(AUTH);
    const ids = (resolved.body.exceptions as ExceptionRecord[]).map((e) => e.entity.id);
    expect(ids).toContain('CAP-9');
    expect(ids).not.toContain('MUG-1');
  });

  it.each([
    ['team', 'marketing'],
    ['kind', 'not-a-kind'],
    ['status', 'closed'],
  ])('answers 400 naming the parameter for an unknown %s', async (parameter, value) => {
    for (const path of ['/ops/exceptions', '/ops/exceptions.csv']) {
      const res = await request(app)
        .get(path)
        .query({ [parameter]: value })
        .set(AUTH);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_query', parameter });
      expect(res.body.message).toMatch(new RegExp(`^${parameter} must be one of`));
    }
    const repeated = await request(app).get(`/ops/exceptions?${parameter}=a&${parameter}=b`).set(AUTH);
    expect(repeated.status).toBe(400);
    expect(repeated.body.parameter).toBe(parameter);
  });

  it('resolves an exception by key; unknown or malformed keys are 404 with a reason', async () => {
    const [stuck] = await integration.exceptions.list({ kind: 'fulfilment-stuck', status: 'open' });
    const path = `/ops/exceptions/${encodeURIComponent(stuck!.key)}`;
    expect((await request(app).get(path).set(AUTH)).body).toMatchObject({ key: stuck!.key, status: 'open' });

    const res = await request(app).post(`${path}/resolve`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resolved: true, exception: { key: stuck!.key, status: 'resolved' } });
    expect(res.body.exception.resolvedAt).toEqual(expect.any(String));
    const again = await request(app).post(`${path}/resolve`).set(AUTH);
    expect(again.status).toBe(200);
    expect(again.body.resolved).toBe(false);

    for (const key of ['no-such-exception', 'bad key with spaces', 'x'.repeat(300)]) {
      const missing = await request(app)
        .post(`/ops/exceptions/${encodeURIComponent(key)}/resolve`)
        .set(AUTH);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({
        error: 'exception_not_found',
        message: expect.stringMatching(/no exception/),
      });
    }
    expect((await request(app).get('/ops/exceptions/no-such-exception').set(AUTH)).status).toBe(404);
  });
});

describe('operations API: resend', () => {
  it('exports the order after its shipping-method mapping is fixed, and resolves its exception', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'RESEND-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: express,
    });
    // Before the fix: "express" is not mapped.
    const before = service();
    const first = await request(before.app).post(`/ops/orders/${order.id}/resend`).set(AUTH);
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('invalid');
    expect(JSON.stringify(first.body.problems)).toMatch(/express/);
    const [exception] = (
      await before.integration.exceptions.list({ kind: 'shipping-method-unmapped', status: 'open' })
    ).filter((e) => e.entity.id === order.id);
    expect(exception).toBeDefined();

    // The merchant adds the mapping (configuration is read at start-up: a new deployment), then resends.
    const after = service({
      ...SETTINGS,
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT', express: 'DPD-EXPRESS' }),
    });
    const res = await request(after.app).post(`/ops/orders/${order.id}/resend`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'exported', orderId: order.id });
    const goodsOuts = world.clarus.goodsOuts().filter((g) => g.attributes.reference === 'RESEND-1');
    expect(goodsOuts).toHaveLength(1);
    expect(res.body.goodsOuts).toEqual({ 'RESEND-1': goodsOuts[0]!.id });
    expect((await after.integration.exceptions.get(exception!.key))?.status).toBe('resolved');

    // A second resend, by order number this time, sends nothing new.
    const again = await request(after.app).post('/ops/orders/RESEND-1/resend').set(AUTH);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('already_exported');
    expect(world.clarus.goodsOuts().filter((g) => g.attributes.reference === 'RESEND-1')).toHaveLength(1);
  });

  it('answers 404 for an order that does not exist, by id or by number', async () => {
    const { app } = service();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'NO-SUCH-ORDER']) {
      const res = await request(app).post(`/ops/orders/${id}/resend`).set(AUTH);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        error: 'order_not_found',
        message: expect.stringMatching(/not found|no order/),
      });
    }
  });

  it('answers 409 while another export holds the order, and 503 while Clarus fails', async () => {
    const { integration, app } = service();
    const busy = await importOrder(world.api, {
      orderNumber: 'RESEND-BUSY',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const claim = await integration.claims.acquire(busy);
    expect(claim.kind).toBe('acquired');
    const res = await request(app).post(`/ops/orders/${busy.id}/resend`).set(AUTH);
    expect(res.status).toBe(409);
    expect(res.body.outcome).toBe('in_progress');

    const failing = await importOrder(world.api, {
      orderNumber: 'RESEND-503',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    world.clarus.injectFault({ kind: 'server_error', status: 503 });
    const unavailable = await request(app).post(`/ops/orders/${failing.id}/resend`).set(AUTH);
    world.clarus.clearFaults();
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.outcome).toBe('retry_later');
    expect(world.clarus.goodsOuts().filter((g) => g.attributes.reference === 'RESEND-503')).toHaveLength(0);
  });
});
