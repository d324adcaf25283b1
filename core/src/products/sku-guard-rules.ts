import type { SkuRules } from '../config';
import { buildSkuIndex, type SkuTranslator } from '../mapping';
import { codeProblems } from './variant-mapping';

/*
 * Pure: the SKU guard's rules (SKU_GUARD). Given a product as commercetools is about to store it (and, on
 * update, as it was), what the catalogue and Clarus look like from memory → every violation, each naming
 * the SKU and the rule. No I/O: the Extension must answer well inside commercetools' 2 s.
 */

export type GuardRule =
  'sku-missing' | 'sku-format' | 'code-length' | 'sku-collision' | 'sku-change-with-stock';

export interface GuardViolation {
  rule: GuardRule;
  /** The SKU concerned; absent for a variant without one. */
  sku?: string;
  variantId: number;
  /** Shown in Merchant Center: names the SKU and the rule. */
  message: string;
}

/** A variant as the guard sees it (staged and current data of the product, by variant id). */
export interface GuardVariant {
  variantId: number;
  sku?: string;
}

export interface GuardInput {
  action: 'Create' | 'Update';
  /** The variants after the change. */
  variants: readonly GuardVariant[];
  /** The variants before the change (Update, when commercetools sent `oldResource`). */
  oldVariants?: readonly GuardVariant[];
}

/** What the guard knows from memory (refreshed in the background: sku-guard-cache.ts). */
export interface GuardKnowledge {
  /** Catalogue SKUs whose Clarus code is `code`, other than this product's own. */
  otherSkusWithCode(code: string): readonly string[];
  /** Whether Clarus holds stock (available or allocated) for this Clarus code. */
  isStocked(code: string): boolean;
}

export interface GuardSettings {
  /** SKU_FORMAT compiled to match a whole SKU. */
  skuFormat: RegExp;
  skuRules: SkuRules;
}

/** SKU_FORMAT (a regular expression source) anchored to match the whole SKU. */
export function compileSkuFormat(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, 'u');
}

/**
 * Every violation of the guard's rules:
 * - `sku-missing`: a variant without a SKU;
 * - `sku-format`: a SKU that does not match SKU_FORMAT in full;
 * - `code-length`: its Clarus code (CLARUS_SKU_RULES) longer than 50 (or the rules' maxLength);
 * - `sku-collision`: two of this product's SKUs with one Clarus code, or a SKU new to this product whose
 *   code another catalogue SKU already has (`00777` and `777` under stripLeadingZeros);
 * - `sku-change-with-stock`: a variant whose SKU changed while Clarus holds stock for its old code (the
 *   stock would be orphaned).
 */
export function guardViolations(
  input: GuardInput,
  knowledge: GuardKnowledge,
  settings: GuardSettings,
  translator: SkuTranslator,
): GuardViolation[] {
  const out: GuardViolation[] = [];
  const skus: string[] = [];
  for (const v of input.variants) {
    if (!v.sku) {
      out.push({
        rule: 'sku-missing',
        variantId: v.variantId,
        message: `Variant ${v.variantId} has no SKU: every variant needs one to reach the warehouse.`,
      });
      continue;
    }
    skus.push(v.sku);
    if (!settings.skuFormat.test(v.sku))
      out.push({
        rule: 'sku-format',
        sku: v.sku,
        variantId: v.variantId,
        message: `SKU "${v.sku}" does not match SKU_FORMAT (${formatSource(settings.skuFormat)}).`,
      });
    for (const problem of codeProblems(translator, settings, v.sku))
      out.push({ rule: 'code-length', sku: v.sku, variantId: v.variantId, message: `${problem}.` });
  }

  const variantOf = new Map(input.variants.filter((v) => v.sku).map((v) => [v.sku as string, v.variantId]));
  for (const collision of buildSkuIndex(translator, skus).collisions)
    out.push({
      rule: 'sku-collision',
      sku: collision.skus[0],
      variantId: variantOf.get(collision.skus[0] as string) ?? 0,
      message: `SKUs ${collision.skus.join(' and ')} both become Clarus product ${collision.code} under CLARUS_SKU_RULES.`,
    });

  const oldSkus = new Set((input.oldVariants ?? []).map((v) => v.sku).filter(Boolean));
  for (const sku of new Set(skus)) {
    if (oldSkus.has(sku)) continue; // not new to this product
    const code = translator.toClarus(sku);
    const others = knowledge.otherSkusWithCode(code).filter((other) => other !== sku);
    if (others.length)
      out.push({
        rule: 'sku-collision',
        sku,
        variantId: variantOf.get(sku) ?? 0,
        message: `SKU "${sku}" becomes Clarus product ${code} under CLARUS_SKU_RULES, like existing SKU ${others.join(', ')}.`,
      });
  }

  const before = new Map((input.oldVariants ?? []).map((v) => [v.variantId, v.sku]));
  for (const v of input.variants) {
    const old = before.get(v.variantId);
    if (!old || old === v.sku) continue;
    const oldCode = translator.toClarus(old);
    if (v.sku && translator.toClarus(v.sku) === oldCode) continue; // same Clarus product
    if (knowledge.isStocked(oldCode))
      out.push({
        rule: 'sku-change-with-stock',
        sku: old,
        variantId: v.variantId,
        message: `SKU "${old}" of variant ${v.variantId} cannot change to "${v.sku ?? ''}": Clarus holds stock of product ${oldCode}, which would be orphaned.`,
      });
  }
  return out;
}

/** SKU_FORMAT as configured (without the anchoring `compileSkuFormat` adds). */
const formatSource = (format: RegExp) => format.source.replace(/^\^\(\?:([\s\S]*)\)\$$/, '$1');

/** The variants of a product's staged and current data, by variant id (staged wins: it holds the edit). */
export function guardVariantsOf(product: unknown): GuardVariant[] {
  const data = (product as { masterData?: { current?: unknown; staged?: unknown } } | undefined)?.masterData;
  const byId = new Map<number, GuardVariant>();
  for (const projection of [data?.current, data?.staged]) {
    const p = projection as { masterVariant?: unknown; variants?: unknown[] } | undefined;
    for (const raw of [p?.masterVariant, ...(p?.variants ?? [])]) {
      const v = raw as { id?: unknown; sku?: unknown } | undefined;
      if (!v || typeof v.id !== 'number') continue;
      byId.set(v.id, { variantId: v.id, ...(typeof v.sku === 'string' && v.sku ? { sku: v.sku } : {}) });
    }
  }
  return [...byId.values()].sort((a, b) => a.variantId - b.variantId);
}
