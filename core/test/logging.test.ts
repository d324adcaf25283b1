import { PassThrough } from 'node:stream';
import { createLogger, currentCorrelationId, redact, REDACTED, withLogContext, type Logger } from '../src';

const SECRET = 'ctp-s3cret-0f9a2b';

/** A logger writing into memory; `lines()` waits for winston to flush and returns the raw text and parsed lines. */
function capture(options: { level?: string; secrets?: string[] } = {}) {
  const stream = new PassThrough();
  let raw = '';
  stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  const logger: Logger = createLogger({ service: 'test-service', stream, secrets: [SECRET], ...options });
  return {
    logger,
    async lines() {
      await new Promise((resolve) => setImmediate(resolve));
      const parsed = raw
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return { raw, parsed };
    },
  };
}

describe('createLogger', () => {
  it('writes one JSON line per event with a Cloud Logging severity, the service and a timestamp', async () => {
    const { logger, lines } = capture({ level: 'debug' });
    logger.info('order exported', { orderId: 'o-1', sku: 'SKU-1' });
    logger.warn('clarus throttled');
    logger.error('export failed');
    logger.debug('details');
    const { parsed } = await lines();
    expect(parsed.map((l) => [l.message, l.severity])).toEqual([
      ['order exported', 'INFO'],
      ['clarus throttled', 'WARNING'],
      ['export failed', 'ERROR'],
      ['details', 'DEBUG'],
    ]);
    expect(parsed[0]).toMatchObject({ service: 'test-service', orderId: 'o-1', sku: 'SKU-1' });
    expect(Date.parse(String(parsed[0]?.timestamp))).not.toBeNaN();
  });

  it('drops lines below the configured level', async () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.info('not shown');
    logger.warn('shown');
    expect((await lines()).parsed.map((l) => l.message)).toEqual(['shown']);
  });

  it('does not format (redact, serialise) a line below the level: a debug line costs nothing at info', async () => {
    const { logger, lines } = capture({ level: 'info' });
    let read = 0;
    const nested = {
      get probe() {
        read += 1; // only the formatting (redaction walks nested fields) reads this
        return 1;
      },
    };
    logger.debug('per-request detail', { nested });
    expect(read).toBe(0);
    logger.info('shown', { nested });
    expect(read).toBe(1);
    expect((await lines()).parsed).toEqual([
      expect.objectContaining({ message: 'shown', nested: { probe: 1 } }),
    ]);
  });

  it('adds the correlation id (and context fields) of withLogContext to every line, across awaits', async () => {
    const { logger, lines } = capture();
    await withLogContext({ correlationId: 'corr-123', orderId: 'o-9' }, async () => {
      logger.info('first');
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info('after await');
      withLogContext({ sku: 'SKU-2' }, () => logger.info('nested'));
    });
    logger.info('outside');
    const { parsed } = await lines();
    expect(parsed.map((l) => [l.message, l.correlationId, l.orderId])).toEqual([
      ['first', 'corr-123', 'o-9'],
      ['after await', 'corr-123', 'o-9'],
      ['nested', 'corr-123', 'o-9'],
      ['outside', undefined, undefined],
    ]);
    expect(parsed[2]?.sku).toBe('SKU-2');
  });

  it('makes up a correlation id when none is given', () => {
    const seen = withLogContext({}, () => currentCorrelationId());
    expect(seen).toMatch(/^[0-9a-f-]{36}$/);
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('never writes a configured secret, a bearer token, an email or personal data', async () => {
    const { logger, lines } = capture();
    const order = {
      id: 'order-id-1',
      orderNumber: 'ON-1001',
      customerEmail: 'jane.doe@example.com',
      shippingAddress: {
        firstName: 'Jane',
        lastName: 'Doe',
        streetName: 'Acacia Avenue',
        streetNumber: '22',
        postalCode: 'M1 2AB',
        city: 'Manchester',
        country: 'GB',
        email: 'jane.doe@example.com',
        phone: '+44 20 7946 0958',
      },
      lineItems: [{ sku: 'SKU-1', quantity: 2 }],
    };
    withLogContext({ correlationId: 'corr-pii' }, () => {
      logger.info(`calling Clarus with client secret ${SECRET}`, { order });
      logger.error('Clarus answered 401', {
        request: { headers: { Authorization: 'Bearer eyJhbGciOi.payload.signature' } },
        note: `retry with Bearer abc.def-ghi and secret=${SECRET}`,
      });
      logger.warn('customer jane.doe@example.com asked to cancel', {
        address: { name: 'Jane Doe', address_1: '22 Acacia Avenue', email_address: 'jane.doe@example.com' },
        clarus: { phone_number: '+44 20 7946 0958', accessToken: 'opaque-access-token-value' },
        url: new URL(`https://connector.example.com/clarus/webhooks/dispatch?token=hook-token-value`),
      });
      logger.error('unexpected', { error: new Error(`failed for jane.doe@example.com using ${SECRET}`) });
    });
    const { raw, parsed } = await lines();
    for (const forbidden of [
      SECRET,
      'eyJhbGciOi',
      'abc.def-ghi',
      'opaque-access-token-value',
      'hook-token-value',
      'jane.doe@example.com',
      'Jane',
      'Doe',
      'Acacia',
      'M1 2AB',
      'Manchester',
      '7946',
    ]) {
      expect({ forbidden, found: raw.includes(forbidden) }).toEqual({ forbidden, found: false });
    }
    // What is needed to act stays: ids, numbers, SKUs, quantities, the correlation id.
    expect(parsed[0]).toMatchObject({
      message: `calling Clarus with client secret ${REDACTED}`,
      correlationId: 'corr-pii',
      order: {
        id: 'order-id-1',
        orderNumber: 'ON-1001',
        customerEmail: REDACTED,
        shippingAddress: REDACTED,
        lineItems: [{ sku: 'SKU-1', quantity: 2 }],
      },
    });
    expect(parsed[3]).toMatchObject({ severity: 'ERROR', error: { name: 'Error' } });
  });
});

describe('redact', () => {
  it('redacts personal fields at any depth and inside arrays, without touching the input', () => {
    const input = {
      orders: [
        { id: 'o-1', billingAddress: { streetName: 'High St' }, shipping: [{ address: { city: 'Leeds' } }] },
      ],
    };
    const copy = structuredClone(input);
    expect(redact(input)).toEqual({
      orders: [{ id: 'o-1', billingAddress: REDACTED, shipping: [{ address: REDACTED }] }],
    });
    expect(input).toEqual(copy);
  });

  it('redacts credentials by key name, whatever the spelling', () => {
    expect(
      redact({
        clientSecret: 'a',
        CLARUS_CLIENT_SECRET: 'b',
        webhookToken: 'c',
        refresh_token: 'd',
        'x-api-key': 'e',
        password: 'f',
      }),
    ).toEqual({
      clientSecret: REDACTED,
      CLARUS_CLIENT_SECRET: REDACTED,
      webhookToken: REDACTED,
      refresh_token: REDACTED,
      'x-api-key': REDACTED,
      password: REDACTED,
    });
  });

  it('keeps dates and URLs readable instead of logging them as {}', () => {
    expect(
      redact({ at: new Date('2025-01-02T03:04:05.000Z'), url: new URL('https://clarus-api.com/graphql') }),
    ).toEqual({
      at: '2025-01-02T03:04:05.000Z',
      url: 'https://clarus-api.com/graphql',
    });
  });

  it('cuts off very deep structures instead of walking them forever', () => {
    type Nested = { next?: Nested; sku: string };
    let deep: Nested = { sku: 'leaf' };
    for (let i = 0; i < 20; i++) deep = { next: deep, sku: `n${i}` };
    expect(JSON.stringify(redact(deep))).toContain('[truncated]');
  });
});
