import type { ClarusProduct } from '../clarus';
import type { ClarusProductAttributes } from '../clarus/products';
import type { SkuTranslator } from '../mapping';
import { changedAttributes } from './product-diff';
import {
  planVariant,
  type DesiredProduct,
  type ProductSource,
  type VariantMappingSettings,
  type VariantSource,
} from './variant-mapping';

/*
 * Pure: a published product and what Clarus holds for its codes → the writes one sync makes. Nothing here
 * talks to anyone; `product-sync.ts` reads, calls this, then writes.
 */

/** One variant's step. Creates come after patches, and bundles after the products they are made of. */
export type VariantStep =
  | { kind: 'unchanged'; desired: DesiredProduct; clarusId: number }
  | { kind: 'patch'; desired: DesiredProduct; clarusId: number; attributes: ClarusProductAttributes }
  | { kind: 'create'; desired: DesiredProduct }
  | { kind: 'rejected'; sku: string; problems: string[] };

export interface ProductPlan {
  steps: VariantStep[];
  /** Variants that are no Clarus product (no SKU, or a bundle in BUNDLE_MODE expand). */
  skipped: number;
  /** Every code worth looking up in Clarus: the variants' and their bundle components'. */
  codes: string[];
}

/** The variants' Clarus products and the codes to look up, before anything is read from Clarus. */
export function desiredProducts(
  product: ProductSource & { masterVariant: VariantSource; variants: VariantSource[] },
  settings: VariantMappingSettings,
  translator: SkuTranslator,
): { desired: DesiredProduct[]; rejected: VariantStep[]; skipped: number; codes: string[] } {
  const desired: DesiredProduct[] = [];
  const rejected: VariantStep[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  for (const variant of [product.masterVariant, ...product.variants]) {
    const plan = planVariant(product, variant, settings, translator);
    if (plan.kind === 'skip') skipped += 1;
    else if (plan.kind === 'invalid')
      rejected.push({ kind: 'rejected', sku: plan.sku, problems: plan.problems });
    // Two variants with one code are one Clarus product (the SKU guard refuses such products): sync it once.
    else if (!seen.has(plan.desired.code)) {
      seen.add(plan.desired.code);
      desired.push(plan.desired);
    }
  }
  const codes = new Set<string>();
  for (const d of desired) {
    codes.add(d.code);
    for (const m of d.materials) codes.add(m.code);
  }
  return { desired, rejected, skipped, codes: [...codes].sort() };
}

/**
 * The steps for each desired product given Clarus's products by code (this account's): unchanged, patch
 * (only the changed attributes) or create; a bundle whose component is neither in Clarus nor created by
 * this sync is rejected (Clarus needs the component's id).
 */
export function planProductSteps(
  desired: readonly DesiredProduct[],
  clarusByCode: ReadonlyMap<string, ClarusProduct>,
): VariantStep[] {
  const steps: VariantStep[] = [];
  const creating = new Set(desired.filter((d) => !clarusByCode.has(d.code)).map((d) => d.code));
  for (const d of desired) {
    const existing = clarusByCode.get(d.code);
    if (existing) {
      const attributes = changedAttributes(d, existing);
      steps.push(
        Object.keys(attributes).length
          ? { kind: 'patch', desired: d, clarusId: existing.id, attributes }
          : { kind: 'unchanged', desired: d, clarusId: existing.id },
      );
      continue;
    }
    const missing = d.materials.filter((m) => !clarusByCode.has(m.code) && !creating.has(m.code));
    if (missing.length) {
      steps.push({
        kind: 'rejected',
        sku: d.sku,
        problems: missing.map(
          (m) => `bundle ${d.sku}: component ${m.sku} (Clarus code ${m.code}) is not a Clarus product`,
        ),
      });
      continue;
    }
    steps.push({ kind: 'create', desired: d });
  }
  // Components first: a bundle's materials name their Clarus ids.
  const rank = (s: VariantStep) => (s.kind === 'create' ? (s.desired.materials.length ? 2 : 1) : 0);
  return steps.sort((a, b) => rank(a) - rank(b));
}
