import { randomUUID } from 'node:crypto';
import type { Channel, Order } from '@commercetools/platform-sdk';
import type { ClarusGoodsOutSummary, ClarusReads } from '../clarus';
import type { AppConfig } from '../config';
import type { DispatchSync, GoodsOutDispatchOutcome } from '../fulfilment';
import { classifyFailure } from '../inventory';
import type { Logger } from '../logging';
import type {
  AlertFlushResult,
  AlertSender,
  ExceptionKind,
  ExceptionRecord,
  ExceptionStore,
  JobLock,
  JobState,
  Lease,
} from '../operations';
import { holdLease, LeaseLostError, type PurgeReport } from '../operations';
import {
  ORDER_BLOCKING_EXCEPTION_KINDS,
  ORDER_EXPORT_EXCEPTION_KINDS,
  isFullyExported,
  type ExportOutcome,
  type OrderExport,
  type SkipCode,
} from '../orders';
import type { Audits, MasterDataAuditReport, StockAuditReport } from './audits';
import { MASTER_DATA_AUDIT, STOCK_AUDIT } from './audits';
import type { ReconciliationGateway } from './gateway';
import {
  awaitsDispatch,
  dispatchCandidates,
  dispatchWindowStart,
  expectedReferences,
  fallbackReferences,
  goodsOutsByOrder,
  hasSyncInfo,
  mayHaveDispatches,
  selectForSweep,
  type BlockingException,
  sinceInstalled,
  stuckGoodsOuts,
  stuckMessage,
  sweepWindow,
  type DispatchCandidate,
  type SweepWindow,
} from './plan';

/*
 * One reconciliation pass, the safety net between commercetools and Clarus:
 *   lock → order sweep (orders that never reached Clarus, exported through the event app's use case) →
 *   dispatch catch-up (dispatches whose webhook never came, applied through the webhook's use case) and
 *   stuck fulfilment → exceptions whose condition cleared → daily audits (stock alignment, SKU master
 *   data) → alerts → summary → release.
 * Steps are independent: one failing (Clarus down) is reported and the others still run.
 */

export const RECONCILIATION_JOB_NAME = 'reconciliation';
export const DEFAULT_RECONCILIATION_LEASE_MS = 2 * 60_000;

const KIND_STUCK: ExceptionKind = 'fulfilment-stuck';
const KIND_TRACKING: ExceptionKind = 'tracking-write-failed';

/** Orders named one by one in the summary (the rest are counted). */
const LISTED_ORDERS = 50;

export interface ReconciliationDeps {
  gateway: ReconciliationGateway;
  clarus: Pick<ClarusReads, 'findGoodsOutsByReferences'>;
  orderExport: Pick<OrderExport, 'exportOrder'>;
  dispatchSync: Pick<DispatchSync, 'readGoodsOuts' | 'applyGoodsOut'>;
  audits: Pick<Audits, 'runIfDue' | 'stockAlignment' | 'masterData'>;
  exceptions: ExceptionStore;
  jobLock: JobLock;
  jobState: JobState;
  clarusChannel: () => Promise<Channel>;
  alerts: Pick<AlertSender, 'flush'>;
  config: Pick<AppConfig, 'reconciliation'>;
  logger: Logger;
  now: () => number;
  leaseMs?: number;
  /** Deletes Custom Objects past their retention (ADR 0017); absent: nothing is purged. */
  purge?: (between: () => Promise<void>) => Promise<PurgeReport>;
}

export interface ReconciliationRunOptions {
  /** Orders exported at once (default 4). */
  exportConcurrency?: number;
  /** Time after which no new order, goods out or audit is started (default 20 min; Connect jobs get 30). */
  timeBudgetMs?: number;
  /** Time one order export may take (default 20 s, inside the 30 s export claim lease). */
  exportBudgetMs?: number;
}

export interface StepReport {
  status: 'ok' | 'failed';
  error?: string;
}

export interface SweepReport extends StepReport {
  /** Creation times swept (never before the connector was installed: the clarus-wms channel's createdAt). */
  window: SweepWindow;
  /** Orders in the window without syncInfo (not cancelled). */
  candidates: number;
  /**
   * Left alone: an open order-validation-failed, sku-unknown-to-clarus or shipping-method-unmapped
   * exception says what to fix before a resend.
   */
  withOpenException: number;
  exported: number;
  alreadyExported: number;
  invalid: number;
  /** Refused for good by Clarus or commercetools this pass: an exception names each (acknowledged, not retried). */
  rejected: number;
  inProgress: number;
  retryLater: number;
  skipped: number;
  /** Skipped orders by reason (shipped, complete, historical import, …): counted, never sent. */
  skippedBy: Partial<Record<SkipCode, number>>;
  /** Not started: the pass ran out of time (the next pass continues). */
  deferred: number;
  /** An unexpected error (a bug): recorded as order-export-failing; see the logs for the order. */
  failed: number;
  orders: {
    orderId: string;
    orderNumber?: string;
    outcome: ExportOutcome['kind'] | 'error';
    reason?: string;
  }[];
}

export interface DispatchReport extends StepReport {
  /** Exported, not shipped orders old enough for the catch-up or the stuck check. */
  orders: number;
  goodsOutsFound: number;
  /** Goods outs whose lines and shipments were read (COMPLETED or PICK). */
  goodsOutsRead: number;
  written: number;
  unchanged: number;
  notDispatched: number;
  rejected: number;
  retryLater: number;
  deferred: number;
  /** Orders whose dispatch was written by this pass. */
  writtenOrders: { orderId: string; orderNumber?: string; goodsOutId: number }[];
}

export interface StuckReport extends StepReport {
  stuck: number;
  raised: number;
  resolved: number;
}

export interface CleanupReport extends StepReport {
  resolved: number;
}

export type AuditStep<T> =
  | { status: 'ran'; day: string; report: T }
  | { status: 'not_due'; day: string; lastRunAt?: string }
  | { status: 'failed'; day?: string; error: string }
  | { status: 'deferred' };

export interface ReconciliationSummary {
  runId: string;
  /** `partial`: a step failed (see its `error`); the others did their work. */
  outcome: 'completed' | 'partial' | 'failed';
  error?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  orderSweep: SweepReport;
  dispatchCatchUp: DispatchReport;
  stuckFulfilment: StuckReport;
  clearedExceptions: CleanupReport;
  /** Finished claims and resolved exceptions deleted after their retention, by container. */
  purge: StepReport & { deleted: PurgeReport };
  stockAudit: AuditStep<StockAuditReport>;
  masterDataAudit: AuditStep<MasterDataAuditReport>;
  alerts: AlertFlushResult;
}

export type ReconciliationResult =
  { kind: 'skipped'; reason: 'locked' } | { kind: 'ran'; summary: ReconciliationSummary };

export function createReconciliation(deps: ReconciliationDeps) {
  const { logger, exceptions, gateway } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_RECONCILIATION_LEASE_MS;
  const config = deps.config.reconciliation;
  const iso = (ms: number) => new Date(ms).toISOString();

  async function run(options: ReconciliationRunOptions = {}): Promise<ReconciliationResult> {
    const runId = randomUUID();
    const startedAt = deps.now();
    const deadline = startedAt + (options.timeBudgetMs ?? 20 * 60_000);
    const summary = emptySummary(runId, startedAt, sweepWindow(startedAt, config));

    let lease: Lease | null;
    try {
      lease = await deps.jobLock.acquire(RECONCILIATION_JOB_NAME, {
        holder: `reconciliation-job:${runId}`,
        leaseMs,
      });
    } catch (err) {
      summary.outcome = 'failed';
      summary.error = `could not take the job lock: ${classifyFailure(err).message}`;
      return { kind: 'ran', summary: await finish(summary, startedAt, false) };
    }
    if (!lease) {
      logger.info('reconciliation skipped: another pass holds the lock');
      return { kind: 'skipped', reason: 'locked' };
    }
    logger.info('reconciliation started', { runId });

    const held = holdLease(deps.jobLock, lease, { leaseMs, now: deps.now, logger });
    const keepAlive = held.keepAlive;
    const overBudget = () => deps.now() >= deadline;

    try {
      const channel = await deps.clarusChannel();
      await step(summary.orderSweep, () =>
        sweep(summary.orderSweep, channel, options, keepAlive, overBudget),
      );
      await step(summary.dispatchCatchUp, () => dispatch(summary, channel, options, keepAlive, overBudget));
      if (summary.dispatchCatchUp.status === 'failed') {
        summary.stuckFulfilment.status = 'failed';
        summary.stuckFulfilment.error = 'not checked: the dispatch read failed';
      }
      await step(summary.clearedExceptions, () => clearOrderExceptions(summary.clearedExceptions, channel));
      await step(summary.purge, async () => {
        if (deps.purge) summary.purge.deleted = await deps.purge(keepAlive);
      });
      summary.stockAudit = await audit(STOCK_AUDIT, () => deps.audits.stockAlignment(keepAlive), overBudget);
      summary.masterDataAudit = await audit(
        MASTER_DATA_AUDIT,
        () => deps.audits.masterData(keepAlive),
        overBudget,
      );
    } catch (err) {
      summary.outcome = 'failed';
      summary.error = err instanceof LeaseLostError ? err.message : classifyFailure(err).message;
      if (!(err instanceof LeaseLostError) && classifyFailure(err).reason === 'internal-error') {
        logger.error('reconciliation failed unexpectedly', { error: err });
      }
    }
    if (summary.outcome !== 'failed') {
      const failed = [
        summary.orderSweep,
        summary.dispatchCatchUp,
        summary.stuckFulfilment,
        summary.clearedExceptions,
        summary.purge,
        summary.stockAudit,
        summary.masterDataAudit,
      ].some((s) => s.status === 'failed');
      summary.outcome = failed ? 'partial' : 'completed';
    }
    await finish(summary, startedAt, !held.lost);
    await held.release();
    return { kind: 'ran', summary };

    /** Runs a step; a failure is recorded on it (a lost lease ends the pass). */
    async function step(report: StepReport, work: () => Promise<void>): Promise<void> {
      try {
        await work();
      } catch (err) {
        if (err instanceof LeaseLostError) throw err;
        const { reason, message } = classifyFailure(err);
        report.status = 'failed';
        report.error = message;
        if (reason === 'internal-error')
          logger.error('reconciliation step failed unexpectedly', { error: err });
        else logger.warn('reconciliation step failed', { reason, message });
      }
    }

    async function audit<T>(
      name: typeof STOCK_AUDIT | typeof MASTER_DATA_AUDIT,
      work: () => Promise<T>,
      over: () => boolean,
    ): Promise<AuditStep<T>> {
      if (over()) return { status: 'deferred' };
      try {
        return await deps.audits.runIfDue(name, work);
      } catch (err) {
        if (err instanceof LeaseLostError) throw err;
        const { reason, message } = classifyFailure(err);
        if (reason === 'internal-error')
          logger.error('audit failed unexpectedly', { audit: name, error: err });
        else logger.warn('audit failed; it runs again on the next pass', { audit: name, reason, message });
        return { status: 'failed', error: message };
      }
    }
  }

  // ---- 1. order sweep -----------------------------------------------------------------------------

  async function sweep(
    report: SweepReport,
    channel: Channel,
    options: ReconciliationRunOptions,
    keepAlive: () => Promise<void>,
    overBudget: () => boolean,
  ): Promise<void> {
    report.window = sinceInstalled(report.window, channel.createdAt);
    const orders = await gateway.ordersWithoutExport(report.window, channel.id, keepAlive);
    const openByOrderId = new Map<string, BlockingException[]>();
    for (const kind of ORDER_BLOCKING_EXCEPTION_KINDS) {
      for (const e of await exceptions.list({ kind, status: 'open' }))
        openByOrderId.set(e.entity.id, [...(openByOrderId.get(e.entity.id) ?? []), e]);
    }
    const selection = selectForSweep(orders, channel.id, openByOrderId);
    report.candidates = selection.toExport.length + selection.withOpenException.length;
    report.withOpenException = selection.withOpenException.length;
    const exportBudgetMs = options.exportBudgetMs ?? 20_000;
    let firstError: string | undefined;

    await forEachConcurrently(selection.toExport, options.exportConcurrency ?? 4, async (order) => {
      if (overBudget()) {
        report.deferred += 1;
        return;
      }
      let outcome: ExportOutcome;
      try {
        // The export reads the order as it is now (the sweep's copy may be minutes old by its turn).
        outcome = await deps.orderExport.exportOrder({
          orderId: order.id,
          source: 'sweep',
          deadline: deps.now() + exportBudgetMs,
        });
      } catch (err) {
        // Not a transient failure (those come back as retry_later): one bad order must not stop the others.
        const { message } = classifyFailure(err);
        report.failed += 1;
        firstError ??= message;
        logger.error('order export failed during reconciliation', { orderId: order.id, error: err });
        listOrder(report, order, 'error', message);
        await keepAlive();
        return;
      }
      countExport(report, order, outcome);
      if (outcome.kind === 'failed') firstError ??= outcome.reason;
      await keepAlive();
    });
    if (report.failed > 0) {
      report.status = 'failed';
      report.error = `${report.failed} order(s) could not be exported (first: ${firstError ?? 'unknown'})`;
    }
    if (report.candidates > 0) {
      logger.info('order sweep finished', {
        candidates: report.candidates,
        exported: report.exported,
        invalid: report.invalid,
        inProgress: report.inProgress,
        retryLater: report.retryLater,
        withOpenException: report.withOpenException,
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

  // ---- 2./3. dispatch catch-up and stuck fulfilment -----------------------------------------------

  async function dispatch(
    summary: ReconciliationSummary,
    channel: Channel,
    options: ReconciliationRunOptions,
    keepAlive: () => Promise<void>,
    overBudget: () => boolean,
  ): Promise<void> {
    const report = summary.dispatchCatchUp;
    const stuckReport = summary.stuckFulfilment;
    const now = deps.now();
    const [inWindow, openStuckList, openTrackingList] = await Promise.all([
      gateway.exportedNotShipped(dispatchWindowStart(now, config), channel.id, keepAlive),
      exceptions.list({ kind: KIND_STUCK, status: 'open' }),
      exceptions.list({ kind: KIND_TRACKING, status: 'open' }),
    ]);
    const openStuck = byEntityId(openStuckList);
    const openTracking = byEntityId(openTrackingList);

    // Stuck orders that left the window are still checked: their exception closes only when they ship.
    const known = new Set(inWindow.map((o) => o.id));
    const outside = [...openStuck.keys()].filter((id) => !known.has(id));
    const outsideOrders = outside.length ? await gateway.ordersByIds(outside) : [];
    const orders = [...inWindow];
    for (const id of outside) {
      const order = outsideOrders.find((o) => o.id === id);
      if (order && awaitsDispatch(order) && hasSyncInfo(order, channel.id)) {
        orders.push(order);
      }
    }

    const candidates = dispatchCandidates(orders, channel.id, now, config);
    report.orders = candidates.length;
    const found = candidates.length
      ? await deps.clarus.findGoodsOutsByReferences(candidates.flatMap((c) => expectedReferences(c.order)))
      : [];
    // Goods outs recorded in syncInfo but not found under the planned references (order number set later).
    const fallback = fallbackReferences(candidates, channel.id, found);
    if (fallback.length) found.push(...(await deps.clarus.findGoodsOutsByReferences(fallback)));
    const byOrder = goodsOutsByOrder(candidates, channel.id, found);
    report.goodsOutsFound = [...byOrder.values()].reduce((n, list) => n + list.length, 0);

    const evaluated = new Set<string>();
    for (const candidate of candidates) {
      if (overBudget()) {
        report.deferred += 1;
        continue;
      }
      const goodsOuts = byOrder.get(candidate.order.id) ?? [];
      if (candidate.catchUp) await catchUp(candidate, goodsOuts, report, openTracking);
      await checkStuck(candidate, goodsOuts, channel, stuckReport, openStuck);
      evaluated.add(candidate.order.id);
      await keepAlive();
    }

    // Open stuck exceptions of orders that shipped, were cancelled, vanished or are not old enough.
    for (const [id, record] of openStuck) {
      if (evaluated.has(id)) continue;
      const stillCandidate = candidates.some((c) => c.order.id === id && c.stuckAge);
      if (stillCandidate) continue; // deferred by the time budget: decide next pass
      if (await exceptions.resolve(KIND_STUCK, record.entity)) stuckReport.resolved += 1;
    }
    if (report.orders > 0) {
      logger.info('dispatch catch-up finished', {
        orders: report.orders,
        goodsOutsRead: report.goodsOutsRead,
        written: report.written,
        stuck: stuckReport.stuck,
      });
    }
  }

  async function catchUp(
    candidate: DispatchCandidate,
    goodsOuts: readonly ClarusGoodsOutSummary[],
    report: DispatchReport,
    openTracking: Map<string, ExceptionRecord>,
  ): Promise<void> {
    const { order } = candidate;
    const outcomes: GoodsOutDispatchOutcome[] = [];
    for (const goodsOut of goodsOuts) {
      if (!mayHaveDispatches(goodsOut.status?.code)) continue;
      const views = await deps.dispatchSync.readGoodsOuts({
        goodsOutId: goodsOut.id,
        reference: goodsOut.reference,
      });
      const view = views.find((v) => v.goodsOutId === goodsOut.id);
      if (!view) continue;
      report.goodsOutsRead += 1;
      const outcome = await deps.dispatchSync.applyGoodsOut(view, { order });
      outcomes.push(outcome);
      switch (outcome.kind) {
        case 'written':
          report.written += 1;
          if (report.writtenOrders.length < LISTED_ORDERS) {
            report.writtenOrders.push({
              orderId: order.id,
              ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
              goodsOutId: goodsOut.id,
            });
          }
          logger.warn('dispatch reached the order only through reconciliation', {
            orderId: order.id,
            orderNumber: order.orderNumber,
            goodsOutId: goodsOut.id,
          });
          break;
        case 'unchanged':
          report.unchanged += 1;
          break;
        case 'not_dispatched':
          report.notDispatched += 1;
          break;
        case 'write_rejected':
        case 'unknown_order':
        case 'must_not_fulfil':
          report.rejected += 1;
          break;
        case 'retry_later':
          report.retryLater += 1;
          break;
      }
    }
    // Tracking that failed to write earlier is on the order now: nothing was left to write.
    const tracking = openTracking.get(order.id);
    if (
      tracking &&
      outcomes.length > 0 &&
      outcomes.every((o) => o.kind === 'unchanged' || o.kind === 'written')
    ) {
      if (await exceptions.resolve(KIND_TRACKING, tracking.entity)) openTracking.delete(order.id);
    }
  }

  async function checkStuck(
    candidate: DispatchCandidate,
    goodsOuts: readonly ClarusGoodsOutSummary[],
    channel: Channel,
    report: StuckReport,
    openStuck: Map<string, ExceptionRecord>,
  ): Promise<void> {
    const { order } = candidate;
    const stuck = candidate.stuckAge ? stuckGoodsOuts(order, channel.id, goodsOuts) : [];
    const open = openStuck.get(order.id);
    if (stuck.length === 0) {
      if (open && (await exceptions.resolve(KIND_STUCK, open.entity))) report.resolved += 1;
      openStuck.delete(order.id);
      return;
    }
    report.stuck += 1;
    const message = stuckMessage(order, candidate.exportedAt, deps.now(), stuck);
    openStuck.delete(order.id);
    // Raised again only when what Clarus reports changed (the message names the statuses and the age in days).
    if (open?.message === message) return;
    const { isNew } = await exceptions.raise({
      kind: KIND_STUCK,
      entity: {
        type: 'order',
        id: order.id,
        ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
      },
      message,
      details: {
        exportedAt: candidate.exportedAt,
        stuckAfterDays: config.stuckFulfilmentDays,
        goodsOuts: stuck,
      },
    });
    if (isNew) report.raised += 1;
  }

  // ---- 6. order exceptions whose condition cleared ------------------------------------------------

  async function clearOrderExceptions(report: CleanupReport, channel: Channel): Promise<void> {
    const open: ExceptionRecord[] = [];
    for (const kind of ORDER_EXPORT_EXCEPTION_KINDS)
      open.push(...(await exceptions.list({ kind, status: 'open' })));
    open.splice(0, open.length, ...open.filter((e) => e.entity.type === 'order'));
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
  ): Promise<ReconciliationSummary> {
    // One alert message per pass, whatever raised the exceptions (never fails the pass).
    summary.alerts = await deps.alerts.flush();
    const end = deps.now();
    summary.finishedAt = iso(end);
    summary.durationMs = end - startedAt;
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

  return { run };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

function emptySummary(runId: string, startedAt: number, window: SweepWindow): ReconciliationSummary {
  const at = new Date(startedAt).toISOString();
  return {
    runId,
    outcome: 'completed',
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    orderSweep: {
      status: 'ok',
      window,
      candidates: 0,
      withOpenException: 0,
      exported: 0,
      alreadyExported: 0,
      invalid: 0,
      rejected: 0,
      inProgress: 0,
      retryLater: 0,
      skipped: 0,
      skippedBy: {},
      deferred: 0,
      failed: 0,
      orders: [],
    },
    dispatchCatchUp: {
      status: 'ok',
      orders: 0,
      goodsOutsFound: 0,
      goodsOutsRead: 0,
      written: 0,
      unchanged: 0,
      notDispatched: 0,
      rejected: 0,
      retryLater: 0,
      deferred: 0,
      writtenOrders: [],
    },
    stuckFulfilment: { status: 'ok', stuck: 0, raised: 0, resolved: 0 },
    clearedExceptions: { status: 'ok', resolved: 0 },
    purge: { status: 'ok', deleted: {} },
    stockAudit: { status: 'deferred' },
    masterDataAudit: { status: 'deferred' },
    alerts: { exceptions: 0, outcome: 'empty' },
  };
}

const byEntityId = (records: readonly ExceptionRecord[]) =>
  new Map(records.filter((r) => r.entity.type === 'order').map((r) => [r.entity.id, r]));

/**
 * Runs `fn` over `items` with at most `concurrency` in flight. The first error stops new items from
 * starting; it is thrown once the items already started have finished (nothing keeps running unseen).
 */
async function forEachConcurrently<T>(
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
