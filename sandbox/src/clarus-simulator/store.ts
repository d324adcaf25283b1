import type {
  Address,
  Carrier,
  CarrierService,
  GoodsOutAttributesRecord,
  GoodsOutStatusCode,
  Package,
  Product,
  Shipment,
  StockBalance,
  Warehouse,
} from './types';

/** A goods out line as kept in memory; `attributes` holds the client-supplied line attributes. */
export interface LineState {
  id: number;
  goods_out_id: number;
  product_id: number;
  order_quantity: number;
  allocated_quantity: number;
  pick_quantity: number;
  dispatch_quantity: number;
  short_status: string;
  created_at: string;
  attributes: Record<string, unknown>;
}

export interface GoodsOutState {
  id: number;
  status: GoodsOutStatusCode;
  attributes: GoodsOutAttributesRecord;
  address: Record<string, string | null> | null;
  lines: LineState[];
  created_at: string;
  updated_at: string;
}

/**
 * Distinct id ranges per resource, so a client that mixes up ids (a product id used as a line id, a
 * shipment id as a goods out id) hits a 404 or an empty list instead of a lucky match.
 */
const ID_START = {
  warehouse: 1,
  product: 1001,
  carrier: 51,
  carrierService: 801,
  goodsOut: 3001,
  line: 60001,
  shipment: 1501,
  package: 4801,
  stockAdjustment: 9001,
  accountProduct: 12001,
} as const;
type Sequence = keyof typeof ID_START;

export const DEFAULT_CARRIER_CODE = 'CARRIER';

/** A stock account (stock owner) of the tenant; a 3PL runs one per client. */
export interface Account {
  id: number;
  code: string;
}

/**
 * The whole tenant: catalogue, stock and orders, of one or more accounts. Synchronous and in memory.
 * `accountId` is the first account (the one the product under test is configured with); tests add others.
 */
export class Store {
  readonly accounts = new Map<number, Account>();
  readonly warehouses = new Map<number, Warehouse>();
  readonly products = new Map<number, Product>();
  readonly carriers = new Map<number, Carrier>();
  readonly carrierServices = new Map<number, CarrierService>();
  /** Keyed by `${productId}:${warehouseId}`; a product belongs to one account, so does its balance. */
  readonly balances = new Map<string, StockBalance>();
  readonly goodsOuts = new Map<number, GoodsOutState>();
  readonly shipments = new Map<number, Shipment>();
  private readonly next: Record<Sequence, number> = { ...ID_START };
  private revisionCount = 0;

  constructor(
    readonly accountId: number,
    readonly accountCode: string,
    readonly now: () => number,
  ) {
    this.accounts.set(accountId, { id: accountId, code: accountCode });
    this.seedWarehouses([{ code: 'WH1', name: 'Main Warehouse' }]);
  }

  /** Upserts by id; the code defaults to `ACCOUNT<id>`. */
  seedAccount(account: { id: number; code?: string }): Account {
    if (!Number.isInteger(account.id) || account.id < 1) {
      throw new Error('Clarus simulator: an account id is a positive integer');
    }
    const existing = this.accounts.get(account.id);
    const seeded = { id: account.id, code: account.code ?? existing?.code ?? `ACCOUNT${account.id}` };
    this.accounts.set(account.id, seeded);
    return { ...seeded };
  }

  requireAccount(id: number): Account {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`Clarus simulator: unknown account id ${id}`);
    return account;
  }

  /**
   * Bumped whenever records are added or removed or a goods out, line or product is edited; GraphQL list
   * indexes (graphql/list-index.ts) are rebuilt when it moves. Quantities and statuses change without it.
   */
  get revision(): number {
    return this.revisionCount;
  }

  /** Records were added or removed, or indexed fields edited: GraphQL list indexes are stale. */
  touch(): void {
    this.revisionCount += 1;
  }

  nextId(sequence: Sequence): number {
    const id = this.next[sequence];
    this.next[sequence] = id + 1;
    return id;
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  /** Upserts by code. */
  seedWarehouses(ws: { code: string; name?: string }[]): Warehouse[] {
    return ws.map(({ code, name }) => {
      const existing = [...this.warehouses.values()].find((w) => w.code === code);
      if (existing) {
        if (name !== undefined) existing.name = name;
        return { ...existing, address: { ...existing.address } };
      }
      const id = this.nextId('warehouse');
      const address: Address = {
        address_1: `${id} Warehouse Lane`,
        address_2: null,
        address_3: 'Manchester',
        address_4: 'Greater Manchester',
        postcode: 'M1 1AA',
        country_code: 'GB',
      };
      const warehouse: Warehouse = { id, code, name: name ?? code, address };
      this.warehouses.set(id, warehouse);
      return { ...warehouse, address: { ...address } };
    });
  }

  /** Upserts by code within the account (default: the first account); codes may repeat across accounts. */
  seedProducts(
    ps: { code: string; barcode?: string; description?: string; product_type?: string; accountId?: number }[],
  ): Product[] {
    this.touch();
    return ps.map((p) => {
      const accountId = this.requireAccount(p.accountId ?? this.accountId).id;
      const existing = this.productByCode(p.code, accountId);
      if (existing) {
        if (p.barcode !== undefined) existing.barcode = p.barcode;
        if (p.description !== undefined) existing.description = p.description;
        if (p.product_type !== undefined) existing.product_type = p.product_type;
        return { ...existing };
      }
      const product: Product = {
        id: this.nextId('product'),
        code: p.code,
        barcode: p.barcode ?? null,
        description: p.description ?? null,
        long_description: null,
        product_type: p.product_type ?? 'standard',
        units_per_case: 1,
        shelf_life_min: null,
        shelf_life_max: null,
        commodity_code: null,
        country_of_manufacture: null,
        account_id: accountId,
        stock_unit_type_id: 1,
        external_system_reference1: null,
        materials: [],
      };
      this.products.set(product.id, product);
      this.productIndex.set(`${accountId}\n${product.code}`, product);
      return { ...product };
    });
  }

  /** Upserts by code; carriers are created on first mention of their code. */
  seedCarrierServices(
    cs: { code: string; name?: string; carrierCode?: string; carrierName?: string; active?: boolean }[],
  ): CarrierService[] {
    return cs.map((c) => {
      const carrier = this.carrierFor(c.carrierCode ?? DEFAULT_CARRIER_CODE, c.carrierName);
      // Codes may repeat across carriers: a seed naming its carrier upserts that carrier's service.
      const existing = [...this.carrierServices.values()].find(
        (s) => s.code === c.code && (c.carrierCode === undefined || s.carrier.code === c.carrierCode),
      );
      if (existing) {
        if (c.name !== undefined) existing.name = c.name;
        if (c.active !== undefined) existing.active = c.active;
        existing.carrier = carrier;
        return { ...existing, carrier: { ...carrier } };
      }
      const service: CarrierService = {
        id: this.nextId('carrierService'),
        code: c.code,
        name: c.name ?? c.code,
        active: c.active ?? true,
        is_default: this.carrierServices.size === 0,
        external_preset_id: null,
        carrier,
      };
      this.carrierServices.set(service.id, service);
      return { ...service, carrier: { ...carrier } };
    });
  }

  private carrierFor(code: string, name: string | undefined): Carrier {
    const existing = [...this.carriers.values()].find((c) => c.code === code);
    if (existing) {
      if (name !== undefined) existing.name = name;
      return existing;
    }
    const carrier: Carrier = { id: this.nextId('carrier'), code, name: name ?? code };
    this.carriers.set(carrier.id, carrier);
    return carrier;
  }

  /** The account's product with this code (default: the first account's). */
  productByCode(code: string, accountId = this.accountId): Product | undefined {
    // The index answers while every product went through seedProducts (benchmarks seed 250,000: a scan
    // per product would take hours); a product added any other way falls back to the scan.
    if (this.productIndex.size === this.products.size) return this.productIndex.get(`${accountId}\n${code}`);
    return [...this.products.values()].find((p) => p.code === code && p.account_id === accountId);
  }

  private readonly productIndex = new Map<string, Product>();

  requireProductByCode(code: string, accountId = this.accountId): Product {
    const product = this.productByCode(code, accountId);
    if (!product) throw new Error(`Clarus simulator: unknown product code ${code} in account ${accountId}`);
    return product;
  }

  requireWarehouse(id: number): Warehouse {
    const warehouse = this.warehouses.get(id);
    if (!warehouse) throw new Error(`Clarus simulator: unknown warehouse id ${id}`);
    return warehouse;
  }

  /** The balance row, created (all zero) when `create` is set. */
  balance(productId: number, warehouseId: number, create: true): StockBalance;
  balance(productId: number, warehouseId: number, create?: false): StockBalance | undefined;
  balance(productId: number, warehouseId: number, create = false): StockBalance | undefined {
    const key = `${productId}:${warehouseId}`;
    let row = this.balances.get(key);
    if (!row && create) {
      const product = this.products.get(productId);
      if (!product) throw new Error(`Clarus simulator: unknown product id ${productId}`);
      if (product.account_id === null)
        throw new Error(
          `Clarus simulator: product ${productId} is assigned to no account and holds no stock`,
        );
      row = {
        product_id: productId,
        product_code: product.code,
        account_id: product.account_id,
        warehouse_id: warehouseId,
        available: 0,
        allocated: 0,
        ordered: 0,
        received: 0,
        picked: 0,
      };
      this.balances.set(key, row);
      this.touch();
    }
    return row;
  }

  /** Rows in a stable order (product id, then warehouse id), which GraphQL paging relies on. */
  sortedBalances(): StockBalance[] {
    // Rows change in place and their sort key never does: re-sort only when rows were added or removed
    // (a benchmark pages through 250,000 balances; sorting them for every page would dominate its time).
    if (this.sortedCache?.size !== this.balances.size) {
      const rows = [...this.balances.values()].sort(
        (a, b) => a.product_id - b.product_id || a.warehouse_id - b.warehouse_id,
      );
      this.sortedCache = { size: this.balances.size, rows };
    }
    return [...this.sortedCache.rows];
  }

  private sortedCache: { size: number; rows: StockBalance[] } | undefined;

  shipmentsOf(goodsOutId: number): Shipment[] {
    return [...this.shipments.values()].filter((s) => s.goods_out_id === goodsOutId);
  }

  packages(): Package[] {
    return [...this.shipments.values()].flatMap((s) => s.packages).sort((a, b) => a.id - b.id);
  }

  lines(): LineState[] {
    return [...this.goodsOuts.values()].flatMap((g) => g.lines).sort((a, b) => a.id - b.id);
  }
}
