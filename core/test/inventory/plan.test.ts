import type { InventoryEntry, LineItem, Order } from '@commercetools/platform-sdk';
import type { ClarusStockBalance } from '../../src/clarus';
import {
  addBalances,
  bundleDefinitions,
  assignStock,
  buildSkuIndex,
  createSkuTranslator,
  emptyClarusStock,
  inFlightQuantities,
  inventoryEntryKey,
  planBatch,
  predicateString,
  shouldCheckpoint,
  skuBatches,
  sortedSkus,
  stockScope,
  type BatchFacts,
} from '../../src';

const zeros = createSkuTranslator({ padStart: { length: 8, char: '0' } });

const balance = (code: string, available: number, warehouseId: number | null = 1): ClarusStockBalance => ({
  available,
  allocated: 0,
  product: { id: 1, code },
  warehouseId,
});

describe('Clarus stock → commercetools SKUs (through the one catalogue index)', () => {
  it('sums balances per code and warehouse, stamping each code with its page request time', () => {
    const stock = emptyClarusStock(100);
    addBalances(
      stock,
      [balance('00000001', 5, 1), balance('00000001', 2, 1), balance('00000001', 4, 2)],
      110,
    );
    addBalances(stock, [balance('0001', 9), balance('00000002', Number.NaN, null)], 120);
    expect(stock.byCode.get('00000001')).toEqual(
      new Map([
        [1, 7],
        [2, 4],
      ]),
    );
    expect(stock.readAt.get('00000001')).toBe(110);
    expect(stock.readAt.get('00000002')).toBe(120);
    expect(stock.byCode.get('00000002')).toEqual(new Map([[0, 0]]));
    expect(stock.rows).toBe(5);
  });

  it('gives a code to its one SKU, lists codes no SKU carries, and gives a colliding code to none', () => {
    const strip = createSkuTranslator({ stripLeadingZeros: true });
    const stock = emptyClarusStock(100);
    addBalances(stock, [balance('1234', 8), balance('55', 3), balance('XYZ', 1)], 105);
    const assigned = assignStock(stock, buildSkuIndex(strip, ['1234', '01234', '0055']));
    expect([...assigned.bySku.keys()]).toEqual(['0055']);
    expect(assigned.readAt.get('0055')).toBe(105);
    expect([...assigned.unmapped]).toEqual(['XYZ']);
    expect(assigned.collisions).toEqual([{ code: '1234', skus: ['01234', '1234'] }]);
    expect(assigned.startedAt).toBe(100);
  });

  it('finds SKU 00777 for Clarus 00000777 under padStart 8 where the inverse says 777', () => {
    const stock = emptyClarusStock();
    addBalances(stock, [balance('00000777', 12)], 1);
    const assigned = assignStock(stock, buildSkuIndex(zeros, ['00777']));
    expect(assigned.bySku.get('00777')).toEqual(new Map([[1, 12]]));
  });
});

describe('stock scope', () => {
  it('reads one warehouse for one pool', () => {
    expect(stockScope(['web', 'store'], {}, 3)).toEqual({ warehouseFilter: 3, channelWarehouses: {} });
    expect(stockScope(['web'], { other: [1] }, undefined)).toEqual({
      warehouseFilter: undefined,
      channelWarehouses: {},
    });
  });

  it('reads every warehouse when a channel is narrowed; the others keep the default pool', () => {
    expect(stockScope(['web', 'store'], { store: [2, 4] }, 3)).toEqual({
      warehouseFilter: undefined,
      channelWarehouses: { web: [3], store: [2, 4] },
    });
    expect(stockScope(['web', 'store'], { store: [2] }, undefined)).toEqual({
      warehouseFilter: undefined,
      channelWarehouses: { store: [2] },
    });
  });
});

describe('in flight', () => {
  const line = (sku: string, quantity: number, components?: string[]): LineItem =>
    ({
      id: `li-${sku}`,
      quantity,
      variant: { id: 1, sku, attributes: components ? [{ name: 'bundle', value: components }] : [] },
    }) as unknown as LineItem;
  const order = (lines: LineItem[], extra: Partial<Order> = {}): Order =>
    ({ id: 'o', orderState: 'Open', lineItems: lines, syncInfo: [], ...extra }) as unknown as Order;

  it('sums lines of orders Clarus has not got, skipping cancelled and exported ones', () => {
    const orders = [
      order([line('A', 2), line('B', 1)]),
      order([line('A', 3)]),
      order([line('A', 100)], { orderState: 'Cancelled' }),
      order([line('A', 50)], {
        syncInfo: [{ channel: { typeId: 'channel', id: 'clarus' }, externalId: '9', syncedAt: '' }],
      }),
    ];
    expect(inFlightQuantities(orders, 'clarus', { bundleMode: 'expand' })).toEqual(
      new Map([
        ['A', 5],
        ['B', 1],
      ]),
    );
  });

  it('counts bundle components in expand mode and the bundle itself in native mode', () => {
    const orders = [order([line('BUNDLE', 2, ['A:2', 'B'])])];
    expect(
      inFlightQuantities(orders, 'c', { bundleMode: 'expand', bundleComponentsAttribute: 'bundle' }),
    ).toEqual(
      new Map([
        ['A', 4],
        ['B', 2],
      ]),
    );
    expect(
      inFlightQuantities(orders, 'c', { bundleMode: 'native', bundleComponentsAttribute: 'bundle' }),
    ).toEqual(new Map([['BUNDLE', 2]]));
  });
});

describe('batches', () => {
  it('keeps each query within 500 entries over all channels, in order', () => {
    const skus = Array.from({ length: 1000 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    const batches = skuBatches(skus, 3);
    expect(batches.map((b) => b.length).slice(0, 2)).toEqual([166, 166]);
    expect(batches.flat()).toEqual(skus);
    expect(skuBatches(skus, 3, { maxSkus: 50 })).toHaveLength(20);
    expect(skuBatches(skus, 3, { maxSkus: undefined })).toHaveLength(7);
  });

  it('keeps the sku list short enough for a URL', () => {
    const long = Array.from({ length: 100 }, (_, i) => `${'X'.repeat(200)}${i}`);
    const batches = skuBatches(long, 1);
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) expect(b.map(predicateString).join(',').length).toBeLessThanOrEqual(6000);
  });

  it('sorts SKUs in code unit order and quotes them for predicates', () => {
    expect(sortedSkus(['b', 'a'], ['B', 'a'])).toEqual(['B', 'a', 'b']);
    expect(predicateString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('gives created entries a deterministic key the API accepts', () => {
    const key = inventoryEntryKey('channel-1', 'SKU/with spaces');
    expect(key).toMatch(/^[A-Za-z0-9_-]{2,256}$/);
    expect(inventoryEntryKey('channel-1', 'SKU/with spaces')).toBe(key);
    expect(inventoryEntryKey('channel-2', 'SKU/with spaces')).not.toBe(key);
  });
});

describe('write plan', () => {
  const web = { id: 'w', key: 'web' };
  const store = { id: 's', key: 'store' };
  const entry = (sku: string, channelId: string, quantityOnStock: number, id = `${sku}-${channelId}`) =>
    ({
      id,
      version: 1,
      sku,
      quantityOnStock,
      supplyChannel: { typeId: 'channel', id: channelId },
    }) as InventoryEntry;
  const facts = (overrides: Partial<BatchFacts>): BatchFacts => ({
    skus: [],
    channels: [web, store],
    entries: [],
    stock: new Map(),
    knownToClarus: new Set(),
    variantSkus: new Set(),
    inFlight: new Map(),
    config: { safetyStock: 1, safetyStockOverrides: { 'channel:store': 3 }, channelWarehouses: {} },
    ...overrides,
  });

  it('updates what differs, creates what is missing and leaves the rest', () => {
    const plan = planBatch(
      facts({
        skus: ['A', 'B'],
        entries: [entry('A', 'w', 9), entry('A', 's', 3), entry('B', 'w', 0)],
        stock: new Map([
          ['A', new Map([[1, 10]])],
          ['B', new Map([[1, 2]])],
        ]),
        inFlight: new Map([['A', 3]]),
      }),
    );
    // A: web 10 − 3 − 1 = 6 (was 9), store 10 − 3 − 3 = 4 (was 3). B: web 1 (was 0), store 0 (missing).
    expect(plan.writes.map((w) => [w.kind, w.sku, w.channel.key, w.quantity])).toEqual([
      ['update', 'A', 'web', 6],
      ['update', 'A', 'store', 4],
      ['update', 'B', 'web', 1],
      ['create', 'B', 'store', 0],
    ]);
    expect(plan.unchanged).toBe(0);
    expect(plan.synced).toEqual(['A', 'B']);
  });

  it('counts entries already at ATS as unchanged and brings duplicates to ATS too', () => {
    const plan = planBatch(
      facts({
        skus: ['A'],
        entries: [entry('A', 'w', 9), entry('A', 'w', 4, 'dup'), entry('A', 's', 7)],
        stock: new Map([['A', new Map([[1, 10]])]]),
      }),
    );
    expect(plan.unchanged).toBe(2);
    expect(plan.writes.map((w) => (w.kind === 'update' ? w.entry.id : 'create'))).toEqual(['dup']);
  });

  it('zeroes SKUs Clarus does not hold without creating entries for them', () => {
    const plan = planBatch(facts({ skus: ['GONE'], entries: [entry('GONE', 'w', 5)] }));
    expect(plan.notHeld).toEqual(['GONE']);
    expect(plan.writes.map((w) => [w.kind, w.channel.key, w.quantity])).toEqual([['update', 'web', 0]]);
  });

  it('treats a product Clarus knows without a balance as held with nothing available', () => {
    const plan = planBatch(
      facts({ skus: ['KNOWN'], entries: [entry('KNOWN', 'w', 5)], knownToClarus: new Set(['KNOWN']) }),
    );
    expect(plan.notHeld).toEqual([]);
    expect(plan.synced).toEqual(['KNOWN']);
    expect(plan.writes.map((w) => [w.kind, w.channel.key, w.quantity])).toEqual([
      ['update', 'web', 0],
      ['create', 'store', 0],
    ]);
  });

  it('creates entries for a held SKU with a variant, and reports one without as not sold', () => {
    const stock = new Map([
      ['NEW', new Map([[1, 5]])],
      ['STRAY', new Map([[1, 5]])],
    ]);
    const plan = planBatch(facts({ skus: ['NEW', 'STRAY'], stock, variantSkus: new Set(['NEW']) }));
    expect(plan.writes.map((w) => [w.kind, w.sku, w.channel.key, w.quantity])).toEqual([
      ['create', 'NEW', 'web', 4],
      ['create', 'NEW', 'store', 2],
    ]);
    expect(plan.notSold).toEqual(['STRAY']);
  });

  it('brings a derived (bundle) SKU to its own target on every channel, never as not held', () => {
    const plan = planBatch(
      facts({
        skus: ['BOX'],
        entries: [entry('BOX', 'w', 5)],
        // Clarus holding a product under the bundle's code does not matter: the bundle is derived.
        stock: new Map([['BOX', new Map([[1, 50]])]]),
        derived: new Map([
          [
            'BOX',
            new Map([
              ['w', 2],
              ['s', 1],
            ]),
          ],
        ]),
      }),
    );
    expect(plan.writes.map((w) => [w.kind, w.sku, w.channel.key, w.quantity])).toEqual([
      ['update', 'BOX', 'web', 2],
      ['create', 'BOX', 'store', 1],
    ]);
    expect(plan).toMatchObject({ derived: ['BOX'], synced: [], notHeld: [], notSold: [] });
  });

  describe('an entry written after the Clarus read (ADR 0007)', () => {
    const at = (iso: string) => Date.parse(iso);
    const modified = (e: InventoryEntry, iso: string) => ({ ...e, lastModifiedAt: iso }) as InventoryEntry;

    it('is left alone and listed as newer; entries written before the read are updated', () => {
      const plan = planBatch(
        facts({
          skus: ['A'],
          entries: [
            modified(entry('A', 'w', 25), '2026-01-01T10:00:05.000Z'), // the webhook's fresher value
            modified(entry('A', 's', 3), '2026-01-01T09:00:00.000Z'),
          ],
          stock: new Map([['A', new Map([[1, 11]])]]),
          readAt: new Map([['A', at('2026-01-01T10:00:00.000Z')]]),
        }),
      );
      expect(plan.newer).toEqual([{ sku: 'A', channel: web }]);
      expect(plan.writes.map((w) => [w.kind, w.channel.key, w.quantity, w.readAt])).toEqual([
        ['update', 'store', 8, at('2026-01-01T10:00:00.000Z')],
      ]);
    });

    it('writes an entry modified in the same millisecond as the read (not after it)', () => {
      const plan = planBatch(
        facts({
          skus: ['A'],
          entries: [modified(entry('A', 'w', 25), '2026-01-01T10:00:00.000Z')],
          stock: new Map([['A', new Map([[1, 11]])]]),
          readAt: new Map([['A', at('2026-01-01T10:00:00.000Z')]]),
        }),
      );
      expect(plan.newer).toEqual([]);
      expect(plan.writes).toHaveLength(2);
    });

    it('uses the read start for SKUs without a balance: a not-held zero never replaces a later value', () => {
      const plan = planBatch(
        facts({
          skus: ['GONE'],
          entries: [modified(entry('GONE', 'w', 4), '2026-01-01T10:00:01.000Z')],
          readAtDefault: at('2026-01-01T10:00:00.000Z'),
        }),
      );
      expect(plan.notHeld).toEqual(['GONE']);
      expect(plan.writes).toEqual([]);
      expect(plan.newer).toEqual([{ sku: 'GONE', channel: web }]);
    });
  });
});

describe('bundle definitions', () => {
  it('reads the components attribute of catalogue variants; unreadable ones have null components', () => {
    const variant = (sku: string | undefined, value?: unknown) => ({
      sku,
      attributes: value === undefined ? [] : [{ name: 'bundleComponents', value }],
    });
    expect(
      bundleDefinitions(
        [
          variant('Z-BOX', ['A:2', 'B']),
          variant('PLAIN'),
          variant('J-BOX', '[{"sku":"C","quantity":3}]'),
          variant('BAD', ['A:2:3']),
          variant(undefined, ['A']),
          variant('Z-BOX', ['ignored']),
        ],
        'bundleComponents',
      ),
    ).toEqual([
      { sku: 'BAD', components: null },
      { sku: 'J-BOX', components: [{ sku: 'C', quantity: 3 }] },
      {
        sku: 'Z-BOX',
        components: [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 1 },
        ],
      },
    ]);
    expect(bundleDefinitions([variant('Z-BOX', ['A:2'])], undefined)).toEqual([]);
  });
});

describe('time budget', () => {
  it('checkpoints when the batch limit is reached or the budget would not cover another batch', () => {
    const base = { now: 0, deadline: 60_000, slowestBatchMs: 1000, batchesDone: 1 };
    expect(shouldCheckpoint(base)).toBe(false);
    expect(shouldCheckpoint({ ...base, maxBatches: 1 })).toBe(true);
    expect(shouldCheckpoint({ ...base, now: 56_000 })).toBe(true);
    expect(shouldCheckpoint({ ...base, slowestBatchMs: 40_000 })).toBe(true);
  });
});
