/** The three teams that live with the connector (DESIGN.md "Who uses it"). */
export const TEAMS = ['ecommerce', 'operations', 'finance'] as const;
export type Team = (typeof TEAMS)[number];

export interface ExceptionKindInfo {
  /** Who owns it unless the raiser says otherwise. */
  team: Team;
  title: string;
  /** What the owning team should do; a raiser may give a more specific action. */
  action: string;
}

/**
 * Every kind of exception the connector raises, with its default owner and what to do about it.
 * Kind names (kebab-case, safe in Custom Object keys) are part of the operations API (filters, counts, CSV),
 * so they do not change once shipped.
 */
export const EXCEPTION_KINDS = {
  'order-validation-failed': {
    team: 'ecommerce',
    title: 'Order validation failed',
    action:
      'Fix every listed problem (order data in commercetools, or the mapping / master data it names), then resend the order from the operations API.',
  },
  'order-export-failing': {
    team: 'ecommerce',
    title: 'Order export failing',
    action:
      'The connector keeps retrying. Check Clarus availability and the connector credentials; if it stays open, resend the order once the cause is fixed.',
  },
  'sku-unknown-to-clarus': {
    team: 'operations',
    title: 'SKU unknown to Clarus',
    action:
      'Create the product in Clarus, or correct the SKU rules (CLARUS_SKU_RULES) if the code is translated wrongly, then resend the affected orders.',
  },
  'shipping-method-unmapped': {
    team: 'operations',
    title: 'Shipping method unmapped',
    action:
      'Add the shipping method key to CLARUS_SHIPPING_METHOD_MAP (or a "*" fallback) with a Clarus carrier service code, then resend the affected orders.',
  },
  'inventory-write-failed': {
    team: 'operations',
    title: 'Inventory write failed',
    action:
      'Check the inventory entry and its supply channel in commercetools; the next inventory run retries, and this resolves itself when it succeeds.',
  },
  'sku-not-sold-in-commercetools': {
    team: 'operations',
    title: 'SKU held by Clarus but not sold in commercetools',
    action:
      'Create the variant in commercetools if it should be sold, or retire the product in Clarus if it should not be stocked.',
  },
  'sku-not-held-by-clarus': {
    team: 'operations',
    title: 'SKU sold in commercetools but not held by Clarus',
    action:
      'Its stock is set to 0 in commercetools so it cannot be oversold. Create the product in Clarus (or fix the SKU rules) if it should be stocked.',
  },
  'dispatch-for-unknown-order': {
    team: 'operations',
    title: 'Dispatch for an unknown order',
    action:
      'Clarus dispatched a goods out whose reference matches no commercetools order: check the goods out reference in Clarus and whether it was created outside the connector.',
  },
  'tracking-write-failed': {
    team: 'ecommerce',
    title: 'Tracking write failed',
    action:
      'The customer has not received tracking. Check the order in commercetools; the dispatch catch-up retries, and this resolves itself when it succeeds.',
  },
  'dispatch-line-unmatched': {
    team: 'operations',
    title: 'Dispatched line matches no order line',
    action:
      'Clarus dispatched a goods out line that matches no line item of the order (product code or line reference differs): check the goods out lines in Clarus against the order and the SKU rules (CLARUS_SKU_RULES); the rest of the dispatch was recorded.',
  },
  'short-shipment': {
    team: 'ecommerce',
    title: 'Short shipment',
    action:
      'Clarus completed the goods out with lines not fully dispatched: contact the customer and refund or reship the missing quantities.',
  },
  'fulfilment-stuck': {
    team: 'operations',
    title: 'Fulfilment stuck',
    action:
      'The order reached Clarus but has not been dispatched in time: check the goods out in Clarus (stock, allocation, holds).',
  },
  'stock-drift': {
    team: 'finance',
    title: 'Stock drift',
    action:
      'Stock in commercetools differs from what Clarus reports beyond the tolerance: check recent adjustments and inventory run failures, then re-run the inventory job.',
  },
  'master-data-drift': {
    team: 'operations',
    title: 'Master data drift',
    action:
      'Product data differs between commercetools and Clarus (barcode, or a product missing on one side): align the master data.',
  },
  'cancellation-refused': {
    team: 'ecommerce',
    title: 'Cancellation refused by Clarus',
    action:
      'The order was cancelled in commercetools but Clarus had already dispatched it: contact the customer (return and refund).',
  },
  'undecodable-message': {
    team: 'operations',
    title: 'Undecodable message',
    action:
      'A commercetools message could not be read and was acknowledged to stop redelivery: check the subscription format, find the order it concerned and resend it.',
  },
} as const satisfies Record<string, ExceptionKindInfo>;

export type ExceptionKind = keyof typeof EXCEPTION_KINDS;
export const EXCEPTION_KIND_NAMES = Object.keys(EXCEPTION_KINDS) as ExceptionKind[];

export function isExceptionKind(value: string): value is ExceptionKind {
  return Object.prototype.hasOwnProperty.call(EXCEPTION_KINDS, value);
}
