import type { Order } from '@commercetools/platform-sdk';
import type { ClarusGoodsOutSummary, ClarusReads } from '../clarus';
import type { ReconciliationConfig } from '../config';
import type { DispatchSync, GoodsOutDispatchOutcome } from '../fulfilment';
import type { Logger } from '../logging';
import type { ExceptionKind, ExceptionRecord, ExceptionStore } from '../operations';
import type { ReconciliationGateway } from './gateway';
import {
  awaitsDispatch,
  dispatchCandidates,
  expectedReferences,
  fallbackReferences,
  goodsOutsByOrder,
  hasSyncInfo,
  mayHaveDispatches,
  stuckGoodsOuts,
  stuckMessage,
  type DispatchCandidate,
} from './plan';
import { LISTED_ORDERS, type DispatchReport, type StuckReport } from './pass-types';
import { inRange, type PageOutcome, type PageRange } from './read-orders';

/*
 * Dispatch catch-up and stuck fulfilment on one page of exported, not shipped orders: plan (candidates old
 * enough, their goods outs looked up in Clarus in one batch per page) → act (apply dispatches through the
 * webhook's use case) → record (raise or resolve fulfilment-stuck, resolve tracking-write-failed).
 *
 * Open fulfilment-stuck exceptions are checked by id range: those whose order id falls in the page's range but
 * that the page does not hold (the order left the window, shipped, was cancelled or deleted) are read by id
 * with the page, so every open one is decided once per pass without a list of the window's ids.
 */

const KIND_STUCK: ExceptionKind = 'fulfilment-stuck';
const KIND_TRACKING: ExceptionKind = 'tracking-write-failed';

/** Open exceptions of the dispatch checks by order id (read once per run: one per open problem). */
export interface OpenDispatchExceptions {
  stuck: Map<string, ExceptionRecord>;
  tracking: Map<string, ExceptionRecord>;
}

export interface DispatchPageContext {
  channelId: string;
  open: OpenDispatchExceptions;
  overBudget: () => boolean;
  keepAlive: () => Promise<void>;
}

export function createDispatchStage(deps: {
  gateway: Pick<ReconciliationGateway, 'ordersByIds'>;
  clarus: Pick<ClarusReads, 'findGoodsOutsByReferences'>;
  dispatchSync: Pick<DispatchSync, 'readGoodsOuts' | 'applyGoodsOut'>;
  exceptions: ExceptionStore;
  config: Pick<ReconciliationConfig, 'dispatchCatchupMinAgeMinutes' | 'stuckFulfilmentDays'>;
  logger: Logger;
  now: () => number;
}) {
  const { exceptions, logger } = deps;

  async function openExceptions(): Promise<OpenDispatchExceptions> {
    const [stuck, tracking] = await Promise.all([
      exceptions.list({ kind: KIND_STUCK, status: 'open' }),
      exceptions.list({ kind: KIND_TRACKING, status: 'open' }),
    ]);
    return { stuck: byEntityId(stuck), tracking: byEntityId(tracking) };
  }

  /**
   * Checks one page. Candidates not started once the budget is spent are `deferred` (a suffix in id order);
   * the open stuck exceptions past the first of them wait for the run that resumes there.
   */
  async function checkPage(
    page: readonly Order[],
    range: PageRange,
    report: DispatchReport,
    stuckReport: StuckReport,
    ctx: DispatchPageContext,
  ): Promise<PageOutcome> {
    const { channelId, open } = ctx;
    // Stuck orders outside the window are still checked: their exception closes only when they ship.
    const inPage = new Set(page.map((o) => o.id));
    const outside = [...open.stuck.keys()].filter((id) => inRange(id, range) && !inPage.has(id));
    const outsideOrders = outside.length ? await deps.gateway.ordersByIds(outside) : [];
    const orders = [
      ...page,
      ...outsideOrders.filter((o) => awaitsDispatch(o) && hasSyncInfo(o, channelId)),
    ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    const candidates = dispatchCandidates(orders, channelId, deps.now(), deps.config);
    report.orders += candidates.length;
    const found = candidates.length
      ? await deps.clarus.findGoodsOutsByReferences(candidates.flatMap((c) => expectedReferences(c.order)))
      : [];
    // Goods outs recorded in syncInfo but not found under the planned references (order number set later).
    const fallback = fallbackReferences(candidates, channelId, found);
    if (fallback.length) found.push(...(await deps.clarus.findGoodsOutsByReferences(fallback)));
    const byOrder = goodsOutsByOrder(candidates, channelId, found);
    report.goodsOutsFound += [...byOrder.values()].reduce((n, list) => n + list.length, 0);

    let deferredFrom: string | undefined;
    for (const candidate of candidates) {
      if (deferredFrom !== undefined || ctx.overBudget()) {
        report.deferred += 1;
        deferredFrom ??= candidate.order.id;
        continue;
      }
      const goodsOuts = byOrder.get(candidate.order.id) ?? [];
      if (candidate.catchUp) await catchUp(candidate, goodsOuts, report, open.tracking);
      await checkStuck(candidate, goodsOuts, channelId, stuckReport, open.stuck);
      await ctx.keepAlive();
    }

    // Open stuck exceptions in the part of the range this run decided, of orders that shipped, were
    // cancelled, vanished or are not old enough (evaluated ones were taken off the map).
    for (const [id, record] of [...open.stuck]) {
      if (!inRange(id, range) || (deferredFrom !== undefined && id >= deferredFrom)) continue;
      if (await exceptions.resolve(KIND_STUCK, record.entity)) stuckReport.resolved += 1;
      open.stuck.delete(id);
    }
    return deferredFrom !== undefined ? { deferredFrom } : {};
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
      countDispatch(report, order, goodsOut.id, outcome);
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

  function countDispatch(
    report: DispatchReport,
    order: Order,
    goodsOutId: number,
    outcome: GoodsOutDispatchOutcome,
  ): void {
    switch (outcome.kind) {
      case 'written':
        report.written += 1;
        if (report.writtenOrders.length < LISTED_ORDERS) {
          report.writtenOrders.push({
            orderId: order.id,
            ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
            goodsOutId,
          });
        }
        logger.warn('dispatch reached the order only through reconciliation', {
          orderId: order.id,
          orderNumber: order.orderNumber,
          goodsOutId,
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

  async function checkStuck(
    candidate: DispatchCandidate,
    goodsOuts: readonly ClarusGoodsOutSummary[],
    channelId: string,
    report: StuckReport,
    openStuck: Map<string, ExceptionRecord>,
  ): Promise<void> {
    const { order } = candidate;
    const stuck = candidate.stuckAge ? stuckGoodsOuts(order, channelId, goodsOuts) : [];
    const open = openStuck.get(order.id);
    openStuck.delete(order.id);
    if (stuck.length === 0) {
      if (open && (await exceptions.resolve(KIND_STUCK, open.entity))) report.resolved += 1;
      return;
    }
    report.stuck += 1;
    const message = stuckMessage(order, candidate.exportedAt, deps.now(), stuck);
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
        stuckAfterDays: deps.config.stuckFulfilmentDays,
        goodsOuts: stuck,
      },
    });
    if (isNew) report.raised += 1;
  }

  /** Logs what the dispatch checks did over the window. */
  function finishDispatch(report: DispatchReport, stuckReport: StuckReport): void {
    if (report.orders > 0) {
      logger.info('dispatch catch-up finished', {
        orders: report.orders,
        goodsOutsRead: report.goodsOutsRead,
        written: report.written,
        stuck: stuckReport.stuck,
        deferred: report.deferred,
      });
    }
  }

  return { openExceptions, checkPage, finishDispatch };
}

const byEntityId = (records: readonly ExceptionRecord[]) =>
  new Map(records.filter((r) => r.entity.type === 'order').map((r) => [r.entity.id, r]));
