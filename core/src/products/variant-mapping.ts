import type { Attribute, LocalizedString } from '@commercetools/platform-sdk';
import type { ClarusProductAttributes } from '../clarus/products';
import type { MappingConfig, ProductsConfig } from '../config';
import { skuProblems, type SkuTranslator } from '../mapping';
import { bundleComponentsOfVariant } from '../orders/goods-out-mapping';
import { textOf } from '../reconciliation/gateway';

/*
 * Pure: one commercetools product variant → the Clarus product it should be (clarus-api.json
 * `ProductAttributes`). No I/O; the sync use case reads, plans with these functions, then writes.
 */

/** Clarus `ProductAttributes.description` maxLength. */
export const CLARUS_DESCRIPTION_MAX = 150;
/** Clarus `ProductAttributes.code` maxLength. */
export const CLARUS_CODE_MAX = 50;

/** What a variant's Clarus product depends on (from AppConfig `products` and `mapping`). */
export interface VariantMappingSettings {
  stockUnitTypeId: number;
  descriptionLocale: string;
  barcodeAttribute?: string;
  bundleMode: MappingConfig['bundleMode'];
  bundleComponentsAttribute?: string;
  skuRules: MappingConfig['skuRules'];
}

export function variantMappingSettings(
  products: ProductsConfig,
  mapping: MappingConfig,
): VariantMappingSettings | undefined {
  if (products.stockUnitTypeId === undefined) return undefined;
  return {
    stockUnitTypeId: products.stockUnitTypeId,
    descriptionLocale: products.descriptionLocale,
    barcodeAttribute: products.barcodeAttribute,
    bundleMode: mapping.bundleMode,
    bundleComponentsAttribute: mapping.bundleComponentsAttribute,
    skuRules: mapping.skuRules,
  };
}

/** The parts of a product (projection) the mapping reads. */
export interface ProductSource {
  id: string;
  name: LocalizedString;
}

/** The parts of a variant the mapping reads. */
export interface VariantSource {
  id: number;
  sku?: string;
  attributes?: readonly Attribute[];
}

/** A bill-of-materials component: the component's SKU, its Clarus code and units per bundle. */
export interface MaterialPlan {
  sku: string;
  code: string;
  quantity: number;
}

/** The Clarus product a variant should be. `attributes.code` is always set. */
export interface DesiredProduct {
  sku: string;
  code: string;
  variantId: number;
  attributes: ClarusProductAttributes & { code: string; description: string; stock_unit_type_id: number };
  /** Components of a `bill_of_materials` product (BUNDLE_MODE native); empty otherwise. */
  materials: MaterialPlan[];
}

export type VariantPlan =
  | { kind: 'product'; desired: DesiredProduct }
  /** Not a Clarus product: no SKU, or a bundle Clarus never sees (BUNDLE_MODE expand). */
  | { kind: 'skip'; variantId: number; sku?: string; reason: 'no-sku' | 'expanded-bundle' }
  /** Cannot become a Clarus product as it is: every problem, each naming the field. */
  | { kind: 'invalid'; variantId: number; sku: string; problems: string[] };

/**
 * Plans one variant: `code` = SKU through CLARUS_SKU_RULES (≤ 50), `description` = the product name in
 * PRODUCT_DESCRIPTION_LOCALE cut to 150 on a word boundary (another locale's name, then the SKU, when that
 * locale is missing: Clarus requires a description), `barcode` from PRODUCT_BARCODE_ATTRIBUTE when set
 * and present, `stock_unit_type_id` from CLARUS_STOCK_UNIT_TYPE_ID, `external_system_reference1` = the
 * commercetools product id. A bundle (BUNDLE_COMPONENTS_ATTRIBUTE present) is a `bill_of_materials`
 * product with its components in `native` mode and no Clarus product in `expand` mode.
 */
export function planVariant(
  product: ProductSource,
  variant: VariantSource,
  settings: VariantMappingSettings,
  translator: SkuTranslator,
): VariantPlan {
  const sku = variant.sku?.trim();
  if (!sku) return { kind: 'skip', variantId: variant.id, reason: 'no-sku' };
  const components = bundleComponentsOfVariant(variant, settings.bundleComponentsAttribute);
  if (components !== undefined && settings.bundleMode === 'expand')
    return { kind: 'skip', variantId: variant.id, sku, reason: 'expanded-bundle' };

  const problems: string[] = [];
  const code = translator.toClarus(sku);
  problems.push(...codeProblems(translator, settings, sku));
  if (components === null)
    problems.push(`bundle ${sku} has an unreadable ${settings.bundleComponentsAttribute} attribute`);
  const materials = (components ?? []).map((c) => ({
    sku: c.sku,
    code: translator.toClarus(c.sku),
    quantity: c.quantity,
  }));
  if (problems.length) return { kind: 'invalid', variantId: variant.id, sku, problems };

  const barcode = settings.barcodeAttribute ? barcodeOf(variant, settings.barcodeAttribute) : undefined;
  return {
    kind: 'product',
    desired: {
      sku,
      code,
      variantId: variant.id,
      attributes: {
        code,
        description: cutDescription(descriptionOf(product.name, settings.descriptionLocale) ?? sku),
        stock_unit_type_id: settings.stockUnitTypeId,
        ...(barcode !== undefined ? { barcode } : {}),
        product_type: components ? 'bill_of_materials' : 'single',
        external_system_reference1: product.id,
      },
      materials,
    },
  };
}

/** Why a SKU's Clarus code cannot be sent: longer than Clarus's 50, or than CLARUS_SKU_RULES maxLength. */
export function codeProblems(
  translator: SkuTranslator,
  settings: Pick<VariantMappingSettings, 'skuRules'>,
  sku: string,
): string[] {
  const code = translator.toClarus(sku);
  const problems = skuProblems(translator, settings.skuRules, sku);
  if (code.length > CLARUS_CODE_MAX)
    problems.push(
      `SKU ${sku}: Clarus product code "${code}" is ${code.length} characters, more than Clarus's ${CLARUS_CODE_MAX}`,
    );
  return problems;
}

/** The name in `locale`, else in its language (`en` for `en-GB`), else the first non-empty name. */
export function descriptionOf(name: LocalizedString | undefined, locale: string): string | undefined {
  if (!name) return undefined;
  const pick = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  const language = locale.split('-')[0] ?? locale;
  return (
    pick(name[locale]) ??
    pick(name[language]) ??
    Object.values(name)
      .map((v) => pick(v))
      .find((v) => v !== undefined)
  );
}

/**
 * Whitespace collapsed, then at most `max` characters, cut at the last word boundary that fits (a word
 * longer than `max` is cut hard): Clarus rejects a longer description, and the sync never fails for it.
 */
export function cutDescription(text: string, max = CLARUS_DESCRIPTION_MAX): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const head = clean.slice(0, max + 1);
  const boundary = head.lastIndexOf(' ');
  return (boundary > 0 ? head.slice(0, boundary) : clean.slice(0, max)).trimEnd();
}

/** The barcode attribute's text (a text, number or localized value); undefined when absent or empty. */
export function barcodeOf(variant: VariantSource, attribute: string): string | undefined {
  const raw = variant.attributes?.find((a) => a.name === attribute)?.value as unknown;
  const text = textOf(raw)?.trim();
  return text ? text : undefined;
}
