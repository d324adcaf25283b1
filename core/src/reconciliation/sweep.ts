import type { Order } from '@commercetools/platform-sdk';
import { classifyFailure } from '../inventory';
import type { Logger } from '../logging';
import type { ExceptionStore } from '../operations';
import { ORDER_BLOCKING_EXCEPTION_KINDS, type ExportOutcome, type OrderExport } from '../orders';
import { selectForSweep, type BlockingException } from './plan';
import { LISTED_ORDERS, type SweepReport } from './pass-types';
import type { PageOutcome } from './read-orders';

/*
 * The order sweep's work on one page of its window (orders that never reached Clarus): plan (select what to
 * export, `selectForSweep`) → act (export through the event app's use case, a few at a time) → record (count
 * on the report). The page comes from read-orders.ts; the pass walks the window.
 */

export interface SweepPageContext {
  channelId: string;
  /** Open exceptions that may hold an order back, by order id (read once per run: one per open problem). */
  openByOrderId: ReadonlyMap<string, readonly BlockingException[]>;
  exportConcurrency: number;
  exportBudgetMs: number;
  overBudget: () => boolean;
  keepAlive: () => Promise<void>;
}

export function createSweepStage(deps: {
  orderExport: Pick<OrderExport, 'exportOrder'>;
  exceptions: ExceptionStore;
  logger: Logger;
  now: () => number;
}) {
  const { logger } = deps;

  /** The open exceptions of the kinds that may hold an order back, by order id. */
  async function openBlocking(): Promise<Map<string, BlockingException[]>> {
    const byOrderId = new Map<string, BlockingException[]>();
    for (const kind of ORDER_BLOCKING_EXCEPTION_KINDS) {
      for (const e of await deps.exceptions.list({ kind, status: 'open' }))
        byOrderId.set(e.entity.id, [...(byOrderId.get(e.entity.id) ?? []), e]);
    }
    return byOrderId;
  }

  /**
   * Exports the page's orders that need it. Orders not started once the budget is spent are `deferred`: they
   * are a suffix of the page in id order (orders start in page order), so the cursor stops before them.
   * An unexpected error of one order is counted (`failed`) and does not stop the others.
   */
  async function sweepPage(
    page: readonly Order[],
    report: SweepReport,
    ctx: SweepPageContext,
  ): Promise<PageOutcome> {
    const selection = selectForSweep(page, ctx.channelId, ctx.openByOrderId);
    report.candidates += selection.toExport.length + selection.withOpenException.length;
    report.withOpenException += selection.withOpenException.length;
    let deferredFrom: string | undefined;

    await forEachConcurrently(selection.toExport, ctx.exportConcurrency, async (order) => {
      if (ctx.overBudget()) {
        report.deferred += 1;
        if (deferredFrom === undefined || order.id < deferredFrom) deferredFrom = order.id;
        return;
      }
      let outcome: ExportOutcome;
      try {
        // The export reads the order as it is now (the page's copy may be minutes old by its turn).
        outcome = await deps.orderExport.exportOrder({
          orderId: order.id,
          source: 'sweep',
          deadline: deps.now() + ctx.exportBudgetMs,
        });
      } catch (err) {
        // Not a transient failure (those come back as retry_later): one bad order must not stop the others.
        const { message } = classifyFailure(err);
        report.failed += 1;
        report.error ??= message;
        logger.error('order export failed during reconciliation', { orderId: order.id, error: err });
        listOrder(report, order, 'error', message);
        await ctx.keepAlive();
        return;
      }
      countExport(report, order, outcome);
      if (outcome.kind === 'failed') report.error ??= outcome.reason;
      await ctx.keepAlive();
    });
    return deferredFrom !== undefined ? { deferredFrom } : {};
  }

  /** Marks the report failed when an order could not be exported (after the whole window). */
  function finishSweep(report: SweepReport): void {
    if (report.failed > 0) {
      report.status = 'failed';
      report.error = `${report.failed} order(s) could not be exported (first: ${report.error ?? 'unknown'})`;
    } else delete report.error;
    if (report.candidates > 0) {
      logger.info('order sweep finished', {
        candidates: report.candidates,
        exported: report.exported,
        invalid: report.invalid,
        inProgress: report.inProgress,
        retryLater: report.retryLater,
        withOpenException: report.withOpenException,
        deferred: report.deferred,
      });
    }
  }

  function countExport(report: SweepReport, order: Order, outcome: ExportOutcome): void {
    switch (outcome.kind) {
      case 'exported':
        report.exported += 1;
        logger.warn('order reached Clarus only through reconciliation', {
          orderId: order.id,
          orderNumber: order.orderNumber,
          goodsOuts: outcome.goodsOuts,
        });
        break;
      case 'already_exported':
        report.alreadyExported += 1;
        break;
      case 'invalid':
        report.invalid += 1;
        break;
      case 'rejected':
        report.rejected += 1;
        break;
      case 'failed':
        report.failed += 1;
        break;
      case 'in_progress':
        report.inProgress += 1;
        break;
      case 'retry_later':
        report.retryLater += 1;
        break;
      case 'skipped':
        report.skipped += 1;
        report.skippedBy[outcome.code] = (report.skippedBy[outcome.code] ?? 0) + 1;
        break;
    }
    listOrder(report, order, outcome.kind, 'reason' in outcome ? outcome.reason : undefined);
  }

  return { openBlocking, sweepPage, finishSweep };
}

function listOrder(
  report: SweepReport,
  order: Order,
  outcome: SweepReport['orders'][number]['outcome'],
  reason: string | undefined,
): void {
  if (report.orders.length >= LISTED_ORDERS) return;
  report.orders.push({
    orderId: order.id,
    ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
    outcome,
    ...(reason ? { reason: reason.slice(0, 200) } : {}),
  });
}

/**
 * Runs `fn` over `items` with at most `concurrency` in flight, starting them in order. The first error stops
 * new items from starting; it is thrown once the items already started have finished.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
}
