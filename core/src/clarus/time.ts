/** Deadline and cancellation helpers shared by the limiter, the retry loop and the token wait. */

export type Clock = () => number;

const MAX_TIMER_MS = 2_147_483_647;

/** Milliseconds left before `deadline` (Infinity without one). */
export function timeLeft(deadline: number | undefined, now: Clock): number {
  return deadline === undefined ? Infinity : deadline - now();
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `promise`, but gives up when the deadline passes (rejecting with `onDeadline()`) or the
 * signal aborts (rejecting with its reason). The promise itself keeps running: callers that share it
 * (single-flight token) or own a resource behind it (a limiter slot) clean up through `onGiveUp`.
 */
export function raceDeadline<T>(
  promise: Promise<T>,
  options: {
    deadline?: number;
    signal?: AbortSignal;
    now: Clock;
    onDeadline: () => Error;
    onGiveUp?: () => void;
  },
): Promise<T> {
  const { deadline, signal, now } = options;
  if (deadline === undefined && !signal) return promise;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (error: unknown) => {
      if (settled) return;
      finish();
      options.onGiveUp?.();
      reject(error);
    };
    const onAbort = () => giveUp(signal?.reason);
    if (signal?.aborted) {
      giveUp(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const wait = deadline === undefined ? Infinity : Math.max(0, deadline - now());
    // setTimeout overflows above 2^31-1 ms and would fire at once; such a deadline is as good as none.
    if (wait <= MAX_TIMER_MS) timer = setTimeout(() => giveUp(options.onDeadline()), wait);
    promise.then(
      (value) => {
        if (settled) return;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
  });
}
