/**
 * Public types of the Clarus WMS simulator. Record shapes follow the Clarus OpenAPI file
 * (`clarus-api.json`); anything the spec does not document is listed in ASSUMPTIONS.md.
 */

export interface ClarusSimulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The tenant expected in `X-Clarus-Subdomain`. Default 'acme'. */
  subdomain?: string;
  /** Default 'sim-client'. */
  clientId?: string;
  /** Default 'sim-secret'. */
  clientSecret?: string;
  /**
   * The tenant's first stock account (stock owner), the one the product under test is configured with.
   * Default 1. Tests add other accounts (a 3PL's other clients) with `seedAccount`.
   */
  accountId?: number;
  /** Where the REST mutations live. Default '/api' (the spec's code samples use '/api/v1'). */
  restPrefix?: string;
  /** Lifetime of issued access tokens. Default 7200. */
  tokenTtlSeconds?: number;
  /**
   * Whether `goods_out_lines` nodes expose `alt_line_reference`. Default true. When false the field is
   * absent from the GraphQL schema, as it may be on a real tenant (reading it back is not documented).
   */
  exposeLineReference?: boolean;
  /**
   * Allocate stock to new goods outs at creation (PENDING → ALLOCATED / PART_ALLOCATED). Default true.
   * When false every new goods out stays PENDING until a test moves it.
   */
  autoAllocate?: boolean;
  webhooks?: WebhookTargets;
  /** Clock in epoch milliseconds, for token-expiry tests. Default Date.now. */
  now?: () => number;
}

export interface WebhookTargets {
  /** Automation "sales order completed": receives the full goods out record. Includes its `?token=`. */
  dispatchUrl?: string;
  /** Automation "stock adjustment positive/negative": receives the stock adjustment record. */
  stockUrl?: string;
}

export const GOODS_OUT_STATUS_CODES = [
  'DRAFT',
  'PENDING',
  'PICK',
  'ALLOCATED',
  'PART_ALLOCATED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type GoodsOutStatusCode = (typeof GOODS_OUT_STATUS_CODES)[number];

export type ShipmentStatus = 'pending' | 'dispatched' | 'cancelled';

export interface Address {
  address_1: string | null;
  address_2: string | null;
  address_3: string | null;
  address_4: string | null;
  postcode: string | null;
  country_code: string | null;
}

export interface Warehouse {
  id: number;
  code: string;
  name: string;
  address: Address;
}

export interface Product {
  id: number;
  code: string;
  barcode: string | null;
  description: string | null;
  long_description: string | null;
  product_type: string;
  units_per_case: number;
  shelf_life_min: number | null;
  shelf_life_max: number | null;
  commodity_code: string | null;
  country_of_manufacture: string | null;
  /** The stock account it is assigned to; null after `POST /api/products` until `account_products`. */
  account_id: number | null;
  stock_unit_type_id: number;
  external_system_reference1: string | null;
  /** Components of a bill of materials (`POST /api/products/{id}/materials`). */
  materials: { child_product_id: number; quantity: number }[];
}

export interface Carrier {
  id: number;
  code: string;
  name: string;
}

export interface CarrierService {
  id: number;
  code: string;
  name: string;
  active: boolean;
  is_default: boolean;
  external_preset_id: number | null;
  carrier: Carrier;
}

export interface StockBalance {
  product_id: number;
  product_code: string;
  account_id: number;
  warehouse_id: number;
  available: number;
  allocated: number;
  ordered: number;
  received: number;
  picked: number;
}

/** Header attributes as stored (GoodsOutAttributes minus `lines_changes`). */
export interface GoodsOutAttributesRecord {
  goods_out_type: string;
  account_id: number;
  reference: string;
  expected_date_of_dispatch: string;
  warehouse_id: number;
  carrier_id: number | null;
  carrier_service_id: number | null;
  external_system_reference1?: string | null;
  [attribute: string]: unknown;
}

export interface GoodsOutLineRecord {
  id: number;
  goods_out_id: number;
  product_id: number;
  product_code: string;
  order_quantity: number;
  allocated_quantity: number;
  pick_quantity: number;
  dispatch_quantity: number;
  /** '' normally; 'short' on a line a completed goods out did not fully dispatch. */
  short_status: string;
  created_at: string;
  /** Every other line attribute sent in `lines_changes` (alt_product_code, alt_line_reference, …). */
  attributes: Record<string, unknown>;
}

export interface Package {
  id: number;
  shipment_id: number;
  tracking_number: string;
  storage_unit_type: { id: number; code: string };
}

export interface ShipmentLine {
  line_id: number;
  product_code: string;
  quantity: number;
}

export interface Shipment {
  id: number;
  goods_out_id: number;
  reference: string;
  name: string;
  status: ShipmentStatus;
  delivery_notes: string | null;
  collection_datetime: string | null;
  label_filename: string;
  carrier: Carrier | null;
  carrier_service: { id: number; code: string; name: string } | null;
  warehouse_id: number;
  lines: ShipmentLine[];
  packages: Package[];
}

export interface GoodsOutRecord {
  id: number;
  status: GoodsOutStatusCode;
  attributes: GoodsOutAttributesRecord;
  address: Record<string, string | null> | null;
  lines: GoodsOutLineRecord[];
  shipments: Shipment[];
  created_at: string;
  updated_at: string;
}

export interface DispatchShipmentSpec {
  /** Default: every line's remaining quantity. Quantities are spread over lines with that product code. */
  lines?: { productCode: string; quantity: number }[];
  /** A number of packages (tracking numbers generated) or one entry per package. Default 1. */
  packages?: number | { tracking_number?: string }[];
  /** 'pending' = picked, packed and labelled but not yet dispatched (carrier manifest open). Default 'dispatched'. */
  status?: 'pending' | 'dispatched';
}

export interface DispatchOptions {
  /** Default: one shipment with every line fully dispatched and one package. */
  shipments?: DispatchShipmentSpec[];
  /**
   * Move the goods out to COMPLETED. Default: when every line is fully dispatched. `true` with lines
   * not fully dispatched is a short shipment; `false` keeps it in PICK.
   */
  complete?: boolean;
  /** Send the dispatch automation call (when a dispatch URL is configured). Default true. */
  fireWebhook?: boolean;
}

export interface DispatchResult {
  shipments: Shipment[];
  /** HTTP status the webhook receiver answered; 0 when it could not be reached; absent when not sent. */
  webhookStatus?: number;
}

/** One row for `setStock`. */
export interface StockEntry {
  productCode: string;
  available: number;
  allocated?: number;
  /** Default: the tenant's default warehouse. */
  warehouseId?: number;
  /** The account whose product `productCode` is (default: the first account). */
  accountId?: number;
}

/** A goods out placed by someone else (another client on a shared tenant), for `seedGoodsOut`. */
export interface GoodsOutSeed {
  /** Default: the first account. */
  accountId?: number;
  reference: string;
  /** Product codes of the seed's account. */
  lines?: { productCode: string; quantity: number }[];
  externalSystemReference1?: string;
}

export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Path prefix, e.g. '/graphql' or '/api/goods_outs'. Only a match on '/oauth…' reaches the token route. */
  path?: string;
}

/**
 * Injected failures. `count` = the next N matching requests (for `server_error` with `every`: the next N
 * failures); without `count` a fault stays until `clearFaults()`. Faults are deterministic.
 */
export type Fault =
  | { kind: 'rate_limit'; count?: number; retryAfterSeconds?: number; match?: FaultMatch }
  | { kind: 'server_error'; count?: number; status?: number; every?: number; match?: FaultMatch }
  | { kind: 'latency'; ms: number; count?: number; match?: FaultMatch }
  | { kind: 'hang'; count?: number; match?: FaultMatch }
  | { kind: 'drop'; count?: number; match?: FaultMatch }
  /** The request is processed (a create commits), then the connection is dropped: the answer is lost. */
  | { kind: 'drop_after_commit'; count?: number; match?: FaultMatch }
  /**
   * Test fault: GraphQL paging stops advancing. A list page asked for `after` a cursor is answered with
   * `pageInfo {hasNextPage: true, endCursor: <that same cursor>}` (first pages are untouched). `list`
   * limits it to one root field (e.g. `stock_balances`); `count` = the next N such pages.
   */
  | { kind: 'cursor_stall'; list?: string; count?: number; match?: FaultMatch }
  /**
   * Test fault: a permanent validation refusal (422, documented error shape) of a request the client could
   * not have foreseen, e.g. Clarus-side master data. `symbol` default `invalid`, `attribute` default `base`.
   */
  | { kind: 'rejection'; symbol?: string; attribute?: string; count?: number; match?: FaultMatch }
  /**
   * Benchmark fault: a tenant-wide rate limit of `perSecond` requests (a token bucket holding one second's
   * worth, refilled continuously), shared by every client. A request beyond it is answered like
   * `rate_limit`, with `Retry-After` = whole seconds until a token is free (at least 1).
   */
  | { kind: 'tenant_rate'; perSecond: number; count?: undefined; match?: FaultMatch };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, unknown>;
  /** Header names lower-cased. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON or form body; undefined when none. */
  body: unknown;
  /** Response status; undefined while unanswered (and for hung or dropped requests). */
  status?: number;
  /** Set when an injected fault answered (or swallowed) the request. */
  fault?: Fault['kind'];
  /** Arrival time, epoch milliseconds (simulator clock). */
  at: number;
}

export interface ClarusSimulator {
  url: string;
  subdomain: string;
  clientId: string;
  clientSecret: string;
  accountId: number;
  defaultWarehouseId: number;
  close(): Promise<void>;
  seedWarehouses(ws: { code: string; name?: string }[]): Warehouse[];
  /** Adds (or renames) a stock account of the tenant; the code defaults to `ACCOUNT<id>`. */
  seedAccount(account: { id: number; code?: string }): { id: number; code: string };
  /** Upserts by code within `accountId` (default: the first account); codes may repeat across accounts. */
  seedProducts(
    ps: { code: string; barcode?: string; description?: string; product_type?: string; accountId?: number }[],
  ): Product[];
  /** A goods out placed by someone else, e.g. another account's order with a colliding reference. */
  seedGoodsOut(seed: GoodsOutSeed): GoodsOutRecord;
  /** Upserts by code (and carrier, when given: codes may repeat across carriers); `active` defaults to true. */
  seedCarrierServices(
    cs: { code: string; name?: string; carrierCode?: string; carrierName?: string; active?: boolean }[],
  ): CarrierService[];
  setStock(entries: StockEntry[]): void;
  adjustStock(
    productCode: string,
    delta: number,
    opts?: { warehouseId?: number; fireWebhook?: boolean; accountId?: number },
  ): Promise<void>;
  stockBalances(): StockBalance[];
  configureWebhooks(w: WebhookTargets): void;
  dispatch(goodsOutId: number, opts?: DispatchOptions): Promise<DispatchResult>;
  /** Moves a 'pending' shipment to 'dispatched' (the carrier manifest closed). */
  dispatchShipment(
    shipmentId: number,
    opts?: { complete?: boolean; fireWebhook?: boolean },
  ): Promise<DispatchResult>;
  /**
   * Re-labels a dispatched package (new tracking number; with `carrierServiceCode` its shipment moves to that
   * carrier service) and fires the dispatch webhook unless `fireWebhook: false`.
   */
  relabelPackage(
    packageId: number,
    opts?: { trackingNumber?: string; carrierServiceCode?: string; fireWebhook?: boolean },
  ): Promise<DispatchResult>;
  fireDispatchWebhook(goodsOutId: number): Promise<number>;
  /** Every product of the tenant (copies), assigned or not. */
  products(): Product[];
  goodsOuts(): GoodsOutRecord[];
  setGoodsOutStatus(id: number, code: string): void;
  injectFault(f: Fault): void;
  clearFaults(): void;
  readonly requests: RecordedRequest[];
  resetRequests(): void;
  revokeTokens(): void;
}
