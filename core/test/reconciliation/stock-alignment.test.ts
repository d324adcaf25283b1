import { addStockBatch, stockDrifts, type StockComparison } from '../../src/reconciliation/plan';

/*
 * The stock alignment audit compares entries one SKU batch at a time and keeps only counts and drifting SKUs
 * (issue 11: it must not hold a million entries). Batch by batch must equal the whole catalogue at once.
 */
const entry = (sku: string, channelKey: string, quantityOnStock: number, ats: number): StockComparison => ({
  sku,
  channelKey,
  quantityOnStock,
  ats,
});

describe('stock alignment, batch by batch', () => {
  const all: StockComparison[] = [
    entry('A-1', 'eu', 10, 10),
    entry('A-1', 'us', 7, 10), // drifts by 3
    entry('B-2', 'eu', 5, 4), // within tolerance 1
    entry('B-2', 'us', 5, 5),
    entry('C-3', 'eu', 0, 9), // drifts by 9
    entry('C-3', 'us', 12, 0), // drifts by 12
    entry('D-4', 'eu', 3, 3),
  ];

  it('gives the counts and drifts of the whole catalogue, in SKU order', () => {
    const batches = [all.slice(0, 2), all.slice(2, 6), all.slice(6)]; // each holds every entry of its SKUs
    const totals = { entriesCompared: 0, skusCompared: 0, drifts: [] as ReturnType<typeof stockDrifts> };
    for (const batch of batches) addStockBatch(totals, batch, 1);

    expect(totals.entriesCompared).toBe(7);
    expect(totals.skusCompared).toBe(4);
    expect(totals.drifts).toEqual(stockDrifts(all, 1));
    expect(totals.drifts.map((d) => [d.sku, d.maxDifference])).toEqual([
      ['A-1', 3],
      ['C-3', 12],
    ]);
  });
});
