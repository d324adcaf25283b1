import type { SkuTranslator } from './sku-rules';

/*
 * The one Clarus → commercetools translation (DESIGN.md invariant 8). Case and zero rules lose information,
 * so a Clarus code is never turned back into a SKU by inverting the rules: it maps to the SKUs commercetools
 * sells whose forward translation (`toClarus`) equals it. One such SKU: that SKU. Two or more: a collision,
 * reported (`sku-collision`) and never merged — none of them gets the code's stock.
 */

/** Two or more commercetools SKUs whose Clarus code is the same under CLARUS_SKU_RULES. */
export interface SkuCollision {
  code: string;
  /** Sorted, at least two. */
  skus: string[];
}

/** Clarus code → commercetools SKUs, over a known set of SKUs (the catalogue, or part of it). */
export interface SkuIndex {
  /** The SKU of a code; `undefined` when no SKU of the catalogue has it, or when several do (a collision). */
  skuFor(code: string): string | undefined;
  /** Every SKU of the catalogue whose code this is (sorted; empty when none). */
  skusFor(code: string): readonly string[];
  /** Codes two or more SKUs share, sorted by code. */
  readonly collisions: readonly SkuCollision[];
  /** Whether the SKU is part of a collision (so it must not be given any code's stock). */
  isCollided(sku: string): boolean;
  /** Every SKU indexed. */
  readonly skus: ReadonlySet<string>;
}

/**
 * Builds the index from the SKUs commercetools sells (entries on the target channels, product variants) by
 * the forward rules. Pure; SKUs given twice count once.
 */
export function buildSkuIndex(translator: Pick<SkuTranslator, 'toClarus'>, skus: Iterable<string>): SkuIndex {
  const byCode = new Map<string, string[]>();
  const all = new Set<string>();
  for (const sku of skus) {
    if (sku === '' || all.has(sku)) continue;
    all.add(sku);
    const code = translator.toClarus(sku);
    const list = byCode.get(code);
    if (list) list.push(sku);
    else byCode.set(code, [sku]);
  }
  const collisions: SkuCollision[] = [];
  const collided = new Set<string>();
  for (const [code, list] of byCode) {
    list.sort();
    if (list.length < 2) continue;
    collisions.push({ code, skus: list });
    for (const sku of list) collided.add(sku);
  }
  collisions.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    skuFor(code) {
      const list = byCode.get(code);
      return list?.length === 1 ? list[0] : undefined;
    },
    skusFor: (code) => byCode.get(code) ?? [],
    collisions,
    isCollided: (sku) => collided.has(sku),
    skus: all,
  };
}

/**
 * The Clarus code → SKU resolution of one lookup: `sku` when exactly one SKU of the catalogue has the code,
 * `collision` when several do, `unknown` when none does.
 */
export type CodeResolution =
  | { kind: 'sku'; code: string; sku: string }
  | { kind: 'collision'; code: string; skus: string[] }
  | { kind: 'unknown'; code: string };

export function resolveCode(index: SkuIndex, code: string): CodeResolution {
  const skus = index.skusFor(code);
  if (skus.length === 1) return { kind: 'sku', code, sku: skus[0] as string };
  if (skus.length > 1) return { kind: 'collision', code, skus: [...skus] };
  return { kind: 'unknown', code };
}

/** The operations exception text of a collision: both SKUs, the code and what the connector did. */
export function skuCollisionMessage(collision: SkuCollision): string {
  return (
    `commercetools SKUs ${collision.skus.join(' and ')} all translate to Clarus product ${collision.code} under` +
    ' CLARUS_SKU_RULES: the connector cannot tell whose stock it is, so none of them gets stock from it' +
    ' (their inventory entries are left as they are) until one SKU is renamed or the rules are changed.'
  );
}

/**
 * Units per Clarus product from units per SKU: orders for `01234` and `1234` (one code under the rules)
 * both draw on the one Clarus product's stock.
 */
export function quantitiesByCode(
  translator: Pick<SkuTranslator, 'toClarus'>,
  bySku: ReadonlyMap<string, number>,
): Map<string, number> {
  const byCode = new Map<string, number>();
  for (const [sku, quantity] of bySku) {
    const code = translator.toClarus(sku);
    byCode.set(code, (byCode.get(code) ?? 0) + quantity);
  }
  return byCode;
}

/** For the given SKUs, the units of their Clarus product (`quantitiesByCode`), keyed by SKU again. */
export function quantitiesForSkus(
  translator: Pick<SkuTranslator, 'toClarus'>,
  skus: Iterable<string>,
  byCode: ReadonlyMap<string, number>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const sku of skus) {
    const quantity = byCode.get(translator.toClarus(sku));
    if (quantity !== undefined) out.set(sku, quantity);
  }
  return out;
}

/**
 * A SKU that would carry this code (the shortest candidate; for messages only, e.g. "create SKU 777"):
 * `undefined` when no SKU can (a missing prefix, a code shorter than the padding).
 */
export function exampleSkuFor(
  translator: Pick<SkuTranslator, 'candidates'>,
  code: string,
): string | undefined {
  let best: string | undefined;
  for (const sku of translator.candidates(code)) {
    if (best === undefined || sku.length < best.length) best = sku;
  }
  return best;
}
