import type { AlertSender, InventoryRunOptions, InventorySync } from '@clarus-connector/core';
import type { Request, Response } from 'express';

export interface InventorySyncRouteDeps {
  sync: Pick<InventorySync, 'run'>;
  options: InventoryRunOptions;
  /** Exceptions the run opened go out as one alert when it ends (a job's CPU may sleep between requests). */
  alerts: Pick<AlertSender, 'flush'>;
}

/**
 * POST /inventory-sync: one sync run; the body is ignored (the scheduler sends none).
 * - 200 with the run summary when the run finished or checkpointed (the next run resumes);
 * - 200 `{"skipped":"locked"}` when another run holds the job lock (nothing to retry: that run does the work);
 * - 503 with the summary when the run failed (`reason` says why: Clarus or commercetools unavailable,
 *   configuration, …). Nothing wrong was written — Clarus is read completely before any write — and the lock
 *   is released, so the next scheduled run starts afresh; the non-2xx marks the job execution as failed in
 *   Connect's monitoring.
 */
export function inventorySyncHandler(deps: InventorySyncRouteDeps) {
  return async (_req: Request, res: Response): Promise<void> => {
    const result = await deps.sync.run(deps.options);
    await deps.alerts.flush();
    if (result.kind === 'skipped') {
      res.status(200).json({ skipped: result.reason });
      return;
    }
    res.status(result.summary.outcome === 'failed' ? 503 : 200).json(result.summary);
  };
}
