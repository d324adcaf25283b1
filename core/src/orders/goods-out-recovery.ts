import type { Order } from '@commercetools/platform-sdk';
import type { ClarusGoodsOutSummary } from '../clarus';
import type { ExportClaim, PendingCreate } from './export-claims';
import { goodsOutReference, shipmentGroups } from './goods-out-mapping';

/*
 * Pure: which Clarus goods outs may belong to an order, and which of its goods outs ("slots": the whole
 * order, or one shipping key of a multi-shipment order) each one fills. Used by every step that finds no
 * goods-out id (export after a takeover or resend, cancellation, the reconciliation sweep) before it
 * concludes anything — see docs/adr/0006-ambiguous-creates-hold.md.
 */

/** A slot: the shipping key of a multi-shipment order's goods out, '' for the whole order. */
export type Slot = string;

export const slotOf = (shippingKey: string | undefined): Slot => shippingKey ?? '';

/**
 * Every reference a goods out of this order may carry, with its slot: the references planned now, the
 * order-id form (the order number may have been set after an earlier create), the form under the order
 * number the claim saw, and the references earlier attempts actually sent (`pending`, `goodsOuts`).
 */
export function candidateReferences(
  order: Pick<Order, 'id' | 'orderNumber' | 'shippingMode' | 'shipping' | 'lineItems'>,
  claim: Pick<ExportClaim, 'orderNumber' | 'pending' | 'goodsOuts'> | undefined,
): Map<string, Slot> {
  const out = new Map<string, Slot>();
  const keys = shipmentGroups(order as Order).map((g) => g.shippingKey);
  const numbers = [order.orderNumber, claim?.orderNumber, undefined];
  for (const key of keys) {
    for (const orderNumber of numbers)
      out.set(goodsOutReference({ id: order.id, orderNumber }, key), slotOf(key));
  }
  for (const p of claim?.pending ?? []) out.set(p.reference, slotOf(p.shippingKey));
  for (const reference of Object.keys(claim?.goodsOuts ?? {})) {
    if (!out.has(reference)) out.set(reference, slotOfReference(reference, keys));
  }
  return out;
}

/** The slot a reference sent by an earlier attempt fills: its shipping-key suffix, else the whole order. */
function slotOfReference(reference: string, keys: (string | undefined)[]): Slot {
  const key = keys.find((k) => k !== undefined && reference.endsWith(`-${k}`));
  return slotOf(key);
}

/** A goods out this order has in Clarus (or had created by an attempt), by slot. */
export interface KnownGoodsOut {
  reference: string;
  id: number;
}

/** The claim's recorded goods outs, by slot. */
export function knownFromClaim(
  claim: Pick<ExportClaim, 'goodsOuts'> | undefined,
  candidates: ReadonlyMap<string, Slot>,
): Map<Slot, KnownGoodsOut> {
  const known = new Map<Slot, KnownGoodsOut>();
  for (const [reference, id] of Object.entries(claim?.goodsOuts ?? {})) {
    const slot = candidates.get(reference) ?? '';
    if (!known.has(slot)) known.set(slot, { reference, id });
  }
  return known;
}

/**
 * Adds what Clarus shows for the candidate references to `known` (slots already known are kept) and
 * returns the references adopted. Goods outs Clarus reports CANCELLED are not live: never adopted.
 */
export function adoptFound(
  known: Map<Slot, KnownGoodsOut>,
  found: readonly ClarusGoodsOutSummary[],
  candidates: ReadonlyMap<string, Slot>,
): string[] {
  const adopted: string[] = [];
  for (const goodsOut of [...found].sort((a, b) => a.id - b.id)) {
    const slot = candidates.get(goodsOut.reference);
    if (slot === undefined || goodsOut.status?.code === 'CANCELLED' || known.has(slot)) continue;
    known.set(slot, { reference: goodsOut.reference, id: goodsOut.id });
    adopted.push(goodsOut.reference);
  }
  return adopted;
}

/**
 * Pending creates still unresolved (slot not known) whose hold has not passed: until then Clarus may yet
 * show the goods out, so nothing creates that slot again or concludes it does not exist.
 */
export function pendingInHold(
  pending: readonly PendingCreate[] | undefined,
  known: ReadonlyMap<Slot, KnownGoodsOut>,
  now: number,
  holdMs: number,
): PendingCreate[] {
  return (pending ?? []).filter((p) => !known.has(slotOf(p.shippingKey)) && Date.parse(p.at) + holdMs > now);
}

/** Milliseconds until the last of these holds passes (for a Retry-After). */
export function holdLeftMs(pending: readonly PendingCreate[], now: number, holdMs: number): number {
  return Math.max(0, ...pending.map((p) => Date.parse(p.at) + holdMs - now));
}

/** `goodsOuts` as the claim stores them (reference actually used → id). */
export const goodsOutsRecord = (known: ReadonlyMap<Slot, KnownGoodsOut>): Record<string, number> =>
  Object.fromEntries([...known.values()].map((k) => [k.reference, k.id]));

/** True when the order's syncInfo names a goods out for each of its goods outs (every shipping key). */
export function isFullyExported(
  order: Pick<Order, 'syncInfo' | 'shippingMode' | 'shipping' | 'lineItems'>,
  channelId: string,
): boolean {
  const ids = new Set(
    (order.syncInfo ?? []).filter((s) => s.channel.id === channelId && s.externalId).map((s) => s.externalId),
  );
  return ids.size >= shipmentGroups(order as Order).length;
}
