import { z } from 'zod';
import type { AccountOwned } from './account-scope';
import { ClarusUnexpectedResponseError } from './errors';
import type {
  ClarusCarrierService,
  ClarusGoodsOutLine,
  ClarusGoodsOutSummary,
  ClarusPackage,
  ClarusProduct,
  ClarusShipment,
  ClarusStockBalance,
  ClarusWarehouse,
} from './types';

/**
 * Node selections and their parsers, one per list. Selections hold only fields clarus-api.json documents
 * for that list (a tenant rejects unknown fields), except `alt_line_reference`, which the lines reader
 * asks for separately and drops when the tenant does not know it.
 */
export const NODE_FIELDS = {
  // `account { id }` (documented on goods_outs and stock_balances nodes) proves whose record it is.
  goodsOut: 'id reference goods_out_status { code name } account { id }',
  product: 'id code barcode description product_type',
  goodsOutLine:
    'id order_quantity allocated_quantity pick_quantity dispatch_quantity short_status product { id code } goods_out { id reference }',
  shipment: 'id reference status carrier { id code name } carrier_service { id code name }',
  package: 'id tracking_number shipment { id reference }',
  carrierService: 'id code name active carrier { id code }',
  stockBalance: 'available allocated product { id code } account { id } warehouse { id }',
  warehouse: 'id code name',
} as const;

/** The undocumented line field: requested, and dropped per client when the tenant refuses it. */
export const ALT_LINE_REFERENCE_FIELD = 'alt_line_reference';

// GraphQL ids arrive as strings ("1024"); domain objects carry numbers.
const id = z
  .union([z.string().regex(/^\d+$/), z.number().int()])
  .transform(Number)
  .pipe(z.number().int().positive());
// Decimals may arrive as numbers or strings; a missing quantity counts as zero.
const quantity = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? 0 : Number(v)))
  .pipe(z.number());
const text = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);
const ref = z.object({ id, code: z.string() });
const carrierRef = z.object({ id, code: z.string(), name: text });

// A node naming no account is kept as `accountId: null` (and then never used: see account-scope.ts).
const account = z
  .object({ id })
  .nullable()
  .optional()
  .transform((a) => a?.id ?? null);

const goodsOutNode = z
  .object({
    id,
    reference: z.string(),
    goods_out_status: z.object({ code: z.string(), name: text }).nullable().optional(),
    account,
  })
  .transform((n): AccountOwned<ClarusGoodsOutSummary> => ({
    accountId: n.account,
    value: {
      id: n.id,
      reference: n.reference,
      status: n.goods_out_status ? { code: n.goods_out_status.code, name: n.goods_out_status.name } : null,
    },
  }));

const productNode = z
  .object({ id, code: z.string(), barcode: text, description: text, product_type: text })
  .transform((n): ClarusProduct => ({
    id: n.id,
    code: n.code,
    barcode: n.barcode,
    description: n.description,
    productType: n.product_type,
  }));

const goodsOutLineNode = z
  .object({
    id,
    order_quantity: quantity,
    allocated_quantity: quantity,
    pick_quantity: quantity,
    dispatch_quantity: quantity,
    short_status: text,
    product: ref.nullable().optional(),
    goods_out: z.object({ id, reference: z.string() }).nullable().optional(),
    alt_line_reference: z.string().nullable().optional(),
  })
  .transform((n): ClarusGoodsOutLine => ({
    id: n.id,
    orderQuantity: n.order_quantity,
    allocatedQuantity: n.allocated_quantity,
    pickQuantity: n.pick_quantity,
    dispatchQuantity: n.dispatch_quantity,
    shortStatus: n.short_status,
    product: n.product ?? null,
    goodsOut: n.goods_out ?? null,
    altLineReference: n.alt_line_reference,
  }));

const shipmentNode = z
  .object({
    id,
    reference: text,
    status: text,
    carrier: carrierRef.nullable().optional(),
    carrier_service: carrierRef.nullable().optional(),
  })
  .transform((n): ClarusShipment => ({
    id: n.id,
    reference: n.reference,
    status: n.status,
    carrier: n.carrier ?? null,
    carrierService: n.carrier_service ?? null,
  }));

const packageNode = z
  .object({
    id,
    tracking_number: text,
    shipment: z.object({ id, reference: text }).nullable().optional(),
  })
  .transform((n): ClarusPackage => ({
    id: n.id,
    trackingNumber: n.tracking_number,
    shipment: n.shipment ?? null,
  }));

const carrierServiceNode = z
  .object({
    id,
    code: z.string(),
    name: text,
    active: z.boolean().nullable().optional(),
    carrier: ref.nullable().optional(),
  })
  .transform((n): ClarusCarrierService => ({
    id: n.id,
    code: n.code,
    name: n.name,
    active: n.active ?? null,
    carrier: n.carrier ?? null,
  }));

const stockBalanceNode = z
  .object({
    available: quantity,
    allocated: quantity,
    product: ref,
    account,
    warehouse: z.object({ id }).nullable().optional(),
  })
  .transform((n): AccountOwned<ClarusStockBalance> => ({
    accountId: n.account,
    value: {
      available: n.available,
      allocated: n.allocated,
      product: n.product,
      warehouseId: n.warehouse?.id ?? null,
    },
  }));

const warehouseNode = z
  .object({ id, code: z.string(), name: text })
  .transform((n): ClarusWarehouse => ({ id: n.id, code: n.code, name: n.name }));

export type NodeParser<T> = (node: unknown) => T;

function parserFor<T>(schema: z.ZodType<T, unknown>, list: string): NodeParser<T> {
  return (node) => {
    const parsed = schema.safeParse(node);
    if (parsed.success) return parsed.data;
    // Name the fields, never their values (a node may carry personal data).
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(node)'}: ${i.code}`).join(', ');
    throw new ClarusUnexpectedResponseError(
      { operation: `POST /graphql ${list}` },
      `unreadable ${list} node (${where})`,
    );
  };
}

export const parseNode = {
  goodsOut: parserFor(goodsOutNode, 'goods_outs'),
  product: parserFor(productNode, 'products'),
  goodsOutLine: parserFor(goodsOutLineNode, 'goods_out_lines'),
  shipment: parserFor(shipmentNode, 'shipments'),
  package: parserFor(packageNode, 'packages'),
  carrierService: parserFor(carrierServiceNode, 'carrier_services'),
  stockBalance: parserFor(stockBalanceNode, 'stock_balances'),
  warehouse: parserFor(warehouseNode, 'warehouses'),
};
