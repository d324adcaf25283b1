import type { Reconciliation, ReconciliationRunOptions } from '@clarus-connector/core';
import type { Request, Response } from 'express';

export interface ReconcileRouteDeps {
  reconciliation: Pick<Reconciliation, 'run'>;
  options: ReconciliationRunOptions;
}

/**
 * POST /reconcile: one reconciliation pass; the body is ignored (the scheduler sends none).
 * - 200 with the pass summary when every step did its work, or did it up to the time budget (`checkpointed`:
 *   the next run resumes from the saved position);
 * - 200 `{"skipped":"locked"}` when another pass holds the job lock (that pass does the work);
 * - 503 with the summary when a step failed (`outcome` partial: its `error` says why, the other steps did
 *   their work) or the pass could not run (`failed`). Nothing is lost: the next scheduled pass looks again,
 *   and the non-2xx marks the execution as failed in Connect's monitoring.
 */
export function reconcileHandler(deps: ReconcileRouteDeps) {
  return async (_req: Request, res: Response): Promise<void> => {
    const result = await deps.reconciliation.run(deps.options);
    if (result.kind === 'skipped') {
      res.status(200).json({ skipped: result.reason });
      return;
    }
    const done = result.summary.outcome === 'completed' || result.summary.outcome === 'checkpointed';
    res.status(done ? 200 : 503).json(result.summary);
  };
}
