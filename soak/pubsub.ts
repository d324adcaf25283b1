import { pushEnvelope } from '../sandbox/src/fixtures';
import type { Prng, VirtualClock } from './prng';

/** connect.yaml's retryPolicy for the event app: exponential backoff 10 s … 600 s. */
const MIN_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 600_000;
/** The soak's bound: Pub/Sub keeps a message for 7 days; a message still nacked after this many is stuck. */
export const MAX_ATTEMPTS = 30;

export interface QueuedMessage {
  /** Pub/Sub messageId (redeliveries keep it). */
  id: string;
  orderId: string;
  type: string;
  message: Record<string, unknown>;
  attempts: number;
  /** Virtual epoch ms from which it may be delivered. */
  dueAt: number;
  statuses: number[];
  /** The event app's `outcome` per answer (for reading a finding). */
  outcomes: string[];
}

export interface DeliveryStats {
  published: number;
  deliveries: number;
  acked: number;
  nacked: number;
  duplicates: number;
  concurrent: number;
  /** Answers by status. */
  byStatus: Map<number, number>;
}

/**
 * Delivers commercetools messages to the event app the way a Pub/Sub push subscription does, with the soak in
 * charge of when: a 2xx acknowledges; anything else (or no answer) redelivers after the subscription's
 * backoff, in virtual time. Messages may be duplicated and are delivered in a seeded order, not publish order.
 * Nothing here depends on how long a delivery took.
 */
export class PubSubDriver {
  readonly queue: QueuedMessage[] = [];
  /** Messages that were never acknowledged within MAX_ATTEMPTS. */
  readonly stuck: QueuedMessage[] = [];
  readonly stats: DeliveryStats = {
    published: 0,
    deliveries: 0,
    acked: 0,
    nacked: 0,
    duplicates: 0,
    concurrent: 0,
    byStatus: new Map(),
  };
  private sequence = 0;

  constructor(
    private readonly endpoint: () => string,
    private readonly clock: VirtualClock,
    private readonly prng: Prng,
  ) {}

  /** Publishes one message; `copies` > 1 models Pub/Sub's at-least-once duplicates (same messageId). */
  publish(orderId: string, message: Record<string, unknown>, copies = 1): void {
    const id = `soak-${++this.sequence}`;
    this.stats.published += 1;
    for (let c = 0; c < copies; c++) {
      if (c > 0) this.stats.duplicates += 1;
      this.queue.push({
        id,
        orderId,
        type: String(message.type),
        message,
        attempts: 0,
        dueAt: this.clock.now(),
        statuses: [],
        outcomes: [],
      });
    }
  }

  pendingFor(orderId: string): boolean {
    return this.queue.some((m) => m.orderId === orderId);
  }

  /**
   * One round: every message due now, in a seeded order; with probability `pairChance` two messages go at the
   * same time (a race). Returns the number delivered.
   */
  async round(pairChance = 0.15): Promise<number> {
    const now = this.clock.now();
    const due = this.prng.shuffle(this.queue.filter((m) => m.dueAt <= now));
    for (let i = 0; i < due.length; i++) {
      const pair = i + 1 < due.length && this.prng.chance(pairChance);
      if (pair) {
        this.stats.concurrent += 1;
        await Promise.all([this.deliver(due[i]!), this.deliver(due[i + 1]!)]);
        i += 1;
      } else {
        await this.deliver(due[i]!);
      }
    }
    return due.length;
  }

  /** Rounds until the queue is empty or `maxRounds` ran; moves the clock to the next due message in between. */
  async drain(maxRounds: number, pairChance = 0.15): Promise<void> {
    for (let r = 0; r < maxRounds && this.queue.length; r++) {
      if (!this.queue.some((m) => m.dueAt <= this.clock.now())) {
        this.clock.advanceTo(Math.min(...this.queue.map((m) => m.dueAt)));
      }
      await this.round(pairChance);
    }
  }

  /** Delivers only the messages of one order, now (the soak stages a scene around it). */
  async deliverOrder(orderId: string): Promise<number[]> {
    const statuses: number[] = [];
    for (const m of this.queue.filter((q) => q.orderId === orderId)) statuses.push(await this.deliver(m));
    return statuses;
  }

  private async deliver(m: QueuedMessage): Promise<number> {
    m.attempts += 1;
    this.stats.deliveries += 1;
    const status = await fetch(this.endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pushEnvelope(m.message, m.id)),
    }).then(
      async (res) => {
        const body = (await res.json().catch(() => undefined)) as
          { outcome?: string; reason?: string } | undefined;
        m.outcomes.push(
          `${res.status} ${body?.outcome ?? ''}${body?.reason ? ` (${body.reason})` : ''}`.trim(),
        );
        return res.status;
      },
      () => {
        m.outcomes.push('no answer');
        return 0;
      },
    );
    m.statuses.push(status);
    this.stats.byStatus.set(status, (this.stats.byStatus.get(status) ?? 0) + 1);
    const index = this.queue.indexOf(m);
    if (status >= 200 && status < 300) {
      this.stats.acked += 1;
      if (index >= 0) this.queue.splice(index, 1);
      return status;
    }
    this.stats.nacked += 1;
    if (m.attempts >= MAX_ATTEMPTS) {
      if (index >= 0) this.queue.splice(index, 1);
      this.stuck.push(m);
      return status;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (m.attempts - 1));
    m.dueAt = this.clock.now() + backoff;
    return status;
  }
}
