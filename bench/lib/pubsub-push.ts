/*
 * Benchmark instrument: push delivery like Pub/Sub's — many deliveries in flight, a non-2xx (or no answer)
 * redelivered after an exponential backoff, until every message is acknowledged. Endpoints (app instances)
 * are used round-robin, like the load balancer in front of autoscaled instances.
 */
import { sleep } from './util';

export interface PushResult {
  drainMs: number;
  deliveries: number;
  redeliveries: number;
  byStatus: Record<string, number>;
  /** Messages never acknowledged (0 unless `giveUpAfterMs` passed). */
  lost: number;
}

export async function pushAll(
  bodies: readonly unknown[],
  endpoints: readonly string[],
  options: { maxInFlight: number; minBackoffMs: number; maxBackoffMs: number; giveUpAfterMs: number },
): Promise<PushResult> {
  const started = Date.now();
  const byStatus: Record<string, number> = {};
  let deliveries = 0;
  let next = 0;
  let turn = 0;
  const pending = bodies.map((body, i) => ({ i, body: JSON.stringify(body), attempts: 0, dueAt: 0 }));
  const retryQueue: typeof pending = [];
  let acked = 0;

  async function deliver(item: (typeof pending)[number]): Promise<void> {
    item.attempts += 1;
    deliveries += 1;
    const endpoint = endpoints[turn++ % endpoints.length]!;
    let status = 0;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: item.body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    }
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      acked += 1;
      return;
    }
    const backoff = Math.min(options.maxBackoffMs, options.minBackoffMs * 2 ** (item.attempts - 1));
    item.dueAt = Date.now() + backoff * (0.5 + Math.random() / 2);
    retryQueue.push(item);
  }

  const workers = Array.from({ length: options.maxInFlight }, async () => {
    for (;;) {
      if (Date.now() - started > options.giveUpAfterMs) return;
      const dueIndex = retryQueue.findIndex((r) => r.dueAt <= Date.now());
      if (dueIndex >= 0) {
        await deliver(retryQueue.splice(dueIndex, 1)[0]!);
      } else if (next < pending.length) {
        await deliver(pending[next++]!);
      } else if (retryQueue.length > 0) {
        await sleep(20);
      } else if (acked >= pending.length) {
        return;
      } else {
        await sleep(20);
      }
    }
  });
  await Promise.all(workers);
  return {
    drainMs: Date.now() - started,
    deliveries,
    redeliveries: deliveries - pending.length,
    byStatus,
    lost: pending.length - acked,
  };
}
