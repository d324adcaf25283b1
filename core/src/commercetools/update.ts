import type { UpdateAction } from '@commercetools/platform-sdk';
import type { Logger } from '../logging';
import { isConcurrentModification } from './errors';

export interface Versioned {
  id: string;
  version: number;
}

export interface UpdateWithRecomputeOptions<R extends Versioned, A> {
  /** Reads the current resource (fresh, every time it is called). */
  load: () => Promise<R>;
  /** Pure: the actions that bring this state to the wanted one; empty when there is nothing to do. */
  decide: (fresh: R) => A[] | Promise<A[]>;
  /** Sends the actions with `r.version`; must reject with the API's 409 when the version is stale. */
  apply: (resource: R, actions: A[]) => Promise<R>;
  /** Total decide → apply rounds before giving up (default 5). */
  maxAttempts?: number;
  /** A resource already in hand: saves the first read. */
  initial?: R;
  /** Pause before re-reading after a conflict, so racing writers spread out (default ~20 ms × attempt). */
  backoffMs?: (attempt: number) => number;
  logger?: Logger;
  /** What is being updated, for log lines (e.g. `order`, `inventory-entry`). */
  label?: string;
}

export interface UpdateWithRecomputeResult<R> {
  resource: R;
  /** decide → apply rounds used (1 when the first write went through or nothing had to change). */
  attempts: number;
  /** False when `decide` found nothing to do. */
  changed: boolean;
}

/** Every attempt met a concurrent writer. Transient by nature: the caller may retry the whole operation later. */
export class ConcurrentModificationExhaustedError extends Error {
  constructor(
    readonly resourceId: string,
    readonly attempts: number,
    readonly label?: string,
  ) {
    super(`${label ?? 'resource'} ${resourceId} kept changing: gave up after ${attempts} attempts`);
    this.name = 'ConcurrentModificationExhaustedError';
  }
}

/**
 * Optimistic-concurrency update done right: on 409 ConcurrentModification it re-reads the resource and asks
 * `decide` again on the fresh state, so actions are always computed from the version they are sent with.
 * Resending the old actions with the new version (what a retry middleware does) could apply a change that
 * the other writer has made unnecessary or wrong (e.g. a second delivery, a stale stock level).
 */
export async function updateWithRecompute<R extends Versioned, A = UpdateAction>(
  options: UpdateWithRecomputeOptions<R, A>,
): Promise<UpdateWithRecomputeResult<R>> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const backoff = options.backoffMs ?? ((attempt: number) => Math.round(20 * attempt * Math.random()));
  let resource = options.initial ?? (await options.load());

  for (let attempt = 1; ; attempt += 1) {
    const actions = await options.decide(resource);
    if (actions.length === 0) return { resource, attempts: attempt, changed: false };
    try {
      const updated = await options.apply(resource, actions);
      return { resource: updated, attempts: attempt, changed: true };
    } catch (err) {
      if (!isConcurrentModification(err)) throw err;
      if (attempt >= maxAttempts) {
        throw new ConcurrentModificationExhaustedError(resource.id, attempt, options.label);
      }
      options.logger?.info('concurrent modification; re-reading and deciding again', {
        resource: options.label,
        id: resource.id,
        staleVersion: resource.version,
        attempt,
      });
      const pause = backoff(attempt);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      resource = await options.load();
    }
  }
}
