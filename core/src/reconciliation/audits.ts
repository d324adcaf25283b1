import { z } from 'zod';
import { customObjectKey, type CustomObjects } from '../commercetools';
import type { BetweenPages } from '../inventory';
import { JOBS_CONTAINER, type ExceptionKind } from '../operations';
import { createAuditRecords, type AuditCounts } from './audit-records';
import { createMasterDataAudit, type MasterDataAuditDeps } from './master-data-audit';
import { isAuditDue, stockDriftMessage, utcDay, type StockAlignmentTotals } from './plan';

export type { AuditCounts } from './audit-records';
export type { MasterDataAuditReport } from './master-data-audit';

/*
 * The daily audits of the reconciliation job. Each runs on the first pass of a UTC day; a Custom Object in
 * `clarus-jobs` remembers the last day it completed, so however often the job runs, an audit completes
 * once a day (and one that failed is tried again on the next pass).
 */

export const STOCK_AUDIT = 'stock-alignment';
export const MASTER_DATA_AUDIT = 'master-data';
export type AuditName = typeof STOCK_AUDIT | typeof MASTER_DATA_AUDIT;

const KIND_STOCK_DRIFT: ExceptionKind = 'stock-drift';

export const auditGuardKey = (audit: AuditName) => customObjectKey('audit', audit);

const guardSchema = z.object({
  audit: z.string(),
  /** UTC day (YYYY-MM-DD) of the last completed run. */
  lastRunDay: z.string().optional(),
  lastRunAt: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
});
export type AuditGuard = z.infer<typeof guardSchema>;

export interface StockAuditReport extends AuditCounts {
  channels: string[];
  entriesCompared: number;
  skusCompared: number;
  /** SKUs whose entries differ from ATS beyond the tolerance. */
  skusDrifted: number;
  tolerance: number;
  /** The largest drifts (SKU, channel, commercetools, ATS), for the summary. */
  largest: { sku: string; channelKey: string; quantityOnStock: number; ats: number }[];
}

/**
 * Every inventory entry on the target channels compared with the ATS computed from Clarus now (in-flight
 * included), read batch by batch: the counts and the SKUs that drift beyond the tolerance.
 */
export interface StockSnapshot extends StockAlignmentTotals {
  channels: string[];
}

export interface AuditDeps extends MasterDataAuditDeps {
  customObjects: CustomObjects;
  /** Reads the entries and computes their ATS (the inventory use case's calculation). */
  stockSnapshot: (tolerance: number, between?: BetweenPages) => Promise<StockSnapshot>;
  now: () => number;
}

export function createAudits(deps: AuditDeps) {
  const { logger, exceptions } = deps;
  const iso = () => new Date(deps.now()).toISOString();

  // ---- the daily guard ----------------------------------------------------------------------------

  async function readGuard(audit: AuditName): Promise<AuditGuard | undefined> {
    const stored = await deps.customObjects.get<unknown>(JOBS_CONTAINER, auditGuardKey(audit));
    const parsed = guardSchema.safeParse(stored?.value);
    return parsed.success ? parsed.data : undefined;
  }

  /** Written under the reconciliation job lock: one writer, a plain put is enough. */
  async function writeGuard(audit: AuditName, value: AuditGuard): Promise<void> {
    await deps.customObjects.put(JOBS_CONTAINER, auditGuardKey(audit), value);
  }

  const records = createAuditRecords(exceptions);
  const { openOf, raiseIfChanged, resolveCleared } = records;
  const masterData = createMasterDataAudit(deps, records);

  // ---- stock alignment ----------------------------------------------------------------------------

  async function stockAlignment(between?: BetweenPages): Promise<StockAuditReport> {
    const tolerance = deps.config.reconciliation.stockAuditTolerance;
    const snapshot = await deps.stockSnapshot(tolerance, between);
    const drifts = snapshot.drifts;
    const report: StockAuditReport = {
      channels: snapshot.channels,
      entriesCompared: snapshot.entriesCompared,
      skusCompared: snapshot.skusCompared,
      skusDrifted: drifts.length,
      tolerance,
      largest: drifts
        .flatMap((d) => d.channels.map((c) => ({ sku: d.sku, ...c })))
        .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
        .slice(0, 10)
        .map(({ sku, channelKey, quantityOnStock, ats }) => ({ sku, channelKey, quantityOnStock, ats })),
      raised: 0,
      resolved: 0,
    };
    const open = await openOf(KIND_STOCK_DRIFT);
    for (const drift of drifts) {
      await raiseIfChanged(open, report, {
        kind: KIND_STOCK_DRIFT,
        entity: { type: 'sku', id: drift.sku, sku: drift.sku },
        message: stockDriftMessage(drift, tolerance),
        details: { channels: drift.channels, tolerance, auditedAt: iso() },
      });
      await between?.();
    }
    await resolveCleared(KIND_STOCK_DRIFT, open, new Set(drifts.map((d) => d.sku)), report);
    logger.info('stock alignment audit finished', {
      entriesCompared: report.entriesCompared,
      skusDrifted: report.skusDrifted,
      raised: report.raised,
      resolved: report.resolved,
    });
    return report;
  }

  return {
    stockAlignment,
    masterData,
    readGuard,
    /**
     * Runs an audit when it is due today: `not_due` when it already completed today. The guard records the
     * day only after success, so a failed audit runs again on the next pass.
     */
    async runIfDue<T>(
      audit: AuditName,
      work: () => Promise<T>,
    ): Promise<
      { status: 'ran'; day: string; report: T } | { status: 'not_due'; day: string; lastRunAt?: string }
    > {
      const day = utcDay(deps.now());
      const guard = await readGuard(audit);
      if (!isAuditDue(guard?.lastRunDay, deps.now())) {
        return { status: 'not_due', day, ...(guard?.lastRunAt ? { lastRunAt: guard.lastRunAt } : {}) };
      }
      const attemptAt = iso();
      try {
        const report = await work();
        await writeGuard(audit, { audit, lastRunDay: day, lastRunAt: iso(), lastAttemptAt: attemptAt });
        return { status: 'ran', day, report };
      } catch (err) {
        await writeGuard(audit, {
          audit,
          ...(guard?.lastRunDay ? { lastRunDay: guard.lastRunDay } : {}),
          ...(guard?.lastRunAt ? { lastRunAt: guard.lastRunAt } : {}),
          lastAttemptAt: attemptAt,
          lastError: err instanceof Error ? err.message.slice(0, 300) : 'unknown error',
        }).catch((e: unknown) =>
          logger.warn('could not record a failed audit attempt', { audit, error: (e as Error)?.message }),
        );
        throw err;
      }
    },
  };
}

export type Audits = ReturnType<typeof createAudits>;
