import type { MasterDataFinding } from '../../src/reconciliation/plan';
import { resyncableSkus, resyncDrift } from '../../src/products';

const findings: MasterDataFinding[] = [
  { kind: 'missing-in-clarus', sku: 'A', code: 'A' },
  { kind: 'barcode-mismatch', sku: 'B', code: 'B', commercetools: '1', clarus: '2' },
  { kind: 'not-in-commercetools', code: 'Z', stocked: true },
];

describe('master-data audit re-sync stage', () => {
  it('re-syncs only what a product sync repairs (not Clarus products commercetools lacks)', () => {
    expect(resyncableSkus(findings)).toEqual(['A', 'B']);
  });

  it('keeps reporting the findings whose SKUs did not sync', async () => {
    const calls: string[][] = [];
    const result = await resyncDrift(
      { syncSkus: async (skus) => (calls.push([...skus]), { outcomes: [], synced: ['A'] }) },
      findings,
      { deadlineMs: 1000 },
    );
    expect(calls).toEqual([['A', 'B']]);
    expect(result).toEqual({ resynced: 1, remaining: [findings[1], findings[2]] });
  });

  it('reports everything when the re-sync fails', async () => {
    const result = await resyncDrift(
      { syncSkus: async () => Promise.reject(new Error('Clarus down')) },
      findings,
      { deadlineMs: 1000 },
    );
    expect(result).toEqual({ resynced: 0, remaining: findings });
  });
});
