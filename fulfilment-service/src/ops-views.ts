import {
  INVENTORY_JOB_NAME,
  RECONCILIATION_JOB_NAME,
  openExceptionsByDay,
  type Integration,
} from '@clarus-connector/core';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { orderNotFound, resolveOrderId } from './order-ref';

/** What the read-only views of the Merchant Center UIs need from the integration. */
export type OpsViewsIntegration = Pick<Integration, 'api' | 'exceptions' | 'jobState' | 'orderView' | 'now'>;

const JOBS: Record<string, string> = {
  inventory: INVENTORY_JOB_NAME,
  reconciliation: RECONCILIATION_JOB_NAME,
};
const MAX_DAYS = 90;

/**
 * Read-only views for the order panel and the Clarus WMS application (mounted under the ops guard):
 * - `GET /ops/orders/:orderId` — one order's trip to Clarus (id or order number); Clarus unreachable is
 *   `clarus.reachable: false` in a 200, never an error;
 * - `GET /ops/exceptions-by-day?days=14` — open exceptions at the end of each UTC day (1–90 days);
 * - `GET /ops/jobs/:job/last-run` — the last run summary of `inventory` or `reconciliation` (null if none).
 */
export function opsViewRoutes(integration: OpsViewsIntegration, prefix: string): Router {
  const router = Router();

  router.get(
    `${prefix}/orders/:orderId`,
    wrap(async (req, res) => {
      const given = String(req.params.orderId ?? '');
      const orderId = await resolveOrderId(integration.api, given);
      const view = orderId ? await integration.orderView(orderId) : undefined;
      if (!view) {
        res.status(404).json(orderNotFound(given));
        return;
      }
      res.status(200).json(view);
    }),
  );

  router.get(
    `${prefix}/exceptions-by-day`,
    wrap(async (req, res) => {
      const raw = req.query.days ?? '14';
      const days = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!(days >= 1 && days <= MAX_DAYS)) {
        res.status(400).json({
          error: 'invalid_query',
          parameter: 'days',
          message: `days must be a whole number from 1 to ${MAX_DAYS}`,
        });
        return;
      }
      const records = await integration.exceptions.list({});
      res.status(200).json({ days: openExceptionsByDay(records, days, integration.now()) });
    }),
  );

  router.get(
    `${prefix}/jobs/:job/last-run`,
    wrap(async (req, res) => {
      const jobName = JOBS[String(req.params.job)];
      if (!jobName) {
        res
          .status(404)
          .json({ error: 'job_not_found', message: `jobs are: ${Object.keys(JOBS).join(', ')}` });
        return;
      }
      res.status(200).json({ lastRun: (await integration.jobState.getLastRun(jobName)) ?? null });
    }),
  );

  return router;
}

const wrap =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };
