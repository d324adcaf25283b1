/**
 * Types for the Clarus API, hand-written from clarus-api.json (OpenAPI 3.0.3).
 * Wire types (request bodies) keep Clarus' snake_case names; read helpers return camelCase domain objects.
 */

// ---------------------------------------------------------------------------------------------------
// Call options
// ---------------------------------------------------------------------------------------------------

export interface ClarusCallOptions {
  /** Epoch ms after which the call must have finished; waiting for the rate limiter counts against it. */
  deadline?: number;
  /** Aborts the call; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ClarusPageOptions extends ClarusCallOptions {
  /** Nodes per GraphQL page (`first`); defaults to the client's page size (100). */
  pageSize?: number;
  /** Resume after this cursor (a page's `endCursor`), e.g. from a job checkpoint. */
  after?: string;
}

// ---------------------------------------------------------------------------------------------------
// REST bodies: components.schemas.GoodsOutAttributes, GoodsOutLineChange, Address
// ---------------------------------------------------------------------------------------------------

export type GoodsOutType = 'sales_order' | 'work_order' | 'crossdock';
export type DispatchStrategy = 'manual' | 'auto' | 'load' | 'shipment' | 'auto_shipment';
export type PackStrategy = 'disabled' | 'pack_by_line' | 'pack_by_unit';

/** Goods out header (GoodsOutAttributes). Required for create: type, account, reference, dispatch date. */
export interface GoodsOutAttributes {
  goods_out_type: GoodsOutType;
  account_id: number;
  /** maxLength 50. */
  reference: string;
  /** ISO 8601 date-time. */
  expected_date_of_dispatch: string;
  actual_date_of_dispatch?: string | null;
  carrier_id?: number | null;
  carrier_service_id?: number | null;
  customer_id?: number | null;
  delivery_notes?: string | null;
  dispatch_strategy?: DispatchStrategy | null;
  drop_sequence?: number | null;
  external_system_reference1?: string | null;
  external_system_reference2?: string | null;
  external_system_reference3?: string | null;
  goods_out_status_id?: number | null;
  integration_id?: number | null;
  lines_changes?: GoodsOutLineChange[];
  load_reference?: string | null;
  location_id?: number | null;
  order_notes?: string | null;
  order_type_id?: number | null;
  original_delivery_address_id?: number | null;
  pack_strategy?: PackStrategy | null;
  /** maxLength 255. */
  packing_notes?: string | null;
  pick_notes?: string | null;
  pick_reference?: string | null;
  pick_type?: 'standard' | 'tote' | null;
  /** 1 (highest) … 99. */
  priority?: number | null;
  short_order_lines_description?: string | null;
  short_order_lines_reason_code_id?: number | null;
  warehouse_id?: number | null;
  string1?: string | null;
  string2?: string | null;
  string3?: string | null;
  string4?: string | null;
  string5?: string | null;
  integer1?: number | null;
  integer2?: number | null;
  integer3?: number | null;
  integer4?: number | null;
  integer5?: number | null;
  datetime1?: string | null;
  datetime2?: string | null;
  datetime3?: string | null;
  datetime4?: string | null;
  datetime5?: string | null;
  boolean1?: boolean | null;
  boolean2?: boolean | null;
  boolean3?: boolean | null;
  boolean4?: boolean | null;
  boolean5?: boolean | null;
}

/** Line attributes (GoodsOutLineChange.attributes). */
export interface GoodsOutLineAttributes {
  product_id?: number;
  /** > 0. */
  order_quantity?: number;
  alt_line_note?: string | null;
  alt_line_number?: string | null;
  alt_line_reference?: string | null;
  alt_product_code?: string | null;
  carrier_id?: number | null;
  carrier_service_id?: number | null;
  dispatch_strategy?: DispatchStrategy | null;
  external_system_reference1?: string | null;
  external_system_reference2?: string | null;
  external_system_reference3?: string | null;
  goods_in_receipt_line_id?: number | null;
  order_quantity_dimension?: 'length' | 'area' | 'volume' | 'weight' | 'none' | null;
  ordered_configurations_quantity?: number | null;
  pack_strategy?: PackStrategy | null;
  stock_configuration?: 'unit' | 'case' | 'inner' | 'outer' | null;
  stock_description?: string | null;
  stock_to_pick_id?: number | null;
  storage_unit_reference?: string | null;
  string1?: string | null;
  string2?: string | null;
  string3?: string | null;
  string4?: string | null;
  string5?: string | null;
  integer1?: number | null;
  integer2?: number | null;
  integer3?: number | null;
  integer4?: number | null;
  integer5?: number | null;
  datetime1?: string | null;
  datetime1_from?: string | null;
  datetime1_to?: string | null;
  datetime2?: string | null;
  datetime2_from?: string | null;
  datetime2_to?: string | null;
  datetime3?: string | null;
  datetime3_from?: string | null;
  datetime3_to?: string | null;
  datetime4?: string | null;
  datetime4_from?: string | null;
  datetime4_to?: string | null;
  datetime5?: string | null;
  datetime5_from?: string | null;
  datetime5_to?: string | null;
  boolean1?: boolean | null;
  boolean2?: boolean | null;
  boolean3?: boolean | null;
  boolean4?: boolean | null;
  boolean5?: boolean | null;
}

/**
 * One entry of `lines_changes`. The schema's enum is ADD / UPDATE / DESTROY (the PATCH page's prose
 * example says REMOVE; the schema is the contract).
 */
export type GoodsOutLineChange =
  | { type: 'ADD'; attributes: GoodsOutLineAttributes & { product_id: number; order_quantity: number } }
  | { type: 'UPDATE'; id: number; attributes?: GoodsOutLineAttributes }
  | { type: 'DESTROY'; id: number };

/** Delivery address (Address). `code` is read-only on inline addresses, so it is not sendable here. */
export interface ClarusAddress {
  name?: string | null;
  /** maxLength 80 each; address_3 = town/city, address_4 = county/region. */
  address_1?: string | null;
  address_2?: string | null;
  address_3?: string | null;
  address_4?: string | null;
  address_5?: string | null;
  /** ISO 3166-1 alpha-2 (schema maxLength 6). */
  country_code?: string | null;
  /** maxLength 10. */
  postcode?: string | null;
  /** maxLength 254. */
  email_address?: string | null;
  /** maxLength 50. */
  phone_number?: string | null;
  external_system_reference1?: string | null;
  external_system_reference2?: string | null;
  external_system_reference3?: string | null;
}

/** Input of `createGoodsOut`: the header (with `lines_changes`) and the delivery address. */
export interface GoodsOutDraft {
  attributes: GoodsOutAttributes;
  address?: ClarusAddress;
}

/** Input of `updateGoodsOut`: only what changes. */
export interface GoodsOutPatch {
  attributes?: Partial<GoodsOutAttributes>;
  address?: ClarusAddress;
}

/** The JSON:API document sent to `POST /goods_outs` and `PATCH /goods_outs/{id}`. */
export interface GoodsOutRequestBody {
  data: {
    type: 'goods_outs';
    attributes: Partial<GoodsOutAttributes>;
    relationships?: { address: { data: { type: 'addresses'; attributes: ClarusAddress } } };
  };
}

/** What a successful write returns (`{data:{id, type, attributes}}`), id as a number. */
export interface GoodsOutRecord {
  id: number;
  type: string;
  attributes: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------
// GraphQL lists
// ---------------------------------------------------------------------------------------------------

/** Filter variable type per list, as clarus-api.json names them. */
export const CLARUS_LIST_FILTER_TYPES = {
  goods_outs: 'GoodsOutsFilterType',
  goods_out_lines: 'GoodsOutLineFilterType',
  shipments: 'ShipmentFilterType',
  packages: 'PackageFilterType',
  products: 'ProductsFilterType',
  stock_balances: 'StockBalancesFilterType',
  carrier_services: 'CarrierServiceFilterType',
  warehouses: 'WarehouseFilterType',
} as const;

export type ClarusList = keyof typeof CLARUS_LIST_FILTER_TYPES;

/** A GraphQL filter: field → operator object (`{eq}`, `{in}`, `{ilike}`, `{from, to}`, …). */
export type ClarusFilter = Record<string, Record<string, unknown>>;

export interface ClarusPage<TNode> {
  nodes: TNode[];
  hasNextPage: boolean;
  /** Cursor of the last edge; pass as `after` to resume. Null when the page was empty. */
  endCursor: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Domain objects returned by the read helpers
// ---------------------------------------------------------------------------------------------------

export interface ClarusRef {
  id: number;
  code: string;
}

export interface ClarusGoodsOutSummary {
  id: number;
  reference: string;
  /** e.g. `{code: 'PENDING', name: 'Pending'}`; null when Clarus returns none. */
  status: { code: string; name: string | null } | null;
}

export interface ClarusProduct {
  id: number;
  code: string;
  barcode: string | null;
  /** Documented on the `products` node; optional here so older fixtures without it still type-check. */
  description?: string | null;
  productType: string | null;
}

export interface ClarusGoodsOutLine {
  id: number;
  orderQuantity: number;
  allocatedQuantity: number;
  pickQuantity: number;
  dispatchQuantity: number;
  shortStatus: string | null;
  product: ClarusRef | null;
  goodsOut: { id: number; reference: string } | null;
  /** Undefined when the tenant's GraphQL does not expose `alt_line_reference` on lines. */
  altLineReference: string | null | undefined;
}

export interface ClarusCarrierRef {
  id: number;
  code: string;
  name: string | null;
}

export interface ClarusShipment {
  id: number;
  reference: string | null;
  status: string | null;
  carrier: ClarusCarrierRef | null;
  carrierService: ClarusCarrierRef | null;
}

export interface ClarusPackage {
  id: number;
  trackingNumber: string | null;
  shipment: { id: number; reference: string | null } | null;
}

export interface ClarusCarrierService {
  id: number;
  code: string;
  name: string | null;
  active: boolean | null;
  carrier: ClarusRef | null;
}

export interface ClarusStockBalance {
  available: number;
  allocated: number;
  product: ClarusRef;
  warehouseId: number | null;
}

export interface ClarusWarehouse {
  id: number;
  code: string;
  name: string | null;
}

export interface StockBalanceQuery {
  /**
   * Optional: the client reads its own account (`CLARUS_ACCOUNT_ID`) only. When given it must be that
   * account (a `RangeError` otherwise); kept so that callers naming it keep working.
   */
  accountId?: number;
  warehouseId?: number;
  /** Limit to these product codes (sent in chunks); all products when absent. */
  productCodes?: string[];
}
