import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { customObjectKey, type CustomObjects, type StoredObject } from '../commercetools';
import type { Logger } from '../logging';

export const JOBS_CONTAINER = 'clarus-jobs';

/** What is stored in the lock object. `releasedAt` set = free; `expiresAt` passed = free to take over. */
export interface LockValue {
  jobName: string;
  holder: string;
  /** Unique per acquisition: tells our lease from an earlier one by the same holder. */
  leaseId: string;
  leaseMs: number;
  acquiredAt: string;
  renewedAt?: string;
  expiresAt: string;
  releasedAt?: string;
}

/** A lease we hold. `version` is the lock object's version our next compare-and-set is based on. */
export interface Lease extends LockValue {
  version: number;
}

export interface AcquireOptions {
  /** Who is asking (instance / run id); shown to operators. */
  holder: string;
  /** How long the lease lasts without renewal. */
  leaseMs: number;
}

export interface JobLock {
  /** The lease, or null when another holder's lease is live (or won a race for it). */
  acquire(jobName: string, options: AcquireOptions): Promise<Lease | null>;
  /** Extends our lease; null when it is no longer ours (taken over after expiry). */
  renew(lease: Lease, options?: { leaseMs?: number }): Promise<Lease | null>;
  /** Frees the lock if it is still ours; false when it was not. */
  release(lease: Lease): Promise<boolean>;
  /** The current lock value (for health and operators), whether live or not. */
  inspect(jobName: string): Promise<(LockValue & { live: boolean }) | undefined>;
}

export interface JobLockOptions {
  /** Clock (tests inject one instead of sleeping). */
  now?: () => Date;
  logger?: Logger;
  container?: string;
}

const lockSchema: z.ZodType<LockValue> = z.object({
  jobName: z.string(),
  holder: z.string(),
  leaseId: z.string(),
  leaseMs: z.number(),
  acquiredAt: z.string(),
  renewedAt: z.string().optional(),
  expiresAt: z.string(),
  releasedAt: z.string().optional(),
});

export const lockKey = (jobName: string) => customObjectKey('lock', jobName);

/**
 * One run at a time across instances: a lease in a Custom Object (container `clarus-jobs`).
 *
 * - Absent lock: created with a create-only write, so of two concurrent acquirers exactly one creates it.
 * - Present but expired or released: taken over with a compare-and-set on the version we read, so of two
 *   concurrent takers exactly one succeeds.
 * - Renew and release are compare-and-set on the lease's version: they fail, rather than overwrite, once
 *   someone else has taken the lock over.
 * When a compare-and-set fails we read once more: if the lock holds our leaseId, our own write had landed
 * (its answer was lost and the client retried), and we carry on with it.
 */
export function createJobLock(objects: CustomObjects, options: JobLockOptions = {}): JobLock {
  const container = options.container ?? JOBS_CONTAINER;
  const now = options.now ?? (() => new Date());
  const logger = options.logger;

  const read = (stored: StoredObject<unknown> | undefined): LockValue | undefined => {
    if (!stored) return undefined;
    const parsed = lockSchema.safeParse(stored.value);
    if (!parsed.success)
      logger?.warn('malformed job lock; treating it as free', { container, key: stored.key });
    return parsed.success ? parsed.data : undefined;
  };
  const isLive = (value: LockValue | undefined, at: Date) =>
    value !== undefined && value.releasedAt === undefined && Date.parse(value.expiresAt) > at.getTime();
  const toLease = (stored: StoredObject<LockValue>): Lease => ({ ...stored.value, version: stored.version });
  const ours = async (jobName: string, leaseId: string) => {
    const stored = await objects.get<unknown>(container, lockKey(jobName));
    const value = read(stored);
    return stored && value && value.leaseId === leaseId ? { stored, value } : undefined;
  };

  const acquire: JobLock['acquire'] = async (jobName, { holder, leaseMs }) => {
    if (!(leaseMs > 0)) throw new RangeError('leaseMs must be positive');
    const key = lockKey(jobName);
    const at = now();
    const wanted: LockValue = {
      jobName,
      holder,
      leaseId: randomUUID(),
      leaseMs,
      acquiredAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + leaseMs).toISOString(),
    };

    let existing = await objects.get<unknown>(container, key);
    if (!existing) {
      const created = await objects.createOnly<LockValue>(container, key, wanted, {
        isOurs: (v) => v.leaseId === wanted.leaseId,
      });
      if (created.created) return toLease(created.object);
      existing = created.existing;
    }
    if (isLive(read(existing), at)) return null;

    const taken = await objects.replace<LockValue>(container, key, wanted, existing.version);
    if (taken.replaced) {
      logger?.info('job lock taken over from an expired or released lease', { jobName, holder });
      return toLease(taken.object);
    }
    const mine = await ours(jobName, wanted.leaseId);
    return mine ? { ...mine.value, version: mine.stored.version } : null;
  };

  /** Compare-and-set from our lease; on conflict, once more from the current version if it is still ours. */
  const update = async (lease: Lease, next: (current: LockValue) => LockValue): Promise<Lease | null> => {
    const key = lockKey(lease.jobName);
    let base: { version: number; value: LockValue } = { version: lease.version, value: lease };
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const result = await objects.replace<LockValue>(container, key, next(base.value), base.version);
      if (result.replaced) return toLease(result.object);
      const mine = await ours(lease.jobName, lease.leaseId);
      if (!mine || mine.value.releasedAt !== undefined) return null;
      base = { version: mine.stored.version, value: mine.value };
    }
    return null;
  };

  return {
    acquire,
    renew: async (lease, renewOptions = {}) => {
      const at = now();
      const leaseMs = renewOptions.leaseMs ?? lease.leaseMs;
      const renewed = await update(lease, (current) => ({
        ...stripLease(current),
        leaseMs,
        renewedAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + leaseMs).toISOString(),
      }));
      if (!renewed)
        logger?.warn('job lease lost before renewal', { jobName: lease.jobName, holder: lease.holder });
      return renewed;
    },
    release: async (lease) => {
      const at = now().toISOString();
      // Marked released rather than deleted: the object keeps showing operators who ran last.
      const released = await update(lease, (current) => ({
        ...stripLease(current),
        expiresAt: at,
        releasedAt: at,
      }));
      if (released) return true;
      // Our release may have landed with its answer lost: then the lock shows our lease, released.
      const mine = await ours(lease.jobName, lease.leaseId);
      return mine?.value.releasedAt !== undefined;
    },
    inspect: async (jobName) => {
      const value = read(await objects.get<unknown>(container, lockKey(jobName)));
      return value && { ...value, live: isLive(value, now()) };
    },
  };
}

/** The stored fields only (a Lease also carries `version`, which is not part of the value). */
function stripLease(value: LockValue | Lease): LockValue {
  const { version: _version, ...rest } = value as Lease;
  return rest;
}
