import { ClarusBudgetExceededError } from './errors';
import { SpacedSlots } from './spaced-slots';
import { raceDeadline, type Clock } from './time';

export type ReleaseSlot = () => void;

/** What an answer tells the limiter about the tenant's rate limit (docs/adr/0016-shared-clarus-rate-limit.md). */
export interface LimiterFeedback {
  /** HTTP status of the answer. */
  status: number;
}

export interface ClarusLimiter {
  /**
   * Waits for a request slot (rate and concurrency) and returns the function that frees it. Rejects with
   * `ClarusBudgetExceededError` when the deadline passes first, or the signal's reason when it aborts.
   */
  acquire(options: { deadline?: number; signal?: AbortSignal; operation: string }): Promise<ReleaseSlot>;
  /** Feeds an answer back: a 429 lowers this instance's rate, time without one raises it again. */
  observe(feedback: LimiterFeedback): void;
  /** The rate request starts are spaced for now (requests per second). */
  currentRate(): number;
}

/**
 * The adaptive rate (AIMD, like TCP congestion control): the Clarus rate limit is per tenant, and Connect
 * runs as many event-app instances as it likes, so no instance knows its share. Each starts at the
 * configured ceiling (CLARUS_MAX_REQUESTS_PER_SECOND, the tenant limit), multiplies its rate by
 * `decrease` on a 429 (at most once per `cooldownMs`: the 429s of requests already in flight say nothing
 * new), and adds `increase` × ceiling per second without one. Instances sharing the limit converge on
 * shares that add up to just under it. Costs no request: the feedback is the answers themselves.
 */
export interface AdaptiveRate {
  ceiling: number;
  rate: number;
  /** Epoch ms of the last decrease. */
  cutAt: number;
  /** Epoch ms up to which the additive increase has been applied. */
  grownAt: number;
}

export const ADAPTIVE_RATE = {
  /** Factor on a 429. */
  decrease: 0.75,
  /** Share of the ceiling added per second without a 429. */
  increase: 0.01,
  /** A second 429 within this window of a cut does not cut again. */
  cooldownMs: 250,
  /** The rate never drops below this share of the ceiling. */
  floor: 0.05,
} as const;

/** The state of a fresh limiter: the full ceiling (requests per second). */
export function initialRate(ceiling: number, now: number): AdaptiveRate {
  return { ceiling, rate: ceiling, cutAt: -Infinity, grownAt: now };
}

/** Pure: the rate after an answer with `status` at `now` (epoch ms). Only 429 and success move it. */
export function nextRate(state: AdaptiveRate, status: number, now: number): AdaptiveRate {
  const p = ADAPTIVE_RATE;
  if (status === 429) {
    if (now - state.cutAt < p.cooldownMs) return state;
    const rate = Math.max(state.ceiling * p.floor, state.rate * p.decrease);
    return { ...state, rate, cutAt: now, grownAt: now };
  }
  if (status < 200 || status >= 300 || state.rate >= state.ceiling) return { ...state, grownAt: now };
  const grown = state.rate + (state.ceiling * p.increase * Math.max(0, now - state.grownAt)) / 1000;
  return { ...state, rate: Math.min(state.ceiling, grown), grownAt: now };
}

/**
 * One limiter per client instance: at most `maxConcurrency` requests in flight, and request starts spaced
 * by 1000 / rate ms, where the rate adapts to 429s (`nextRate`) below the ceiling `maxRequestsPerSecond`.
 * Spacing (`SpacedSlots.minTime`) rather than a per-second reservoir keeps the rate under the limit over
 * any window, which is what a server-side limiter sees. A caller that gives up leaves the queue at once.
 */
export function createLimiter(options: {
  maxRequestsPerSecond: number;
  maxConcurrency: number;
  now: Clock;
}): ClarusLimiter {
  const spacing = (rate: number) => Math.ceil(1000 / Math.max(0.001, rate));
  let state = initialRate(options.maxRequestsPerSecond, options.now());
  const slots = new SpacedSlots(Math.max(1, options.maxConcurrency), spacing(state.rate));

  return {
    acquire({ deadline, signal, operation }) {
      const queued = slots.request();
      return raceDeadline(queued.granted, {
        deadline,
        signal,
        now: options.now,
        onDeadline: () =>
          new ClarusBudgetExceededError(
            { operation },
            'deadline passed while waiting for the Clarus rate limiter',
          ),
        onGiveUp: () => {
          // Still queued: leave the queue. Granted in the same tick the caller gave up: free the slot.
          if (!queued.cancel()) void queued.granted.then((free) => free());
        },
      });
    },
    observe({ status }) {
      state = nextRate(state, status, options.now());
      slots.minTime = spacing(state.rate);
    },
    currentRate: () => state.rate,
  };
}
