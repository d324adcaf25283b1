import {
  ALERT_LISTED_MAX,
  alertMessage,
  createAlertSender,
  subjectOf,
  withAlerts,
  type ExceptionRecord,
  type ExceptionStore,
} from '../../src';
import { silentLogger } from '../../testing';

const record = (n: number, overrides: Partial<ExceptionRecord> = {}): ExceptionRecord => ({
  key: `order-validation-failed.order.o-${n}`,
  kind: 'order-validation-failed',
  team: 'ecommerce',
  entity: { type: 'order', id: `o-${n}`, orderNumber: `SO-${n}` },
  message: `Order SO-${n} was not sent to Clarus: (1) shipping method "pigeon" is not mapped.`,
  action: 'Fix every listed problem, then resend the order.',
  status: 'open',
  count: 1,
  firstSeenAt: '2030-01-01T00:00:00.000Z',
  lastSeenAt: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

/** A fetch that records the bodies it is given and answers with `status`. */
function recordingFetch(status = 200) {
  const bodies: { text: string; blocks: unknown[] }[] = [];
  const fetch = jest.fn(async (_url: unknown, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return new Response('ok', { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, bodies };
}

describe('alertMessage (pure)', () => {
  it('names kind, subject, owner and what to do for each exception, and counts per kind', () => {
    const message = alertMessage([
      record(1),
      record(2),
      record(3, {
        key: 'stock-drift.sku.MUG-1',
        kind: 'stock-drift',
        team: 'finance',
        entity: { type: 'sku', id: 'MUG-1', sku: 'MUG-1' },
        message: 'SKU MUG-1 differs <by> 3 & more',
        action: 'Check the adjustments.',
      }),
    ]);
    expect(message.text).toMatch(
      /^3 new Clarus connector exceptions: 2 order-validation-failed, 1 stock-drift\n/,
    );
    expect(message.text).toContain('• order-validation-failed — order SO-1 (id o-1) — owner: ecommerce');
    expect(message.text).toContain('• stock-drift — SKU MUG-1 — owner: finance');
    expect(message.blocks).toHaveLength(4); // header + one section each
    const stock = JSON.stringify(message.blocks[3]);
    expect(stock).toContain('*Owner:* finance');
    expect(stock).toContain('*What to do:* Check the adjustments.');
    // Slack control characters are escaped.
    expect(stock).toContain('differs &lt;by&gt; 3 &amp; more');
  });

  it('lists at most a screenful and counts the rest', () => {
    const many = Array.from({ length: ALERT_LISTED_MAX + 5 }, (_, i) => record(i));
    const message = alertMessage(many, 7);
    expect(message.text).toMatch(
      /^27 new Clarus connector exceptions: 20 order-validation-failed \(\+7 more not listed\)/,
    );
    expect(message.blocks).toHaveLength(1 + ALERT_LISTED_MAX + 1);
    expect(JSON.stringify(message.blocks.at(-1))).toMatch(/…and 12 more/);
  });

  it('describes every entity type', () => {
    expect(subjectOf(record(1, { entity: { type: 'order', id: 'o-9' } }))).toBe('order o-9');
    expect(subjectOf(record(1, { entity: { type: 'sku', id: '000MUG', sku: 'MUG' } }))).toBe(
      'SKU MUG (Clarus code 000MUG)',
    );
    expect(subjectOf(record(1, { entity: { type: 'goods_out', id: '42' } }))).toBe('Clarus goods out 42');
    expect(subjectOf(record(1, { entity: { type: 'message', id: 'm-1' } }))).toBe('message m-1');
  });
});

describe('createAlertSender', () => {
  it('sends one message per flush, de-duplicated by key, and nothing when empty', async () => {
    const { fetch, bodies } = recordingFetch();
    const alerts = createAlertSender({
      url: 'https://hooks.example/x',
      logger: silentLogger(),
      windowMs: 0,
      fetch,
    });
    alerts.enqueue(record(1));
    alerts.enqueue(record(2));
    alerts.enqueue(record(1, { message: 'reopened' }));
    expect(alerts.pending()).toBe(2);
    expect(await alerts.flush()).toEqual({ exceptions: 2, outcome: 'sent', status: 200 });
    expect(bodies).toHaveLength(1);
    expect(await alerts.flush()).toEqual({ exceptions: 0, outcome: 'empty' });
    expect(bodies).toHaveLength(1);
  });

  it('never throws: a refused or unreachable webhook is reported as failed', async () => {
    const refused = createAlertSender({
      url: 'https://hooks.example/x',
      logger: silentLogger(),
      windowMs: 0,
      fetch: recordingFetch(500).fetch,
    });
    refused.enqueue(record(1));
    expect(await refused.flush()).toEqual({ exceptions: 1, outcome: 'failed', status: 500 });

    const unreachable = createAlertSender({
      url: 'https://hooks.example/x',
      logger: silentLogger(),
      windowMs: 0,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    unreachable.enqueue(record(1));
    expect(await unreachable.flush()).toEqual({ exceptions: 1, outcome: 'failed' });
  });

  it('without ALERT_WEBHOOK_URL queues nothing and sends nothing', async () => {
    const { fetch } = recordingFetch();
    const alerts = createAlertSender({ logger: silentLogger(), windowMs: 10, fetch });
    alerts.enqueue(record(1));
    expect(alerts.enabled).toBe(false);
    expect(alerts.pending()).toBe(0);
    expect(await alerts.flush()).toEqual({ exceptions: 0, outcome: 'not_configured' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('in long-running apps sends the window’s exceptions as one message when the window closes', async () => {
    jest.useFakeTimers();
    try {
      const { fetch, bodies } = recordingFetch();
      const alerts = createAlertSender({
        url: 'https://hooks.example/x',
        logger: silentLogger(),
        windowMs: 30_000,
        fetch,
      });
      for (let i = 0; i < 50; i++) alerts.enqueue(record(i));
      jest.advanceTimersByTime(29_999);
      expect(fetch).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      // The timer's flush is in flight: an explicit flush waits for it.
      await alerts.flush();
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.text).toMatch(/^50 new Clarus connector exceptions/);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('withAlerts (the ExceptionStore decorator)', () => {
  it('alerts on new episodes only and leaves the rest of the store as it is', async () => {
    let isNew = true;
    const inner = {
      raise: jest.fn(async () => ({ record: record(1), isNew })),
      resolve: jest.fn(async () => true),
    } as unknown as ExceptionStore;
    const enqueue = jest.fn();
    const store = withAlerts(inner, { enqueue });
    await store.raise({
      kind: 'order-validation-failed',
      entity: { type: 'order', id: 'o-1' },
      message: 'm',
    });
    isNew = false;
    await store.raise({
      kind: 'order-validation-failed',
      entity: { type: 'order', id: 'o-1' },
      message: 'm',
    });
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(await store.resolve('order-validation-failed', { type: 'order', id: 'o-1' })).toBe(true);
  });
});
