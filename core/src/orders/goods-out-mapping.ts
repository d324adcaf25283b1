import type { Address, Attribute, LineItem, Order } from '@commercetools/platform-sdk';
import type { MappingConfig } from '../config';
import type { SkuTranslator } from '../mapping';

import { mapAddress, type GoodsOutAddress } from './address-mapping';
import { CLARUS_LIMITS, type OrderProblem, type OrderWarning } from './goods-out-problems';
import { deliveryNotesOf, mapHeaderFields } from './header-mapping';

export * from './goods-out-problems';
export * from './address-mapping';

export interface GoodsOutLineDraft {
  product_id: number;
  order_quantity: number;
  alt_product_code: string;
  alt_line_reference: string;
}

export type GoodsOutHeader = Record<string, string | number | boolean> & {
  goods_out_type: 'sales_order';
  account_id: number;
  reference: string;
  expected_date_of_dispatch: string;
  external_system_reference1: string;
};

/** One goods out to create: the whole order, or one shipping key of a multi-shipment order. */
export interface GoodsOutPlan {
  reference: string;
  shippingKey?: string;
  header: GoodsOutHeader;
  address: GoodsOutAddress;
  lines: GoodsOutLineDraft[];
}

/** What the mapping needs resolved from Clarus and commercetools beforehand (looked up in batches). */
export interface MappingLookups {
  /** Clarus product code → Clarus product id; a code absent here is unknown to Clarus. */
  productIds: ReadonlyMap<string, number>;
  /**
   * CLARUS_SHIPPING_METHOD_MAP value (`SERVICE` or `CARRIER:SERVICE`) → the id of the one active Clarus
   * carrier service it names; absent when there is none or several (see `pickCarrierService`).
   */
  carrierServiceIds: ReadonlyMap<string, number>;
  /** commercetools shipping method id → key. */
  shippingMethodKeys: ReadonlyMap<string, string>;
}

export interface MappingContext {
  mapping: MappingConfig;
  skus: SkuTranslator;
  accountId: number;
  warehouseId?: number;
  /** ISO timestamp used as the expected date of dispatch. */
  now: string;
}

/** Plans, or every problem found; `warnings` name optional values left out of a plan that is still sent. */
export type MappingResult =
  | { ok: true; plans: GoodsOutPlan[]; warnings: OrderWarning[] }
  | { ok: false; problems: OrderProblem[]; warnings: OrderWarning[] };

/** The Clarus reference of an order (or of one of its shipping keys). */
export function goodsOutReference(order: Pick<Order, 'id' | 'orderNumber'>, shippingKey?: string): string {
  const base = order.orderNumber ?? order.id;
  return shippingKey ? `${base}-${shippingKey}` : base;
}

interface ShipmentGroup {
  shippingKey?: string;
  address?: Address;
  shippingMethodId?: string;
  quantities: Map<string, number>; // line item id → quantity in this group
}

/** Splits the order into what goes to each delivery address (one group unless shippingMode is Multiple). */
export function shipmentGroups(order: Order): ShipmentGroup[] {
  if (order.shippingMode === 'Multiple' && order.shipping?.length) {
    return order.shipping.map((s) => {
      const quantities = new Map<string, number>();
      for (const line of order.lineItems) {
        const qty = (line.shippingDetails?.targets ?? [])
          .filter((t) => t.shippingMethodKey === s.shippingKey)
          .reduce((sum, t) => sum + t.quantity, 0);
        if (qty > 0) quantities.set(line.id, qty);
      }
      return {
        shippingKey: s.shippingKey,
        address: s.shippingAddress,
        shippingMethodId: s.shippingInfo?.shippingMethod?.id,
        quantities,
      };
    });
  }
  return [
    {
      address: order.shippingAddress,
      shippingMethodId: order.shippingInfo?.shippingMethod?.id,
      quantities: new Map(order.lineItems.map((l) => [l.id, l.quantity])),
    },
  ];
}

/** Pure: order + configuration + looked-up ids → goods outs to create, or every problem found. */
export function mapOrderToGoodsOuts(
  order: Order,
  ctx: MappingContext,
  lookups: MappingLookups,
): MappingResult {
  const problems: OrderProblem[] = [];
  const warnings: OrderWarning[] = [];
  const groups = shipmentGroups(order);
  const header = mapHeaderFields(order, ctx.mapping, problems);
  const plans: GoodsOutPlan[] = [];

  for (const group of groups) {
    const where = group.shippingKey ? `shipping[${group.shippingKey}].` : '';
    const reference = goodsOutReference(order, group.shippingKey);
    if (reference.length > CLARUS_LIMITS.reference) {
      problems.push({
        code: 'field_too_long',
        field: 'reference',
        owner: 'ecommerce',
        message: `reference "${reference}" is ${reference.length} characters; Clarus allows ${CLARUS_LIMITS.reference}`,
      });
    }
    const address = mapAddress(group.address, `${where}shippingAddress`, problems, warnings);
    const carrierServiceId = mapCarrierService(group, ctx, lookups, problems);
    const lines = mapLines(order.lineItems, group.quantities, ctx, lookups, problems);
    if (
      lines.length === 0 &&
      !problems.some((p) => p.code === 'sku_unknown_to_clarus' || p.code === 'missing_sku')
    ) {
      problems.push({
        code: 'no_lines',
        field: `${where}lineItems`,
        owner: 'ecommerce',
        message: 'no line items to send',
      });
    }
    const deliveryNotes = deliveryNotesOf(order, group.address, ctx.mapping);
    plans.push({
      reference,
      shippingKey: group.shippingKey,
      header: {
        goods_out_type: 'sales_order',
        account_id: ctx.accountId,
        reference,
        expected_date_of_dispatch: ctx.now,
        external_system_reference1: order.id,
        ...(ctx.warehouseId !== undefined ? { warehouse_id: ctx.warehouseId } : {}),
        ...(carrierServiceId !== undefined ? { carrier_service_id: carrierServiceId } : {}),
        ...(deliveryNotes ? { delivery_notes: deliveryNotes } : {}),
        ...header,
      },
      address,
      lines,
    });
  }
  return problems.length
    ? { ok: false, problems: dedupe(problems), warnings }
    : { ok: true, plans, warnings };
}

function dedupe(problems: OrderProblem[]): OrderProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.code}|${p.field}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function mapCarrierService(
  group: ShipmentGroup,
  ctx: MappingContext,
  lookups: MappingLookups,
  problems: OrderProblem[],
): number | undefined {
  const map = ctx.mapping.shippingMethodMap;
  if (Object.keys(map).length === 0) return undefined; // no mapping configured: Clarus picks its default
  const methodKey = group.shippingMethodId
    ? lookups.shippingMethodKeys.get(group.shippingMethodId)
    : undefined;
  const code = (methodKey !== undefined ? map[methodKey] : undefined) ?? map['*'];
  const field = group.shippingKey
    ? `shipping[${group.shippingKey}].shippingMethod`
    : 'shippingInfo.shippingMethod';
  if (!code) {
    problems.push({
      code: 'shipping_method_unmapped',
      field,
      owner: 'operations',
      message: `shipping method "${methodKey ?? group.shippingMethodId ?? 'none'}" has no Clarus carrier service in CLARUS_SHIPPING_METHOD_MAP`,
    });
    return undefined;
  }
  const id = lookups.carrierServiceIds.get(code);
  if (id === undefined) {
    problems.push({
      code: 'carrier_service_unknown',
      field,
      owner: 'operations',
      message: `Clarus has no single active carrier service "${code}" (mapped from shipping method "${methodKey ?? 'none'}"); when carriers share the code, map it as "CARRIER:SERVICE"`,
    });
  }
  return id;
}

/** A bundle component as configured on the bundle variant. */
export interface BundleComponent {
  sku: string;
  quantity: number;
}

/**
 * Reads bundle components from a variant attribute. Accepted values: JSON text
 * `[{"sku":"A","quantity":2}]`, or a set/list of texts `"A"` / `"A:2"` / `"A x2"`.
 * Returns undefined when the variant is not a bundle, or null when the attribute is malformed.
 */
export function bundleComponentsOf(
  line: LineItem,
  attribute: string | undefined,
): BundleComponent[] | undefined | null {
  return bundleComponentsOfVariant(line.variant, attribute);
}

/** `bundleComponentsOf` for a product variant (a line item's variant or one read from the catalogue). */
export function bundleComponentsOfVariant(
  variant: { attributes?: readonly Attribute[] },
  attribute: string | undefined,
): BundleComponent[] | undefined | null {
  if (!attribute) return undefined;
  const raw = variant.attributes?.find((a) => a.name === attribute)?.value as unknown;
  if (raw === undefined || raw === null || raw === '') return undefined;
  let items: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        items = JSON.parse(text);
      } catch {
        return null;
      }
    } else items = text.split(/[,;\n]/);
  }
  if (!Array.isArray(items)) return null;
  const components: BundleComponent[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      const m = /^\s*([^:\s]+)\s*(?:[:x×]\s*(\d+))?\s*$/.exec(item);
      if (!m?.[1]) return null;
      components.push({ sku: m[1], quantity: m[2] ? Number(m[2]) : 1 });
    } else if (item && typeof item === 'object' && typeof (item as BundleComponent).sku === 'string') {
      const quantity = Number((item as BundleComponent).quantity ?? 1);
      if (!Number.isInteger(quantity) || quantity <= 0) return null;
      components.push({ sku: (item as BundleComponent).sku, quantity });
    } else return null;
  }
  return components.length ? components : null;
}

function mapLines(
  lineItems: LineItem[],
  quantities: Map<string, number>,
  ctx: MappingContext,
  lookups: MappingLookups,
  problems: OrderProblem[],
): GoodsOutLineDraft[] {
  const lines: GoodsOutLineDraft[] = [];
  const addLine = (sku: string, quantity: number, lineItemId: string) => {
    const code = ctx.skus.toClarus(sku);
    const productId = lookups.productIds.get(code);
    if (productId === undefined) {
      problems.push({
        code: 'sku_unknown_to_clarus',
        field: `lineItems[${lineItemId}]`,
        owner: 'operations',
        sku,
        message: `SKU ${sku} (Clarus code ${code}) is not a Clarus product`,
      });
      return;
    }
    lines.push({
      product_id: productId,
      order_quantity: quantity,
      alt_product_code: sku,
      alt_line_reference: lineItemId,
    });
  };
  for (const line of lineItems) {
    const quantity = quantities.get(line.id);
    if (!quantity) continue;
    const sku = line.variant.sku;
    if (!sku) {
      problems.push({
        code: 'missing_sku',
        field: `lineItems[${line.id}]`,
        owner: 'ecommerce',
        message: `line item ${line.id} has no SKU`,
      });
      continue;
    }
    if (ctx.mapping.bundleMode === 'expand') {
      const components = bundleComponentsOf(line, ctx.mapping.bundleComponentsAttribute);
      if (components === null) {
        problems.push({
          code: 'invalid_bundle',
          field: `lineItems[${line.id}].${ctx.mapping.bundleComponentsAttribute}`,
          owner: 'operations',
          sku,
          message: `bundle ${sku} has an unreadable components attribute`,
        });
        continue;
      }
      if (components) {
        for (const c of components) addLine(c.sku, c.quantity * quantity, line.id);
        continue;
      }
    }
    addLine(sku, quantity, line.id);
  }
  return lines;
}

/**
 * The SKUs and units a line puts into the warehouse: a bundle's components in `expand` mode (what Clarus
 * allocates and picks), otherwise the line's own SKU. A malformed bundle counts as its own SKU here; the
 * mapping reports it as a problem.
 */
export function warehouseUnitsOf(
  line: LineItem,
  mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>,
  quantity = line.quantity,
): BundleComponent[] {
  const sku = line.variant.sku;
  if (!sku) return [];
  const components =
    mapping.bundleMode === 'expand' ? bundleComponentsOf(line, mapping.bundleComponentsAttribute) : undefined;
  return components
    ? components.map((c) => ({ sku: c.sku, quantity: c.quantity * quantity }))
    : [{ sku, quantity }];
}

/** Every Clarus product code the order needs (for one batched lookup before mapping). */
export function productCodesOf(order: Order, mapping: MappingConfig, skus: SkuTranslator): string[] {
  return [
    ...new Set(
      order.lineItems.flatMap((line) => warehouseUnitsOf(line, mapping).map((u) => skus.toClarus(u.sku))),
    ),
  ];
}

/** Shipping method ids used by the order (single or multi-shipment). */
export function shippingMethodIdsOf(order: Order): string[] {
  return [
    ...new Set(
      shipmentGroups(order)
        .map((g) => g.shippingMethodId)
        .filter((id): id is string => !!id),
    ),
  ];
}
