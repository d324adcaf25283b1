import Bottleneck from 'bottleneck';
import { ClarusBudgetExceededError } from './errors';
import { raceDeadline, type Clock } from './time';

export type ReleaseSlot = () => void;

export interface ClarusLimiter {
  /**
   * Waits for a request slot (rate and concurrency) and returns the function that frees it. Rejects with
   * `ClarusBudgetExceededError` when the deadline passes first, or the signal's reason when it aborts.
   */
  acquire(options: { deadline?: number; signal?: AbortSignal; operation: string }): Promise<ReleaseSlot>;
}

/**
 * One limiter per client instance: at most `maxConcurrency` requests in flight, and request starts spaced
 * by 1000 / `maxRequestsPerSecond` ms. Spacing (bottleneck `minTime`) rather than a per-second reservoir
 * keeps the rate under the limit over any window, which is what a server-side limiter sees.
 *
 * Bottleneck cannot drop a queued job, so a caller that gives up flags its job: when the job's turn
 * comes it frees the slot at once without sending anything (it still uses one `minTime` interval).
 */
export function createLimiter(options: {
  maxRequestsPerSecond: number;
  maxConcurrency: number;
  now: Clock;
}): ClarusLimiter {
  const bottleneck = new Bottleneck({
    maxConcurrent: Math.max(1, options.maxConcurrency),
    minTime: Math.ceil(1000 / Math.max(0.001, options.maxRequestsPerSecond)),
  });

  return {
    acquire({ deadline, signal, operation }) {
      let abandoned = false;
      const granted = new Promise<ReleaseSlot>((grant) => {
        void bottleneck
          .schedule(
            () =>
              new Promise<void>((done) => {
                if (abandoned) done();
                else grant(() => done());
              }),
          )
          .catch(() => undefined);
      });
      return raceDeadline(granted, {
        deadline,
        signal,
        now: options.now,
        onDeadline: () =>
          new ClarusBudgetExceededError(
            { operation },
            'deadline passed while waiting for the Clarus rate limiter',
          ),
        onGiveUp: () => {
          abandoned = true;
          // The slot may have been granted in the same tick the caller gave up: free it.
          void granted.then((release) => release());
        },
      });
    },
  };
}
