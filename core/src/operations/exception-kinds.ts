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
      'Fix every listed problem (the order in commercetools, or the mapping or Clarus product it names), then resend the order: POST /ops/orders/{orderId}/resend. Nothing retries the order while this is open.',
  },
  'order-export-failing': {
    team: 'ecommerce',
    title: 'Order export failing',
    action:
      'Retries continue by themselves (Pub/Sub redelivery and the reconciliation job). Check Clarus reachability on GET /ops/health and the Clarus credentials; it resolves itself when the order goes through — if it stays open after the outage, resend the order.',
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
      'Create the variant in commercetools if it should be sold (or fix CLARUS_SKU_RULES if the code is translated wrongly), or retire the product in Clarus if it should not be stocked. Resolves itself once a SKU sells the code.',
  },
  'sku-not-held-by-clarus': {
    team: 'operations',
    title: 'SKU sold in commercetools but not held by Clarus',
    action:
      'Its stock is set to 0 in commercetools so it cannot be oversold. Create the product in Clarus (or fix the SKU rules) if it should be stocked.',
  },
  'sku-collision': {
    team: 'operations',
    title: 'SKUs collide under the SKU rules',
    action:
      'Two or more commercetools SKUs (named in the message) translate to one Clarus product code under CLARUS_SKU_RULES, so the connector cannot tell whose stock it is: their inventory entries are left as they are (not updated, not zeroed) until it is fixed. Rename or retire the SKU that should not exist, or change CLARUS_SKU_RULES so the codes differ. The daily master-data audit resolves it once no two SKUs share the code.',
  },
  'dispatch-for-unknown-order': {
    team: 'operations',
    title: 'Dispatch for an unknown order',
    action:
      'Clarus dispatched a goods out whose reference matches no commercetools order: check the goods out reference in Clarus and whether it was created outside the connector; resolve it by hand (POST /ops/exceptions/{key}/resolve) once handled.',
  },
  'tracking-write-failed': {
    team: 'ecommerce',
    title: 'Tracking write failed',
    action:
      'The customer has not received tracking. Fix what commercetools refused (quoted in the message) on the order; the reconciliation job retries every pass and this resolves itself once tracking is on the order.',
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
      'The order reached Clarus but has not been dispatched in time; the message names each goods out and its Clarus status. PENDING / ALLOCATED / PART_ALLOCATED / PICK: check stock, allocation and holds in Clarus. CANCELLED or not found: Clarus will not ship it although the order is open — cancel the order in commercetools or have the warehouse reinstate the goods out. Resolves itself once dispatched.',
  },
  'stock-drift': {
    team: 'finance',
    title: 'Stock drift',
    action:
      'The message lists, per channel, the quantityOnStock in commercetools and the available-to-sell from Clarus. Check that recent inventory runs succeeded (GET /ops/health) and recent stock adjustments in Clarus; a drift that survives a successful inventory run points at CLARUS_SKU_RULES or INVENTORY_CHANNEL_WAREHOUSES. Re-checked by the next daily audit.',
  },
  'master-data-drift': {
    team: 'operations',
    title: 'Master data drift',
    action:
      'The message says which: a commercetools SKU with no Clarus product (create it in Clarus or fix CLARUS_SKU_RULES), a Clarus product no commercetools variant has (create the variant or retire the product), or a barcode that differs (correct it where it is wrong). Re-checked by the next daily audit.',
  },
  'cancellation-refused': {
    team: 'ecommerce',
    title: 'Cancellation refused by Clarus',
    action:
      'The order was cancelled in commercetools but Clarus had already dispatched it: ask the carrier to stop or intercept the parcel, otherwise arrange the return and refund with the customer.',
  },
  'undecodable-message': {
    team: 'operations',
    title: 'Undecodable message',
    action:
      'A commercetools message could not be read and was acknowledged to stop redelivery: check the subscription format, find the order it concerned and resend it.',
  },
  'product-sync-rejected': {
    team: 'operations',
    title: 'Product not synced to Clarus',
    action:
      "PRODUCT_MASTER is commercetools and this variant could not become a Clarus product: the message names the SKU and the reason (Clarus's refusal, a code too long under CLARUS_SKU_RULES, a bundle component Clarus does not hold). Fix the variant in commercetools (or the rules, or the component in Clarus) and publish the product again; the next publish or the daily master-data audit retries and resolves it.",
  },
  'product-unpublished': {
    team: 'operations',
    title: 'Product unpublished or deleted in commercetools',
    action:
      'The connector never deletes a Clarus product (the warehouse may hold stock of it). Decide in Clarus: stop or retire the product once its stock is sold or moved, or republish it in commercetools if the change was a mistake. Resolve this exception by hand (POST /ops/exceptions/{key}/resolve) once decided; a new publish resolves it too.',
  },
  'sku-guard-violation': {
    team: 'operations',
    title: 'SKU guard warning',
    action:
      "SKU_GUARD is warn: a product was saved in commercetools with SKUs that break the rules named in the message (SKU_FORMAT, Clarus's 50-character code, a collision under CLARUS_SKU_RULES, a SKU change on a variant Clarus holds stock for). Correct the SKU in commercetools; under SKU_GUARD=reject such changes are refused. Resolves itself when the product is saved without violations.",
  },
} as const satisfies Record<string, ExceptionKindInfo>;

export type ExceptionKind = keyof typeof EXCEPTION_KINDS;
export const EXCEPTION_KIND_NAMES = Object.keys(EXCEPTION_KINDS) as ExceptionKind[];

export function isExceptionKind(value: string): value is ExceptionKind {
  return Object.prototype.hasOwnProperty.call(EXCEPTION_KINDS, value);
}
