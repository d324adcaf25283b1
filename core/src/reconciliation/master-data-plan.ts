import type { ClarusProduct } from '../clarus';
import type { SkuTranslator } from '../mapping';

/*
 * Pure rules of the daily SKU master-data audit: where the commercetools catalogue and the Clarus products
 * disagree through the SKU rules. Built to stream: the audit hands the variants over one page of products at
 * a time (`variantFindings`) against a slim map of the Clarus products (code → barcode), then asks which
 * Clarus products no SKU sells (`unsoldProductFindings`). `masterDataFindings` is both at once.
 */

export interface CatalogueVariant {
  sku: string;
  /** Value of the BARCODE_ATTRIBUTE, when the variant has one. */
  barcode?: string;
  /** A bundle sent as its components (BUNDLE_MODE expand): Clarus need not hold the bundle itself. */
  expandedBundle: boolean;
}

export type MasterDataFinding =
  | { kind: 'missing-in-clarus'; sku: string; code: string }
  | { kind: 'barcode-mismatch'; sku: string; code: string; commercetools: string; clarus: string | null }
  /** A Clarus product no commercetools SKU translates to; `stocked` when Clarus holds a balance for it. */
  | { kind: 'not-in-commercetools'; code: string; stocked: boolean };

/** The Clarus products, slim: code → barcode (null when the product has none). */
export type ClarusBarcodes = ReadonlyMap<string, string | null>;

/** What the audit keeps between pages: the variant SKUs seen and every Clarus code a SKU sells. */
export interface MasterDataScan {
  seenSkus: Set<string>;
  soldCodes: Set<string>;
}

/**
 * Barcodes compare as GTINs: a digits-only barcode is the same GTIN with or without leading zeros
 * (EAN-13 `4006381333931` = GTIN-14 `04006381333931`); anything else compares trimmed and exact.
 */
export function normaliseBarcode(value: string): string {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? trimmed.replace(/^0+(?=\d)/, '') : trimmed;
}

/** A scan that has seen nothing yet; SKUs with inventory entries already count as sold. */
export function startScan(
  translator: Pick<SkuTranslator, 'toClarus'>,
  entrySkus: Iterable<string>,
): MasterDataScan {
  const soldCodes = new Set<string>();
  for (const sku of entrySkus) soldCodes.add(translator.toClarus(sku));
  return { seenSkus: new Set(), soldCodes };
}

/**
 * Pure but for `scan`, which it extends: one page of variants against the Clarus products.
 * - a variant SKU whose Clarus code is no Clarus product → `missing-in-clarus` (expanded bundles excepted);
 * - a variant with a barcode that differs from its Clarus product's → `barcode-mismatch` (only when
 *   `compareBarcodes`; a variant without a barcode is not compared).
 * A SKU seen on an earlier page is not looked at again (the first variant wins).
 */
export function variantFindings(
  variants: readonly CatalogueVariant[],
  clarus: ClarusBarcodes,
  scan: MasterDataScan,
  options: { translator: Pick<SkuTranslator, 'toClarus'>; compareBarcodes: boolean },
): MasterDataFinding[] {
  const findings: MasterDataFinding[] = [];
  for (const variant of variants) {
    if (scan.seenSkus.has(variant.sku)) continue;
    scan.seenSkus.add(variant.sku);
    const code = options.translator.toClarus(variant.sku);
    scan.soldCodes.add(code);
    if (!clarus.has(code)) {
      if (!variant.expandedBundle) findings.push({ kind: 'missing-in-clarus', sku: variant.sku, code });
      continue;
    }
    if (!options.compareBarcodes || variant.barcode === undefined || variant.barcode.trim() === '') continue;
    const barcode = clarus.get(code) ?? null;
    if (barcode === null || normaliseBarcode(barcode) !== normaliseBarcode(variant.barcode)) {
      findings.push({
        kind: 'barcode-mismatch',
        sku: variant.sku,
        code,
        commercetools: variant.barcode.trim(),
        clarus: barcode,
      });
    }
  }
  return findings;
}

/**
 * Pure: after every page, the Clarus products whose code no variant SKU translates to and that no inventory
 * entry sells either → `not-in-commercetools` (`stocked` when Clarus holds a balance of it).
 */
export function unsoldProductFindings(
  clarus: ClarusBarcodes,
  scan: Pick<MasterDataScan, 'soldCodes'>,
  stockedCodes: ReadonlySet<string>,
): MasterDataFinding[] {
  const findings: MasterDataFinding[] = [];
  for (const code of clarus.keys()) {
    if (scan.soldCodes.has(code)) continue;
    findings.push({ kind: 'not-in-commercetools', code, stocked: stockedCodes.has(code) });
  }
  return findings;
}

/** Pure: a page of Clarus products into the slim map the audit keeps. */
export function addClarusProducts(
  into: Map<string, string | null>,
  products: readonly Pick<ClarusProduct, 'code' | 'barcode'>[],
): void {
  for (const p of products) into.set(p.code, p.barcode);
}

/**
 * Pure: commercetools variants vs Clarus products through the SKU rules, all at once (`variantFindings` over
 * every variant, then `unsoldProductFindings`).
 */
export function masterDataFindings(input: {
  variants: readonly CatalogueVariant[];
  products: readonly Pick<ClarusProduct, 'code' | 'barcode'>[];
  /** SKUs with inventory entries on the target channels (sold, even without a variant). */
  entrySkus: ReadonlySet<string>;
  /** Clarus product codes with a stock balance. */
  stockedCodes: ReadonlySet<string>;
  translator: SkuTranslator;
  compareBarcodes: boolean;
}): MasterDataFinding[] {
  const clarus = new Map<string, string | null>();
  addClarusProducts(clarus, input.products);
  const scan = startScan(input.translator, input.entrySkus);
  return [
    ...variantFindings(input.variants, clarus, scan, input),
    ...unsoldProductFindings(clarus, scan, input.stockedCodes),
  ];
}
