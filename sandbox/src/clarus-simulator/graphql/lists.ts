import { STATUS_NAMES } from '../goods-outs';
import { carrierOf } from '../shipments';
import type { GoodsOutState, LineState, Store } from '../store';
import type { CarrierService, Package, Product, Shipment, StockBalance, Warehouse } from '../types';
import type { OperatorKind } from './filters';

/**
 * The documented lists: for each, the filters from the spec's "Available Filters" table (name and
 * input type) and the node built with exactly the fields of the spec's example query.
 */
export interface ListDefinition<R> {
  /** Root field, e.g. `goods_outs`. */
  field: string;
  /** Filter input type name, as in the spec's example (`query($filter: GoodsOutsFilterType)`). */
  filterType: string;
  /** Node object type name (the spec does not name it). */
  nodeType: string;
  /** A getter returning an array (e.g. `all_codes`) matches when any element matches. */
  filters: Record<string, { kind: OperatorKind; get: (record: R, store: Store) => unknown }>;
  /** Records in id order, which keeps offset cursors stable. */
  records: (store: Store) => R[];
  /**
   * Filters whose values change only where the store's revision is bumped (`store.touch()`): their `eq`/`in`
   * are answered from an index and their results kept between pages (list-index.ts). Absent: scanned.
   */
  indexed?: string[];
  node: (record: R, store: Store) => Record<string, unknown>;
}

const byId = <T extends { id: number }>(items: Iterable<T>): T[] => [...items].sort((a, b) => a.id - b.id);

const warehouseRef = (store: Store, id: number) => {
  const w = store.warehouses.get(id);
  return w ? { id: w.id, code: w.code, name: w.name } : null;
};

const accountRef = (store: Store, id: number) => {
  const account = store.accounts.get(id);
  return { id, code: account?.code ?? null };
};

const goodsOutOf = (store: Store, line: LineState): GoodsOutState | undefined =>
  store.goodsOuts.get(line.goods_out_id);

const lineCarrierId = (store: Store, line: LineState): number | null => {
  if (typeof line.attributes.carrier_id === 'number') return line.attributes.carrier_id;
  const goodsOut = goodsOutOf(store, line);
  return goodsOut ? (carrierOf(store, goodsOut)?.id ?? null) : null;
};

/** The spec's example shows a date (`"2026-03-11"`) for a value created as a date-time. */
const dateOnly = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, 10) : null);

const goodsOuts: ListDefinition<GoodsOutState> = {
  field: 'goods_outs',
  filterType: 'GoodsOutsFilterType',
  nodeType: 'GoodsOut',
  filters: {
    reference: { kind: 'string', get: (g) => g.attributes.reference },
    goods_out_status_code: { kind: 'string', get: (g) => g.status },
    account_id: { kind: 'id', get: (g) => g.attributes.account_id },
    warehouse_id: { kind: 'id', get: (g) => g.attributes.warehouse_id },
    carrier_id: { kind: 'id', get: (g, store) => carrierOf(store, g)?.id ?? null },
    expected_date_of_dispatch: { kind: 'datetime', get: (g) => g.attributes.expected_date_of_dispatch },
  },
  records: (store) => byId(store.goodsOuts.values()),
  indexed: ['reference', 'account_id', 'warehouse_id', 'expected_date_of_dispatch'],
  node: (g, store) => {
    const carrier = carrierOf(store, g);
    const warehouse = warehouseRef(store, g.attributes.warehouse_id);
    return {
      id: g.id,
      reference: g.attributes.reference,
      priority: g.attributes.priority ?? null,
      expected_date_of_dispatch: dateOnly(g.attributes.expected_date_of_dispatch),
      goods_out_status: { code: g.status, name: STATUS_NAMES[g.status] },
      account: accountRef(store, g.attributes.account_id),
      warehouse: warehouse && { id: warehouse.id, code: warehouse.code },
      carrier: carrier && { id: carrier.id, code: carrier.code },
      external_system_reference1: g.attributes.external_system_reference1 ?? null,
    };
  },
};

const goodsOutLines: ListDefinition<LineState> = {
  field: 'goods_out_lines',
  filterType: 'GoodsOutLineFilterType',
  nodeType: 'GoodsOutLine',
  filters: {
    goods_out_id: { kind: 'id', get: (l) => l.goods_out_id },
    product_id: { kind: 'id', get: (l) => l.product_id },
    account_id: { kind: 'id', get: (l, store) => goodsOutOf(store, l)?.attributes.account_id ?? null },
    warehouse_id: { kind: 'id', get: (l, store) => goodsOutOf(store, l)?.attributes.warehouse_id ?? null },
    goods_out_status_code: { kind: 'status', get: (l, store) => goodsOutOf(store, l)?.status ?? null },
    carrier_id: { kind: 'id', get: (l, store) => lineCarrierId(store, l) },
    order_quantity: { kind: 'decimal', get: (l) => l.order_quantity },
    pick_quantity: { kind: 'decimal', get: (l) => l.pick_quantity },
    created_at: { kind: 'datetime', get: (l) => l.created_at },
  },
  records: (store) => store.lines(),
  indexed: ['goods_out_id', 'product_id', 'account_id', 'warehouse_id', 'order_quantity', 'created_at'],
  node: (l, store) => {
    const product = store.products.get(l.product_id);
    const goodsOut = goodsOutOf(store, l);
    const carrierId = lineCarrierId(store, l);
    return {
      id: l.id,
      order_quantity: l.order_quantity,
      allocated_quantity: l.allocated_quantity,
      pick_quantity: l.pick_quantity,
      dispatch_quantity: l.dispatch_quantity,
      short_status: l.short_status,
      product: product && { id: product.id, code: product.code },
      goods_out: goodsOut && { id: goodsOut.id, reference: goodsOut.attributes.reference },
      carrier: carrierId === null ? null : { id: carrierId },
      alt_line_reference: l.attributes.alt_line_reference ?? null,
    };
  },
};

const shipments: ListDefinition<Shipment> = {
  field: 'shipments',
  filterType: 'ShipmentFilterType',
  nodeType: 'Shipment',
  filters: {
    reference: { kind: 'string', get: (s) => s.reference },
    status: { kind: 'string', get: (s) => s.status },
    carrier_id: { kind: 'id', get: (s) => s.carrier?.id ?? null },
    warehouse_id: { kind: 'id', get: (s) => s.warehouse_id },
    goods_out_id: { kind: 'id', get: (s) => s.goods_out_id },
  },
  records: (store) => byId(store.shipments.values()),
  indexed: ['reference', 'warehouse_id', 'goods_out_id'],
  node: (s, store) => ({
    id: s.id,
    reference: s.reference,
    name: s.name,
    status: s.status,
    delivery_notes: s.delivery_notes,
    collection_datetime: s.collection_datetime,
    label_filename: s.label_filename,
    packages_count: s.packages.length,
    carrier: s.carrier,
    carrier_service: s.carrier_service,
    warehouse: warehouseRef(store, s.warehouse_id),
  }),
};

const packages: ListDefinition<Package> = {
  field: 'packages',
  filterType: 'PackageFilterType',
  nodeType: 'Package',
  filters: {
    shipment_id: { kind: 'id', get: (p) => p.shipment_id },
    shipment_reference: {
      kind: 'string',
      get: (p, store) => store.shipments.get(p.shipment_id)?.reference ?? null,
    },
    storage_unit_id: { kind: 'id', get: () => null },
    storage_unit_type_code: { kind: 'string', get: (p) => p.storage_unit_type.code },
    tracking_number: { kind: 'string', get: (p) => p.tracking_number },
  },
  records: (store) => store.packages(),
  indexed: ['shipment_id', 'shipment_reference'],
  node: (p, store) => {
    const shipment = store.shipments.get(p.shipment_id);
    return {
      id: p.id,
      tracking_number: p.tracking_number,
      shipment: shipment && { id: shipment.id, reference: shipment.reference },
      storage_unit_type: p.storage_unit_type,
    };
  },
};

const products: ListDefinition<Product> = {
  field: 'products',
  filterType: 'ProductsFilterType',
  nodeType: 'Product',
  filters: {
    code: { kind: 'string', get: (p) => p.code },
    barcode: { kind: 'string', get: (p) => p.barcode },
    all_codes: { kind: 'string', get: (p) => [p.code, p.barcode] },
    description: { kind: 'string', get: (p) => p.description },
    account_id: { kind: 'id', get: (p) => p.account_id },
    product_type: { kind: 'string', get: (p) => p.product_type },
  },
  records: (store) => byId(store.products.values()),
  indexed: ['code', 'barcode', 'all_codes', 'description', 'account_id', 'product_type'],
  node: (p) => ({
    id: p.id,
    code: p.code,
    barcode: p.barcode,
    description: p.description,
    long_description: p.long_description,
    product_type: p.product_type,
    units_per_case: p.units_per_case,
    shelf_life_min: p.shelf_life_min,
    shelf_life_max: p.shelf_life_max,
    commodity_code: p.commodity_code,
    country_of_manufacture: p.country_of_manufacture,
  }),
};

const stockBalances: ListDefinition<StockBalance> = {
  field: 'stock_balances',
  filterType: 'StockBalancesFilterType',
  nodeType: 'StockBalance',
  filters: {
    product_id: { kind: 'id', get: (b) => b.product_id },
    product_code: { kind: 'string', get: (b) => b.product_code },
    account_id: { kind: 'id', get: (b) => b.account_id },
    warehouse_id: { kind: 'id', get: (b) => b.warehouse_id },
    available: { kind: 'decimal', get: (b) => b.available },
    allocated: { kind: 'decimal', get: (b) => b.allocated },
    picked: { kind: 'decimal', get: (b) => b.picked },
  },
  records: (store) => store.sortedBalances(),
  indexed: ['product_id', 'product_code', 'account_id', 'warehouse_id'],
  node: (b, store) => ({
    available: b.available,
    allocated: b.allocated,
    ordered: b.ordered,
    received: b.received,
    picked: b.picked,
    product: { id: b.product_id, code: b.product_code },
    account: accountRef(store, b.account_id),
    warehouse: { id: b.warehouse_id },
  }),
};

const carrierServices: ListDefinition<CarrierService> = {
  field: 'carrier_services',
  filterType: 'CarrierServiceFilterType',
  nodeType: 'CarrierService',
  filters: {
    code: { kind: 'string', get: (c) => c.code },
    name: { kind: 'string', get: (c) => c.name },
    active: { kind: 'boolean', get: (c) => c.active },
    carrier_id: { kind: 'id', get: (c) => c.carrier.id },
    carrier_code: { kind: 'string', get: (c) => c.carrier.code },
    external_preset_id: { kind: 'id', get: (c) => c.external_preset_id },
  },
  records: (store) => byId(store.carrierServices.values()),
  node: (c) => ({
    id: c.id,
    code: c.code,
    name: c.name,
    active: c.active,
    is_default: c.is_default,
    carrier: { id: c.carrier.id, code: c.carrier.code },
  }),
};

/** Every warehouse sits on site 1 (sites are not simulated). */
const SITE_ID = 1;

const warehouses: ListDefinition<Warehouse> = {
  field: 'warehouses',
  filterType: 'WarehouseFilterType',
  nodeType: 'Warehouse',
  filters: {
    code: { kind: 'string', get: (w) => w.code },
    name: { kind: 'string', get: (w) => w.name },
    site_id: { kind: 'id', get: () => SITE_ID },
  },
  records: (store) => byId(store.warehouses.values()),
  node: (w) => ({
    id: w.id,
    code: w.code,
    name: w.name,
    consolidate_pick_enabled: false,
    loading_validation_setting: 'none',
    opening_times_enabled: false,
    address: w.address,
  }),
};

export const LIST_DEFINITIONS = [
  goodsOuts,
  goodsOutLines,
  shipments,
  packages,
  products,
  stockBalances,
  carrierServices,
  warehouses,
] as unknown as ListDefinition<unknown>[];
