import type { Logger } from '../logging';
import type { JobLock, Lease } from './job-lock';

/** Another run took the job's lease over (ours expired): the run must stop writing. */
export class LeaseLostError extends Error {
  constructor(readonly jobName: string) {
    super(`the ${jobName} lease was taken over by another run; it stopped without writing further`);
    this.name = 'LeaseLostError';
  }
}

/** A lease a running job holds: kept alive between pages and batches, let go at the end. */
export interface HeldLease {
  /** Renews once half the lease has passed; throws LeaseLostError when another run has taken it over. */
  keepAlive(): Promise<void>;
  /** True once a renewal found the lease taken over: the new holder owns the job state. */
  readonly lost: boolean;
  /** Frees the lock unless it was lost; never throws (an unreleased lease simply expires). */
  release(): Promise<void>;
}

export function holdLease(
  jobLock: JobLock,
  acquired: Lease,
  options: { leaseMs: number; now: () => number; logger: Logger },
): HeldLease {
  let lease = acquired;
  let renewedAt = options.now();
  let lost = false;
  return {
    get lost() {
      return lost;
    },
    async keepAlive() {
      if (options.now() - renewedAt < options.leaseMs / 2) return;
      const renewed = await jobLock.renew(lease);
      if (!renewed) {
        lost = true;
        throw new LeaseLostError(lease.jobName);
      }
      lease = renewed;
      renewedAt = options.now();
    },
    async release() {
      if (lost) return;
      try {
        await jobLock.release(lease);
      } catch (err) {
        options.logger.warn('could not release the job lock; it expires by itself', {
          job: lease.jobName,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    },
  };
}
