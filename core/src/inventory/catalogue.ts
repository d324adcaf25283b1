import { buildSkuIndex, type SkuIndex, type SkuTranslator } from '../mapping';
import type { InventoryGateway } from './inventory-gateway';

/*
 * Stage 2, the catalogue: which commercetools SKUs a set of Clarus codes belongs to, through the one index
 * (`mapping/sku-index.ts`). commercetools is asked for SKUs by exact value only, so the SKUs worth asking
 * about are the finite candidates the rules can produce for a code (`SkuTranslator.candidates`); the index
 * then keeps those whose forward translation equals the code.
 */

/** The index plus what was learnt on the way. */
export interface CatalogueIndex {
  index: SkuIndex;
  /** SKUs found as product variants (staged) while resolving codes. */
  variantSkus: Set<string>;
}

/**
 * The inventory job's index: the SKUs with entries on the target channels (`sold`, read in full by the job),
 * plus, for codes none of them translates to, the product variants among the codes' candidate SKUs (a SKU
 * sold without entries yet). A collision between an entry SKU and a variant-only SKU is found by the daily
 * master-data audit, which reads every variant.
 */
export async function jobCatalogueIndex(
  deps: { gateway: Pick<InventoryGateway, 'skusWithVariants'>; translator: SkuTranslator },
  sold: Iterable<string>,
  codes: Iterable<string>,
): Promise<CatalogueIndex> {
  const soldSkus = [...sold];
  const bySold = buildSkuIndex(deps.translator, soldSkus);
  const candidates = new Set<string>();
  for (const code of codes) {
    if (bySold.skusFor(code).length > 0) continue;
    for (const sku of deps.translator.candidates(code)) candidates.add(sku);
  }
  const variantSkus = candidates.size
    ? await deps.gateway.skusWithVariants([...candidates].sort())
    : new Set<string>();
  const index = variantSkus.size ? buildSkuIndex(deps.translator, [...soldSkus, ...variantSkus]) : bySold;
  return { index, variantSkus };
}

/**
 * The one-code path's index (the stock webhook), by the job's rule so both agree: the SKUs among the codes'
 * candidates with an entry on the target channels; for codes none of those carries, the product variants
 * among their candidates. So `00000777` under `padStart 8` finds SKU `00777`, and `1234` under
 * `stripLeadingZeros` finds both `1234` and `01234` when both have entries (a collision).
 */
export async function codesCatalogueIndex(
  deps: {
    gateway: Pick<InventoryGateway, 'entriesFor' | 'skusWithVariants'>;
    translator: SkuTranslator;
  },
  codes: Iterable<string>,
  channelIds: readonly string[],
): Promise<CatalogueIndex> {
  const distinct = [...new Set(codes)];
  const candidates = [...new Set(distinct.flatMap((code) => deps.translator.candidates(code)))].sort();
  const entrySkus = candidates.length
    ? (await deps.gateway.entriesFor(candidates, channelIds)).map((e) => e.sku)
    : [];
  return jobCatalogueIndex(deps, entrySkus, distinct);
}

/** Every SKU whose Clarus code is that of one of these SKUs (so orders for any of them count). */
export function sameProductSkus(translator: SkuTranslator, skus: readonly string[]): string[] {
  const all = new Set(skus);
  for (const sku of skus) for (const other of translator.candidates(translator.toClarus(sku))) all.add(other);
  return [...all].sort();
}
