import type { Order } from '@commercetools/platform-sdk';
import type { ClarusGoodsOutSummary } from '../clarus';
import type { ReconciliationConfig } from '../config';
import { isDispatchDone } from '../fulfilment/shipment-state';
import { candidateReferences, EXCEPTION_ORDER_INVALID, goodsOutReference, shipmentGroups } from '../orders';

/*
 * Pure decisions of a reconciliation pass: which orders to re-export, which goods outs to read for a
 * dispatch catch-up, which orders are stuck in fulfilment, whether a daily audit is due, which inventory
 * entries drifted from available-to-sell. No I/O here: the stages of pass.ts and audits.ts read, call these,
 * then write. Where the two catalogues disagree: master-data-plan.ts.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------------

export interface SweepWindow {
  /** Orders created at or after this … */
  from: string;
  /** … and at or before this (the grace period lets the event app export them first). */
  to: string;
}

/** Orders created between RECONCILE_LOOKBACK_HOURS and RECONCILE_GRACE_MINUTES ago. */
export function sweepWindow(
  now: number,
  config: Pick<ReconciliationConfig, 'lookbackHours' | 'graceMinutes'>,
): SweepWindow {
  return {
    from: new Date(now - config.lookbackHours * HOUR).toISOString(),
    to: new Date(now - config.graceMinutes * MINUTE).toISOString(),
  };
}

/**
 * The window never reaches back before the connector was installed (the `clarus-wms` channel's createdAt,
 * made by post-deploy): installing the connector must not push the last days' orders, handled before it
 * existed, into Clarus.
 */
export function sinceInstalled(window: SweepWindow, installedAt: string | undefined): SweepWindow {
  return installedAt && installedAt > window.from ? { ...window, from: installedAt } : window;
}

/**
 * How far back the dispatch checks look for exported, not yet shipped orders: the look-back plus the stuck
 * threshold, so that an order exported near the end of the look-back window can still become "stuck"
 * before it leaves the window. (Open fulfilment-stuck exceptions are re-checked whatever their age.)
 */
export function dispatchWindowStart(
  now: number,
  config: Pick<ReconciliationConfig, 'lookbackHours' | 'stuckFulfilmentDays'>,
): string {
  return new Date(now - config.lookbackHours * HOUR - config.stuckFulfilmentDays * DAY).toISOString();
}

// ---------------------------------------------------------------------------------------------------
// Order sweep
// ---------------------------------------------------------------------------------------------------

export interface SweepSelection {
  /** Orders to hand to the export use case. */
  toExport: Order[];
  /** Orders left alone: an open exception waits for a person, and nothing on the order changed since. */
  withOpenException: Order[];
}

/** An open exception that blocked an order's export: its kind and when it was last raised. */
export interface BlockingException {
  kind: string;
  lastSeenAt: string;
}

/**
 * Pure: does an open exception still hold the order back from the sweep? A problem on the order itself
 * (`order-validation-failed`) holds it until the order is edited after the exception was last raised; a
 * master-data problem (SKU unknown to Clarus, shipping method unmapped) is fixed elsewhere — in Clarus, by
 * the product sync, or in the configuration — so it never holds the order: the sweep tries again each pass
 * and the export resolves the exception once it goes through.
 */
export function staysBlocked(
  order: Pick<Order, 'lastModifiedAt'>,
  open: readonly BlockingException[],
): boolean {
  return open.some((e) => e.kind === EXCEPTION_ORDER_INVALID && !(order.lastModifiedAt > e.lastSeenAt));
}

/** Pure: orders without syncInfo → those to export (not cancelled, not held back by an open exception). */
export function selectForSweep(
  orders: readonly Order[],
  channelId: string,
  openByOrderId: ReadonlyMap<string, readonly BlockingException[]>,
): SweepSelection {
  const selection: SweepSelection = { toExport: [], withOpenException: [] };
  for (const order of orders) {
    if (order.orderState === 'Cancelled') continue;
    if (hasSyncInfo(order, channelId)) continue;
    if (staysBlocked(order, openByOrderId.get(order.id) ?? [])) selection.withOpenException.push(order);
    else selection.toExport.push(order);
  }
  return selection;
}

export const hasSyncInfo = (order: Pick<Order, 'syncInfo'>, channelId: string) =>
  (order.syncInfo ?? []).some((s) => s.channel.id === channelId && !!s.externalId);

// ---------------------------------------------------------------------------------------------------
// Dispatch catch-up and stuck fulfilment
// ---------------------------------------------------------------------------------------------------

/** When the order reached Clarus: the earliest syncedAt on the Clarus channel. */
export function exportedAt(order: Pick<Order, 'syncInfo'>, channelId: string): string | undefined {
  const times = (order.syncInfo ?? [])
    .filter((s) => s.channel.id === channelId && s.externalId)
    .map((s) => s.syncedAt)
    .sort();
  return times[0];
}

/** The Clarus goods out ids export recorded on the order. */
export function exportedGoodsOutIds(order: Pick<Order, 'syncInfo'>, channelId: string): Set<number> {
  const ids = new Set<number>();
  for (const s of order.syncInfo ?? []) {
    if (s.channel.id !== channelId || !s.externalId || !/^\d+$/.test(s.externalId)) continue;
    ids.add(Number(s.externalId));
  }
  return ids;
}

/** The references the order's goods outs carry (one per shipping key of a multi-shipment order). */
export function expectedReferences(order: Order): string[] {
  return shipmentGroups(order).map((g) => goodsOutReference(order, g.shippingKey));
}

/**
 * Pure: the other references to look up for candidates whose recorded goods outs (syncInfo ids) were not all
 * found under their planned references — e.g. a goods out created before the order number was set carries
 * the order id (`candidateReferences`, docs/adr/0006). A second, rarely needed look-up instead of doubling
 * every order's references.
 */
export function fallbackReferences(
  candidates: readonly Pick<DispatchCandidate, 'order'>[],
  channelId: string,
  found: readonly Pick<ClarusGoodsOutSummary, 'id'>[],
): string[] {
  const seen = new Set(found.map((g) => g.id));
  const out = new Set<string>();
  for (const { order } of candidates) {
    if ([...exportedGoodsOutIds(order, channelId)].every((id) => seen.has(id))) continue;
    const planned = new Set(expectedReferences(order));
    for (const reference of candidateReferences(order, undefined).keys())
      if (!planned.has(reference)) out.add(reference);
  }
  return [...out];
}

export interface DispatchCandidate {
  order: Order;
  exportedAt: string;
  /** Old enough for the catch-up (DISPATCH_CATCHUP_MIN_AGE_MINUTES after export). */
  catchUp: boolean;
  /** Old enough to be stuck (STUCK_FULFILMENT_DAYS after export). */
  stuckAge: boolean;
}

/**
 * Pure: whether an exported order is still waiting for dispatches: not cancelled, not completed by the
 * merchant, and its dispatch not done (`isDispatchDone`: Shipped, Delivered, Canceled). Orders past that are
 * never dispatch candidates, so the catch-up cannot move a Delivered order back (DESIGN invariant 6).
 */
export function awaitsDispatch(order: Pick<Order, 'orderState' | 'shipmentState'>): boolean {
  return order.orderState !== 'Cancelled' && order.orderState !== 'Complete' && !isDispatchDone(order);
}

/** Pure: exported orders awaiting dispatch (`awaitsDispatch`) → those old enough for the catch-up or the stuck check. */
export function dispatchCandidates(
  orders: readonly Order[],
  channelId: string,
  now: number,
  config: Pick<ReconciliationConfig, 'dispatchCatchupMinAgeMinutes' | 'stuckFulfilmentDays'>,
): DispatchCandidate[] {
  const out: DispatchCandidate[] = [];
  for (const order of orders) {
    if (!awaitsDispatch(order)) continue;
    const at = exportedAt(order, channelId);
    if (!at) continue;
    const age = now - Date.parse(at);
    const catchUp = age >= config.dispatchCatchupMinAgeMinutes * MINUTE;
    const stuckAge = age >= config.stuckFulfilmentDays * DAY;
    if (catchUp || stuckAge) out.push({ order, exportedAt: at, catchUp, stuckAge });
  }
  return out;
}

/**
 * Pure: the goods outs Clarus returned for the references → per order, those export recorded on it (by id).
 * A goods out with the order's reference but another id is not the order's (a duplicate made by hand).
 */
export function goodsOutsByOrder(
  candidates: readonly Pick<DispatchCandidate, 'order'>[],
  channelId: string,
  found: readonly ClarusGoodsOutSummary[],
): Map<string, ClarusGoodsOutSummary[]> {
  const byId = new Map(found.map((g) => [g.id, g]));
  const out = new Map<string, ClarusGoodsOutSummary[]>();
  for (const { order } of candidates) {
    const mine: ClarusGoodsOutSummary[] = [];
    for (const id of exportedGoodsOutIds(order, channelId)) {
      const goodsOut = byId.get(id);
      if (goodsOut) mine.push(goodsOut);
    }
    out.set(order.id, mine);
  }
  return out;
}

/** Statuses that never carry a dispatched shipment: no need to read their shipments. */
const NOT_STARTED = new Set(['DRAFT', 'PENDING', 'ALLOCATED', 'PART_ALLOCATED', 'CANCELLED']);

/**
 * Whether a goods out may hold a dispatch to catch up: COMPLETED (dispatched), PICK (a shipment may have left
 * while others are still picked), or a status this code does not know (read rather than miss a dispatch).
 */
export function mayHaveDispatches(statusCode: string | undefined): boolean {
  return !NOT_STARTED.has(statusCode ?? '');
}

export interface StuckGoodsOut {
  reference: string;
  goodsOutId?: number;
  /** Clarus status code, or `NOT_FOUND` when Clarus has no goods out export recorded. */
  statusCode: string;
  statusName?: string;
}

/**
 * Pure: the goods outs of an order old enough to be stuck that Clarus has not dispatched (anything but
 * COMPLETED, including one Clarus cancelled or no longer has). Empty = not stuck.
 */
export function stuckGoodsOuts(
  order: Order,
  channelId: string,
  goodsOuts: readonly ClarusGoodsOutSummary[],
): StuckGoodsOut[] {
  const stuck: StuckGoodsOut[] = [];
  const seen = new Set<number>();
  for (const goodsOut of goodsOuts) {
    seen.add(goodsOut.id);
    const code = goodsOut.status?.code ?? 'UNKNOWN';
    if (code === 'COMPLETED') continue;
    stuck.push({
      reference: goodsOut.reference,
      goodsOutId: goodsOut.id,
      statusCode: code,
      ...(goodsOut.status?.name ? { statusName: goodsOut.status.name } : {}),
    });
  }
  for (const id of exportedGoodsOutIds(order, channelId)) {
    if (!seen.has(id)) stuck.push({ reference: '?', goodsOutId: id, statusCode: 'NOT_FOUND' });
  }
  return stuck;
}

export function stuckMessage(
  order: Pick<Order, 'id' | 'orderNumber'>,
  exportedAtIso: string,
  now: number,
  stuck: readonly StuckGoodsOut[],
): string {
  const days = Math.floor((now - Date.parse(exportedAtIso)) / DAY);
  const parts = stuck.map((g) =>
    g.statusCode === 'NOT_FOUND'
      ? `goods out id ${g.goodsOutId} recorded on the order is not found in Clarus`
      : `goods out ${g.reference} (Clarus id ${g.goodsOutId}) is ${g.statusCode}${g.statusName ? ` (${g.statusName})` : ''}`,
  );
  return (
    `Order ${order.orderNumber ?? order.id} reached Clarus ${days} day${days === 1 ? '' : 's'} ago ` +
    `(${exportedAtIso}) and is not dispatched: ${parts.join('; ')}.`
  );
}

// ---------------------------------------------------------------------------------------------------
// Daily audits
// ---------------------------------------------------------------------------------------------------

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

/** A daily audit runs on the first pass of each UTC day (after a successful run, not again that day). */
export function isAuditDue(lastSuccessfulDay: string | undefined, now: number): boolean {
  return lastSuccessfulDay !== utcDay(now);
}

// ---------------------------------------------------------------------------------------------------
// Stock alignment
// ---------------------------------------------------------------------------------------------------

/** One inventory entry next to the available-to-sell computed from Clarus now. */
export interface StockComparison {
  sku: string;
  channelKey: string;
  quantityOnStock: number;
  ats: number;
}

export interface StockDrift {
  sku: string;
  /** Channels whose entry differs beyond the tolerance. */
  channels: { channelKey: string; quantityOnStock: number; ats: number; difference: number }[];
  /** Largest absolute difference over those channels. */
  maxDifference: number;
}

/** Pure: entries whose quantityOnStock differs from ATS by more than `tolerance`, grouped per SKU. */
export function stockDrifts(comparisons: readonly StockComparison[], tolerance: number): StockDrift[] {
  const bySku = new Map<string, StockDrift>();
  for (const c of comparisons) {
    const difference = c.quantityOnStock - c.ats;
    if (Math.abs(difference) <= tolerance) continue;
    let drift = bySku.get(c.sku);
    if (!drift) bySku.set(c.sku, (drift = { sku: c.sku, channels: [], maxDifference: 0 }));
    drift.channels.push({
      channelKey: c.channelKey,
      quantityOnStock: c.quantityOnStock,
      ats: c.ats,
      difference,
    });
    drift.maxDifference = Math.max(drift.maxDifference, Math.abs(difference));
  }
  return [...bySku.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/**
 * What a stock alignment keeps of the entries it compared: counts, and the drifting SKUs only, so the audit
 * holds one batch of entries at a time rather than the catalogue (issue 11: a million entries).
 */
export interface StockAlignmentTotals {
  entriesCompared: number;
  skusCompared: number;
  /** Sorted by SKU when the batches come in SKU order. */
  drifts: StockDrift[];
}

/**
 * Adds one batch of comparisons to `totals` (in place) and returns it. A batch must hold every entry of its
 * SKUs (the inventory's SKU batches do: all target channels), so a SKU's drift is decided within its batch;
 * over all batches the result equals `stockDrifts` over every comparison at once.
 */
export function addStockBatch(
  totals: StockAlignmentTotals,
  batch: readonly StockComparison[],
  tolerance: number,
): StockAlignmentTotals {
  totals.entriesCompared += batch.length;
  totals.skusCompared += new Set(batch.map((c) => c.sku)).size;
  for (const drift of stockDrifts(batch, tolerance)) totals.drifts.push(drift);
  return totals;
}

export function stockDriftMessage(drift: StockDrift, tolerance: number): string {
  const channels = drift.channels
    .map(
      (c) =>
        `${c.channelKey}: commercetools quantityOnStock ${c.quantityOnStock}, available-to-sell from Clarus ${c.ats} (${c.difference > 0 ? '+' : ''}${c.difference})`,
    )
    .join('; ');
  return `SKU ${drift.sku} differs from Clarus by more than ${tolerance} unit${tolerance === 1 ? '' : 's'} (STOCK_AUDIT_TOLERANCE): ${channels}.`;
}

// The master-data rules moved to master-data-plan.ts; these names stay importable from here.
export { normaliseBarcode, type CatalogueVariant, type MasterDataFinding } from './master-data-plan';
