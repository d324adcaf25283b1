import type { Order } from '@commercetools/platform-sdk';

/** Why an order is acknowledged and counted instead of being sent to the warehouse. */
export type SkipCode =
  | 'not_found'
  | 'cancelled'
  | 'complete'
  | 'shipped'
  | 'delivered'
  | 'historical_import'
  | 'cancelled_before_export';

/** Where the export request came from (an `OrderImported` message may carry a historical order). */
export type ExportSource = 'created' | 'imported' | 'sweep' | 'resend';

export interface EligibilityRules {
  /** Epoch ms now. */
  now: number;
  /**
   * An imported order completed (`completedAt`) longer ago than this is history brought in from another
   * system, not an order to fulfil (default 72 h, the reconciliation look-back).
   */
  historicalImportAgeMs: number;
}

/**
 * Pure: must this order (as it is now in commercetools) stay away from the warehouse? Cancelled, complete,
 * shipped or delivered orders never reach Clarus (DESIGN.md invariant 6); an imported order counts as
 * historical when it arrives already shipped/complete (covered above) or completed before the look-back —
 * also when the reconciliation sweep finds it, not only on its `OrderImported` message.
 * Returns undefined when the order is to be exported.
 */
export function skipReason(
  order: Pick<Order, 'orderState' | 'shipmentState' | 'completedAt'>,
  source: ExportSource | undefined,
  rules: EligibilityRules,
): { code: SkipCode; reason: string } | undefined {
  if (order.orderState === 'Cancelled') return { code: 'cancelled', reason: 'order is cancelled' };
  if (order.orderState === 'Complete') return { code: 'complete', reason: 'order is complete' };
  if (order.shipmentState === 'Shipped') return { code: 'shipped', reason: 'order is already shipped' };
  if (order.shipmentState === 'Delivered') return { code: 'delivered', reason: 'order is already delivered' };
  // `completedAt` exists only on orders brought in through the Order Import API (commercetools Order
  // reference), so the rule holds whichever way the order arrives here (message, sweep); a person's resend
  // overrides it.
  if (source !== 'resend' && order.completedAt) {
    const completed = Date.parse(order.completedAt);
    if (!Number.isNaN(completed) && rules.now - completed > rules.historicalImportAgeMs) {
      return {
        code: 'historical_import',
        reason: `imported order completed at ${order.completedAt}, before the look-back: history, not sent`,
      };
    }
  }
  return undefined;
}
