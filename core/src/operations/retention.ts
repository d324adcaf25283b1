import type { CustomObjects } from '../commercetools';
import { EXCEPTIONS_CONTAINER } from './exceptions';

/*
 * Custom Object retention (docs/adr/0017-custom-object-retention.md): export claims in a final state and
 * resolved exceptions are deleted once older than CUSTOM_OBJECT_RETENTION_DAYS, so a busy project's Custom
 * Objects stay flat instead of creeping towards commercetools' limit. Run by the reconciliation job.
 */

/** Default retention (days) of finished claims and resolved exceptions. */
export const DEFAULT_RETENTION_DAYS = 30;

/** What may be purged from one container: objects matching `where(cutoffIso)`. */
export interface RetentionTarget {
  container: string;
  /** Query predicate selecting purgeable objects last changed (by the app's clock) before `cutoffIso`. */
  where(cutoffIso: string): string;
}

/** Per container: objects deleted, and those that changed under the delete (kept; looked at next pass). */
export type PurgeReport = Record<string, { deleted: number; kept: number }>;

/**
 * The oldest moment still kept (ISO): `retentionDays` back, but never inside the reconciliation look-back
 * window (plus a day), whose sweep still reads the claims of the orders it re-exports. Pure.
 */
export function retentionCutoff(now: number, retentionDays: number, lookbackHours: number): string {
  const keptMs = Math.max(retentionDays * 24, lookbackHours + 24) * 3_600_000;
  return new Date(now - keptMs).toISOString();
}

/**
 * Export claims that are finished (`exported`, `invalid`, `cancelled`: an `exporting` claim may hold an
 * ambiguous create, ADR 0006) and resolved exceptions, by the timestamp the app wrote (`updatedAt`,
 * `resolvedAt`: ISO strings compare in time order).
 */
export function retentionTargets(claimsContainer: string): RetentionTarget[] {
  return [
    {
      container: claimsContainer,
      where: (cutoff) =>
        `value(status in ("exported", "invalid", "cancelled")) and value(updatedAt < "${cutoff}")`,
    },
    {
      container: EXCEPTIONS_CONTAINER,
      where: (cutoff) => `value(status = "resolved") and value(resolvedAt < "${cutoff}")`,
    },
  ];
}

/**
 * Deletes what the targets select, oldest pages first, each with a versioned delete (an object changed
 * since the read is kept). Stops after `maxDeletes` in all (the next pass continues) or when `between`
 * throws (the job lease). Throws what commercetools throws on a query.
 */
export async function purgeCustomObjects(
  deps: { objects: Pick<CustomObjects, 'query' | 'remove'> },
  options: {
    targets: readonly RetentionTarget[];
    cutoffIso: string;
    maxDeletes?: number;
    between?: () => Promise<void>;
  },
): Promise<PurgeReport> {
  const report: PurgeReport = {};
  let budget = options.maxDeletes ?? 50_000;
  for (const target of options.targets) {
    const counts = (report[target.container] = { deleted: 0, kept: 0 });
    const tried = new Set<string>();
    while (budget > 0) {
      const page = await deps.objects.query(target.container, {
        where: target.where(options.cutoffIso),
        limit: Math.min(500, budget + tried.size),
      });
      const fresh = page.results.filter((o) => !tried.has(o.key));
      if (fresh.length === 0) break;
      for (const object of fresh.slice(0, budget)) {
        tried.add(object.key);
        const result = await deps.objects.remove(target.container, object.key, object.version);
        if (result === 'removed') counts.deleted += 1;
        else if (result === 'conflict') counts.kept += 1;
        budget -= 1;
      }
      await options.between?.();
    }
  }
  return report;
}
