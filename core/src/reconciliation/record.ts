import type { Channel } from '@commercetools/platform-sdk';
import { classifyFailure } from '../inventory';
import { ORDER_EXPORT_EXCEPTION_KINDS, isFullyExported } from '../orders';
import {
  RECONCILIATION_JOB_NAME,
  type CleanupReport,
  type ReconciliationDeps,
  type ReconciliationSummary,
} from './pass-types';
import { perOrder, type RequestCount } from './request-count';

/*
 * The record stage of a reconciliation pass: order exceptions whose condition cleared, then the summary
 * (alerts flushed, requests per order, the last-run record the health endpoint reads).
 */

export function createPassRecorder(
  deps: Pick<ReconciliationDeps, 'exceptions' | 'gateway' | 'alerts' | 'jobState' | 'logger' | 'now'>,
) {
  const { logger, exceptions, gateway } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  // ---- order exceptions whose condition cleared ---------------------------------------------------

  async function clearOrderExceptions(report: CleanupReport, channel: Channel): Promise<void> {
    const open = [];
    for (const kind of ORDER_EXPORT_EXCEPTION_KINDS)
      open.push(
        ...(await exceptions.list({ kind, status: 'open' })).filter((e) => e.entity.type === 'order'),
      );
    if (open.length === 0) return;
    const orders = new Map((await gateway.ordersByIds(open.map((e) => e.entity.id))).map((o) => [o.id, o]));
    for (const record of open) {
      const order = orders.get(record.entity.id);
      // Fully exported (by a resend or the event app), cancelled, or deleted: nothing is left to do for it.
      const cleared = !order || order.orderState === 'Cancelled' || isFullyExported(order, channel.id);
      if (cleared && (await exceptions.resolveByKey(record.key))) report.resolved += 1;
    }
  }

  // ---- bookkeeping --------------------------------------------------------------------------------

  async function finish(
    summary: ReconciliationSummary,
    startedAt: number,
    save: boolean,
    requests: RequestCount | undefined,
  ): Promise<ReconciliationSummary> {
    // One alert message per pass, whatever raised the exceptions (never fails the pass).
    summary.alerts = await deps.alerts.flush();
    const end = deps.now();
    summary.finishedAt = iso(end);
    summary.durationMs = end - startedAt;
    if (requests) {
      const counted = requests.stop();
      const ordersRead = summary.orderSweep.ordersRead + summary.dispatchCatchUp.ordersRead;
      summary.requests = {
        ...counted,
        ordersRead,
        commercetoolsPerOrder: perOrder(counted.commercetools, ordersRead),
        clarusPerOrder: perOrder(counted.clarus, ordersRead),
      };
    }
    const log = summary.outcome === 'completed' ? logger.info.bind(logger) : logger.warn.bind(logger);
    log('reconciliation finished', {
      runId: summary.runId,
      outcome: summary.outcome,
      durationMs: summary.durationMs,
      exported: summary.orderSweep.exported,
      dispatchesWritten: summary.dispatchCatchUp.written,
      stuck: summary.stuckFulfilment.stuck,
      stockAudit: summary.stockAudit.status,
      masterDataAudit: summary.masterDataAudit.status,
      ...(summary.checkpoint ? { checkpoint: summary.checkpoint } : {}),
      ...(summary.requests ? { requests: summary.requests } : {}),
    });
    if (save) {
      await swallow('save the reconciliation summary', () =>
        deps.jobState.saveLastRun(RECONCILIATION_JOB_NAME, summary),
      );
    }
    return summary;
  }

  async function swallow(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      logger.warn(`could not ${what}`, { error: classifyFailure(err).message });
    }
  }

  return { clearOrderExceptions, finish, swallow };
}
