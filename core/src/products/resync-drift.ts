import type { MasterDataFinding } from '../reconciliation/plan';
import type { ProductSync } from './product-sync';

/*
 * A stage of the daily master-data audit (PRODUCT_MASTER=commercetools): the drift the product sync can fix
 * — a SKU with no Clarus product, a barcode that differs — is re-synced from commercetools instead of being
 * reported. With PRODUCT_MASTER=off the audit only reports, as before. Callable on its own (a page of
 * findings at a time) so a streaming audit can run it per page.
 */

/** Pure: the SKUs of findings a product sync repairs (not products Clarus has and commercetools lacks). */
export function resyncableSkus(findings: readonly MasterDataFinding[]): string[] {
  const skus = new Set<string>();
  for (const f of findings)
    if (f.kind === 'missing-in-clarus' || f.kind === 'barcode-mismatch') skus.add(f.sku);
  return [...skus].sort();
}

/**
 * Re-syncs the drifted SKUs' products and returns the findings still to report (those of SKUs the sync
 * could not repair) and how many SKUs it repaired. Never throws for a product that fails: it stays reported.
 */
export async function resyncDrift(
  productSync: Pick<ProductSync, 'syncSkus'>,
  findings: readonly MasterDataFinding[],
  options: { deadlineMs: number },
): Promise<{ remaining: MasterDataFinding[]; resynced: number }> {
  const skus = resyncableSkus(findings);
  if (!skus.length) return { remaining: [...findings], resynced: 0 };
  const { synced } = await productSync.syncSkus(skus, options).catch(() => ({ synced: [] as string[] }));
  const repaired = new Set(synced);
  return {
    remaining: findings.filter((f) => f.kind === 'not-in-commercetools' || !repaired.has(f.sku)),
    resynced: repaired.size,
  };
}
