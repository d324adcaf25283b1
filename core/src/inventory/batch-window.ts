/*
 * The job's batch loop: SKU batches in SKU order, several in flight at once so the writes of one batch do not
 * wait for the last write of the batch before (the writes share one set of INVENTORY_WRITE_CONCURRENCY
 * slots). Progress only counts in order: the last SKU done is that of the last batch whose predecessors have
 * all finished, so a checkpoint never skips a batch still in flight.
 */

/** Batches planned and writing at once; the write slots, not this, bound the requests in flight. */
export const BATCHES_IN_FLIGHT = 8;

export interface BatchWindowOptions {
  batches: readonly (readonly string[])[];
  /** Batches in flight at most (≥ 1). */
  window: number;
  /**
   * Asked before each batch: true starts no more batches (those in flight finish).
   * `started`/`done` count batches; `slowestBatchMs` is the longest a finished batch took.
   */
  shouldStop: (progress: { started: number; done: number; slowestBatchMs: number }) => boolean;
  /** One batch: plan, write, record. */
  run: (batch: readonly string[]) => Promise<void>;
  /**
   * Called after the in-order prefix of finished batches grew (never concurrently with itself), with the
   * prefix's last SKU and the SKUs it added: where the checkpoint may point now.
   */
  onProgress: (lastDone: string, skus: readonly string[]) => Promise<void>;
  now: () => number;
}

/**
 * Runs the batches as `BatchWindowOptions` says. Resolves `{stopped}` (true when `shouldStop` ended it early).
 * When a batch throws, no further batch starts, the ones in flight finish (so nothing is written after the
 * call returns), `onProgress` has seen every batch done before the first failing one, and the first error is
 * thrown.
 */
export async function runBatchWindow(options: BatchWindowOptions): Promise<{ stopped: boolean }> {
  const { batches, now } = options;
  const inFlight = new Set<Promise<void>>();
  const finished = new Set<number>();
  let failure: { error: unknown } | undefined;
  let next = 0;
  let reported = 0; // batches [0, reported) were handed to onProgress
  let slowestBatchMs = 0;
  let stopped = false;

  const start = (i: number) => {
    const began = now();
    const task = options.run(batches[i] as readonly string[]).then(
      () => {
        slowestBatchMs = Math.max(slowestBatchMs, now() - began);
        finished.add(i);
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const report = async () => {
    const from = reported;
    while (finished.has(reported)) reported += 1;
    if (reported === from) return;
    const done = batches.slice(from, reported).flat();
    try {
      await options.onProgress(done[done.length - 1] as string, done);
    } catch (error) {
      failure ??= { error }; // e.g. the lease was lost: start nothing more
    }
  };

  while (!failure && next < batches.length) {
    if (options.shouldStop({ started: next, done: reported, slowestBatchMs })) {
      stopped = true;
      break;
    }
    if (inFlight.size >= Math.max(1, options.window)) {
      await Promise.race(inFlight);
      await report();
      continue;
    }
    start(next);
    next += 1;
  }
  while (inFlight.size > 0) {
    await Promise.race(inFlight);
    await report();
  }
  await report();
  if (failure) throw failure.error;
  return { stopped };
}
