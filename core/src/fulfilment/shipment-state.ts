import type { Order, ShipmentState } from '@commercetools/platform-sdk';

/**
 * How far an order's shipment has got, by the commercetools `ShipmentState` values (HTTP API "Order"
 * reference, ShipmentState; `Delivered` added 2022-09-15, `Canceled` 2024-12-17):
 * - before anything left: `Pending`, `Ready` (ready to be shipped), `Backorder` (items not in stock),
 *   `Delayed` (shipment delayed) — all rank 0, the connector may move any of them on;
 * - `Partial` (some items shipped) 1, `Shipped` 2, `Delivered` (received by the customer) 3.
 * `Canceled` ("cannot deliver the order to the customer") is a deliberate decision, not a step on the way:
 * it has no rank and nothing ever moves an order out of it. A value this code does not know (the API may add
 * one) is treated the same way: left alone.
 */
const RANK: Partial<Record<ShipmentState, number>> = {
  Pending: 0,
  Ready: 0,
  Backorder: 0,
  Delayed: 0,
  Partial: 1,
  Shipped: 2,
  Delivered: 3,
};

/** Rank of a shipment state (undefined = none set yet = 0); `undefined` for `Canceled` and unknown values. */
export function shipmentStateRank(state: ShipmentState | undefined): number | undefined {
  return state === undefined ? 0 : RANK[state];
}

/**
 * Pure: the shipment state to write, or `undefined` to leave the order as it is. States only move forward
 * (DESIGN invariant 6): `next` is written only when it ranks above the order's current state, so a Delivered
 * order (set by a carrier integration or a person) stays Delivered, and a Partial computed from Clarus never
 * replaces a Shipped set elsewhere.
 */
export function forwardShipmentState(
  current: ShipmentState | undefined,
  next: ShipmentState | undefined,
): ShipmentState | undefined {
  if (next === undefined || next === current) return undefined;
  const from = shipmentStateRank(current);
  const to = shipmentStateRank(next);
  if (from === undefined || to === undefined) return undefined;
  return to > from ? next : undefined;
}

/**
 * Pure: whether nothing more can be dispatched onto the order: Shipped, Delivered, or Canceled. The
 * reconciliation pass does not pick such orders as dispatch candidates (a late re-label still reaches them
 * through the dispatch webhook).
 */
export function isDispatchDone(order: Pick<Order, 'shipmentState'>): boolean {
  return DISPATCH_DONE_STATES.includes(order.shipmentState as (typeof DISPATCH_DONE_STATES)[number]);
}

/** Shipment states after which the reconciliation pass no longer looks for dispatches (see `isDispatchDone`). */
export const DISPATCH_DONE_STATES = ['Shipped', 'Delivered', 'Canceled'] as const;

/**
 * Pure: why the order must not be fulfilled (so a dispatch writes no tracking onto it), or `undefined`.
 * An order cancelled in commercetools, or whose shipment was marked `Canceled` ("cannot deliver"), was
 * given up on deliberately; a dispatch reaching it means goods left that should not have.
 */
export function mustNotFulfilReason(order: Pick<Order, 'orderState' | 'shipmentState'>): string | undefined {
  if (order.orderState === 'Cancelled') return 'the order is cancelled in commercetools';
  if (order.shipmentState === 'Canceled') return "the order's shipment state is Canceled in commercetools";
  return undefined;
}
