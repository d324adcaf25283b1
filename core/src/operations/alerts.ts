import type { Logger } from '../logging';
import { EXCEPTION_KINDS, type ExceptionKind } from './exception-kinds';
import type { ExceptionRecord, ExceptionStore } from './exceptions';

/*
 * Alerts: a Slack-compatible message (`{text, blocks}`) when exceptions open, batched so a burst (a flash
 * sale failing on one unmapped shipping method) becomes one message, not a thousand. Only new episodes alert
 * (`raise()` answered `isNew: true`): a repeat of an open exception is already on the teams' list.
 * Sending never fails the work: a failed post is logged (never the URL, a secret) and dropped.
 */

/** Exceptions named one by one in a message; the rest are counted per kind. */
export const ALERT_LISTED_MAX = 15;
/** Exceptions kept between flushes; beyond it only the count grows (memory stays bounded in a burst). */
const QUEUE_MAX = 500;
const MESSAGE_MAX = 600;

export interface AlertSenderOptions {
  /** ALERT_WEBHOOK_URL; without it nothing is queued or sent. */
  url?: string;
  logger: Logger;
  /**
   * Long-running apps: send this long after the first queued exception (one message per window).
   * 0 = only on an explicit `flush()` (the reconciliation job flushes once per pass).
   */
  windowMs: number;
  /** Per-post timeout (default 5 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface AlertFlushResult {
  /** Exceptions the message named or counted. */
  exceptions: number;
  /** `not_configured` without a URL; `empty` when nothing was queued. */
  outcome: 'sent' | 'failed' | 'empty' | 'not_configured';
  status?: number;
}

export interface AlertSender {
  readonly enabled: boolean;
  /** Queues a newly opened exception (deduplicated by key until the next flush). */
  enqueue(record: ExceptionRecord): void;
  /** Sends what is queued as one message now. Never throws. */
  flush(): Promise<AlertFlushResult>;
  /** Exceptions waiting for the next flush. */
  pending(): number;
}

export function createAlertSender(options: AlertSenderOptions): AlertSender {
  const { url, logger } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const queue = new Map<string, ExceptionRecord>();
  let overflow = 0;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<unknown> = Promise.resolve();

  const schedule = () => {
    if (timer || options.windowMs <= 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, options.windowMs);
    // A pending alert never keeps a process alive (the apps flush on shutdown).
    timer.unref();
  };

  async function post(records: ExceptionRecord[], extra: number): Promise<AlertFlushResult> {
    const exceptions = records.length + extra;
    const message = alertMessage(records, extra);
    try {
      const response = await doFetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Slack answers a short text body; read it so the connection is released.
      await response.text().catch(() => undefined);
      if (!response.ok) {
        logger.warn('alert webhook refused the message; alert dropped', {
          status: response.status,
          exceptions,
          kinds: kindsOf(records),
        });
        return { exceptions, outcome: 'failed', status: response.status };
      }
      logger.info('alert sent', { exceptions, kinds: kindsOf(records) });
      return { exceptions, outcome: 'sent', status: response.status };
    } catch (err) {
      logger.warn('alert webhook unreachable; alert dropped', {
        error: err instanceof Error ? err.name : 'unknown',
        exceptions,
        kinds: kindsOf(records),
      });
      return { exceptions, outcome: 'failed' };
    }
  }

  function flush(): Promise<AlertFlushResult> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (!url) return Promise.resolve({ exceptions: 0, outcome: 'not_configured' });
    const records = [...queue.values()];
    const extra = overflow;
    queue.clear();
    overflow = 0;
    if (records.length === 0 && extra === 0) {
      // A flush during a send waits for it, so "flushed" means "sent" to the caller.
      return sending.then(() => ({ exceptions: 0, outcome: 'empty' as const }));
    }
    const result = sending.then(() => post(records, extra));
    sending = result;
    return result;
  }

  return {
    enabled: url !== undefined,
    enqueue(record) {
      if (!url) return;
      if (queue.has(record.key) || queue.size < QUEUE_MAX) queue.set(record.key, record);
      else overflow += 1;
      schedule();
    },
    flush,
    pending: () => queue.size + overflow,
  };
}

/**
 * The one place alerts hook in: every raiser in every app goes through the integration's exception store,
 * so wrapping it makes them all alert the same way. Alerting happens after the record is stored.
 */
export function withAlerts(store: ExceptionStore, alerts: Pick<AlertSender, 'enqueue'>): ExceptionStore {
  return {
    ...store,
    async raise(input) {
      const result = await store.raise(input);
      if (result.isNew) alerts.enqueue(result.record);
      return result;
    },
  };
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/**
 * Pure: the message for a batch. `text` (the notification preview, and the whole message for receivers
 * that ignore blocks) names the counts per kind; one block per exception names the kind, what it is about
 * (order number and id, or SKU), the owning team and what to do. Ids and codes only: exception messages
 * carry no personal data.
 */
export function alertMessage(records: readonly ExceptionRecord[], unlisted = 0): SlackMessage {
  const total = records.length + unlisted;
  const byKind = new Map<ExceptionKind, number>();
  for (const r of records) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  const counts = [...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ');
  const text =
    `${total} new Clarus connector exception${total === 1 ? '' : 's'}` +
    (counts ? `: ${counts}` : '') +
    (unlisted ? ` (+${unlisted} more not listed)` : '') +
    '\n' +
    records
      .slice(0, ALERT_LISTED_MAX)
      .map((r) => `• ${r.kind} — ${subjectOf(r)} — owner: ${r.team}`)
      .join('\n');

  const listed = records.slice(0, ALERT_LISTED_MAX);
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${total} new Clarus connector exception${total === 1 ? '' : 's'}` },
    },
    ...listed.map((r) => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escape(EXCEPTION_KINDS[r.kind].title)}* (\`${r.kind}\`) — ${escape(subjectOf(r))}\n` +
            `*Owner:* ${r.team}\n` +
            `${escape(truncate(r.message, MESSAGE_MAX))}\n` +
            `*What to do:* ${escape(r.action)}`,
          2900,
        ),
      },
    })),
  ];
  const more = total - listed.length;
  if (more > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${more} more. See GET /ops/exceptions?status=open on the fulfilment-service.`,
        },
      ],
    });
  }
  return { text, blocks };
}

/** "order SO-1001 (id …)", "SKU MUG-01", "goods out 42", … */
export function subjectOf(record: Pick<ExceptionRecord, 'entity'>): string {
  const { entity } = record;
  switch (entity.type) {
    case 'order':
      return entity.orderNumber ? `order ${entity.orderNumber} (id ${entity.id})` : `order ${entity.id}`;
    case 'sku':
      return entity.sku && entity.sku !== entity.id
        ? `SKU ${entity.sku} (Clarus code ${entity.id})`
        : `SKU ${entity.id}`;
    case 'goods_out':
      return `Clarus goods out ${entity.id}`;
    case 'message':
      return `message ${entity.id}`;
    case 'job':
      return `job ${entity.id}`;
    case 'product':
      return `product ${entity.id}`;
  }
}

const kindsOf = (records: readonly ExceptionRecord[]) => [...new Set(records.map((r) => r.kind))];

/** Slack mrkdwn control characters. */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
