import type { Logger } from '../logging';
import { ClarusBudgetExceededError, ClarusError, ClarusRateLimitedError } from './errors';
import { sleep, timeLeft, type Clock } from './time';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Cap of the first backoff window; the window doubles per attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };

export interface RetryDeps {
  policy: RetryPolicy;
  now: Clock;
  random: () => number;
  logger: Logger;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, runs out of attempts, or the next wait
 * would pass the deadline. Waits use exponential backoff with full jitter, and never less than a 429's
 * Retry-After. Written here rather than with `exponential-backoff` because each wait depends on the error
 * (Retry-After) and on the caller's deadline, which that library's fixed schedule cannot express.
 *
 * When the next wait would pass the deadline, the last error is thrown as it is (e.g. a 429 with its
 * `retryAfterMs`): it says more than a budget error would, and it is just as retryable for the caller.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: { deadline?: number; signal?: AbortSignal; operation: string },
  deps: RetryDeps,
): Promise<T> {
  const { policy } = deps;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!shouldRetry(error) || attempt >= policy.maxAttempts) throw error;
      const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const jittered = Math.floor(deps.random() * window);
      const retryAfterMs = error instanceof ClarusRateLimitedError ? error.retryAfterMs : undefined;
      const delayMs = Math.max(jittered, retryAfterMs ?? 0);
      if (delayMs >= timeLeft(options.deadline, deps.now)) throw error;
      deps.logger.debug('clarus request retry', {
        operation: options.operation,
        attempt,
        status: error.status,
        error: error.name,
        delayMs,
      });
      await sleep(delayMs, options.signal);
    }
  }
}

function shouldRetry(error: unknown): error is ClarusError {
  // A budget error means the deadline is gone: another attempt cannot fit.
  return error instanceof ClarusError && error.retryable && !(error instanceof ClarusBudgetExceededError);
}
