import { matches } from '../src/clarus-simulator/graphql/filters';
import { selectRecords } from '../src/clarus-simulator/graphql/list-index';
import { LIST_DEFINITIONS, type ListDefinition } from '../src/clarus-simulator/graphql/lists';
import { updateGoodsOut, type GoodsOutBehaviour } from '../src/clarus-simulator/goods-outs';
import { updateProduct } from '../src/clarus-simulator/products';
import { seedGoodsOut } from '../src/clarus-simulator/seed-goods-outs';
import { createShipments } from '../src/clarus-simulator/shipments';
import { setStock } from '../src/clarus-simulator/stock';
import { Store } from '../src/clarus-simulator/store';

/**
 * The GraphQL lists' index (graphql/list-index.ts) must answer exactly what a scan of the list answers —
 * same records, same order — and stay right after the edits that move indexed fields; and a paged read
 * must not re-evaluate the whole list for every page.
 */

type Filter = [string, Record<string, unknown>][];
const behaviour: GoodsOutBehaviour = { autoAllocate: true, defaultWarehouseId: 1 };
const list = (field: string) =>
  LIST_DEFINITIONS.find((d) => d.field === field) as ListDefinition<unknown> & { field: string };

/** The list's records filtered one by one, as the simulator answered before it had an index. */
function scan(def: ListDefinition<unknown>, store: Store, filter: Filter): unknown[] {
  return def.records(store).filter((record) =>
    filter.every(([name, operators]) => {
      const spec = def.filters[name]!;
      const value = spec.get(record, store);
      return (Array.isArray(value) ? value : [value]).some((v) => matches(spec.kind, v, operators));
    }),
  );
}

function tenant(): Store {
  const store = new Store(1, 'ACME', () => Date.parse('2026-11-30T08:00:00Z'));
  store.seedAccount({ id: 2 });
  store.seedWarehouses([{ code: 'WH2' }, { code: 'WH3' }]);
  const codes = Array.from({ length: 30 }, (_, i) => `SKU-${i}`);
  store.seedProducts(codes.map((code, i) => ({ code, barcode: i % 3 === 0 ? `B${i}` : undefined })));
  store.seedProducts(codes.slice(0, 10).map((code) => ({ code, accountId: 2 })));
  for (const warehouseId of [1, 2, 3]) {
    setStock(
      store,
      codes.map((productCode, i) => ({ productCode, available: (i * warehouseId) % 7, warehouseId })),
      1,
    );
  }
  setStock(store, [{ productCode: 'SKU-1', available: 4, accountId: 2 }], 1);
  for (let i = 0; i < 12; i += 1) {
    seedGoodsOut(
      store,
      { reference: `ORD-${i % 9}`, lines: [{ productCode: `SKU-${i}`, quantity: 1 }] },
      behaviour,
    );
  }
  seedGoodsOut(
    store,
    { reference: 'ORD-2', accountId: 2, lines: [{ productCode: 'SKU-1', quantity: 1 }] },
    behaviour,
  );
  createShipments(store, 3001, undefined, true);
  createShipments(store, 3004, undefined, true);
  return store;
}

const FILTERS: Record<string, Filter[]> = {
  stock_balances: [
    [],
    [['account_id', { eq: '1' }]],
    [
      ['account_id', { eq: '1' }],
      ['warehouse_id', { eq: '2' }],
    ],
    [
      ['account_id', { eq: 1 }],
      ['warehouse_id', { eq: '3' }],
      ['product_code', { in: ['SKU-4', 'SKU-1', 'SKU-4', 'NONE'] }],
    ],
    [['product_code', { eq: 'SKU-1' }]],
    [
      ['product_code', { ilike: 'sku-2' }],
      ['account_id', { eq: '1' }],
    ],
    [
      ['account_id', { eq: '1' }],
      ['available', { gt: 2 }],
    ],
    [
      ['warehouse_id', { in: ['3', '1'] }],
      ['product_id', { gteq: '1010' }],
    ],
    [['account_id', { eq: null, in: ['2'] }]],
  ],
  goods_outs: [
    [
      ['reference', { in: ['ORD-2', 'ORD-5', 'ORD-40'] }],
      ['account_id', { eq: '1' }],
    ],
    [['reference', { eq: 'ORD-2' }]],
    [
      ['goods_out_status_code', { eq: 'COMPLETED' }],
      ['account_id', { eq: '1' }],
    ],
    [
      ['warehouse_id', { eq: '1' }],
      ['reference', { like: 'ORD-%' }],
    ],
  ],
  goods_out_lines: [
    [
      ['goods_out_id', { eq: '3004' }],
      ['account_id', { eq: '1' }],
    ],
    [['account_id', { eq: '2' }]],
    [
      ['product_id', { in: ['1002', '1003'] }],
      ['pick_quantity', { gt: 0 }],
    ],
  ],
  shipments: [
    [['goods_out_id', { eq: '3001' }]],
    [
      ['goods_out_id', { eq: 3004 }],
      ['status', { eq: 'dispatched' }],
    ],
  ],
  packages: [[['shipment_id', { in: ['1501', '1502', '9'] }]], [['shipment_reference', { ilike: '' }]]],
  products: [
    [
      ['code', { in: ['SKU-3', 'SKU-1'] }],
      ['account_id', { eq: '1' }],
    ],
    [['all_codes', { eq: 'B3' }]],
    [['code', { eq: 'SKU-3' }]],
    [['barcode', { filled: true }]],
  ],
};

function expectSameAsScan(store: Store): void {
  for (const [field, filters] of Object.entries(FILTERS)) {
    for (const filter of filters) {
      const def = list(field);
      // Twice: the second answer may come from the kept result.
      expect([field, filter, selectRecords(def, store, filter)]).toEqual([
        field,
        filter,
        scan(def, store, filter),
      ]);
      expect(selectRecords(def, store, filter)).toEqual(scan(def, store, filter));
    }
  }
}

describe('GraphQL list index', () => {
  it('answers every list and filter exactly as a scan does, in list order', () => {
    const store = tenant();
    expectSameAsScan(store);
    expect(selectRecords(list('goods_outs'), store, [['reference', { eq: 'ORD-2' }]])).toHaveLength(3);
  });

  it('follows the edits that move indexed fields: new records, goods out and product updates', () => {
    const store = tenant();
    const edits = [
      () =>
        updateGoodsOut(
          store,
          3003,
          { data: { type: 'goods_outs', attributes: { reference: 'ORD-40' } } },
          behaviour,
        ),
      () => updateProduct(store, 1005, { data: { type: 'products', attributes: { code: 'B3' } } }),
      () =>
        seedGoodsOut(
          store,
          { reference: 'ORD-5', lines: [{ productCode: 'SKU-29', quantity: 2 }] },
          behaviour,
        ),
      () => setStock(store, [{ productCode: 'SKU-1', available: 9, warehouseId: 3, accountId: 2 }], 1),
      () => createShipments(store, 3002, undefined, false),
    ];
    // One edit at a time, each after the indexes were built: every edit alone must be seen.
    expectSameAsScan(store);
    for (const edit of edits) {
      edit();
      expectSameAsScan(store);
    }
    const found = selectRecords(list('goods_outs'), store, [['reference', { in: ['ORD-40'] }]]);
    expect(found).toHaveLength(1);
    expect(selectRecords(list('products'), store, [['all_codes', { eq: 'B3' }]])).toHaveLength(2);
  });

  it('reads a list page by page evaluating each record about once, not once per page', () => {
    const store = new Store(1, 'ACME', () => 0);
    const codes = Array.from({ length: 2_000 }, (_, i) => `SKU-${i}`);
    store.seedProducts(codes.map((code) => ({ code })));
    setStock(
      store,
      codes.map((productCode) => ({ productCode, available: 1 })),
      1,
    );
    const def = list('stock_balances');
    const spec = def.filters.account_id!;
    const get = spec.get;
    let evaluations = 0;
    spec.get = (record, s) => {
      evaluations += 1;
      return get(record, s);
    };
    try {
      const filter: Filter = [
        ['account_id', { eq: '1' }],
        ['warehouse_id', { eq: '1' }],
      ];
      // 20 pages of 100, each asking for the filtered list again as the GraphQL resolver does.
      for (let page = 0; page < 20; page += 1) expect(selectRecords(def, store, filter)).toHaveLength(2_000);
    } finally {
      spec.get = get;
    }
    expect(evaluations).toBeLessThanOrEqual(2 * 2_000);
  });
});
