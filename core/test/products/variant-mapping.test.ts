import { createSkuTranslator } from '../../src/mapping';
import {
  changedAttributes,
  cutDescription,
  descriptionOf,
  desiredProducts,
  planProductSteps,
  planVariant,
  type VariantMappingSettings,
} from '../../src/products';

const settings: VariantMappingSettings = {
  stockUnitTypeId: 7,
  descriptionLocale: 'en-GB',
  barcodeAttribute: 'ean',
  bundleMode: 'native',
  bundleComponentsAttribute: 'components',
  skuRules: {},
};
const product = { id: 'prod-1', name: { 'en-GB': 'Enamel mug, blue', de: 'Emaille-Becher, blau' } };
const plain = createSkuTranslator({});

describe('variant → Clarus ProductAttributes', () => {
  it('maps every field of a plain variant', () => {
    const plan = planVariant(
      product,
      { id: 1, sku: 'MUG-BLUE', attributes: [{ name: 'ean', value: '04006381333931' }] },
      settings,
      plain,
    );
    expect(plan).toEqual({
      kind: 'product',
      desired: {
        sku: 'MUG-BLUE',
        code: 'MUG-BLUE',
        variantId: 1,
        attributes: {
          code: 'MUG-BLUE',
          description: 'Enamel mug, blue',
          stock_unit_type_id: 7,
          barcode: '04006381333931',
          product_type: 'single',
          external_system_reference1: 'prod-1',
        },
        materials: [],
      },
    });
  });

  it('translates the code through CLARUS_SKU_RULES (00777 → 777 with stripLeadingZeros, prefix)', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true, prefix: 'AC-' });
    const plan = planVariant(
      product,
      { id: 2, sku: '00777' },
      { ...settings, skuRules: { stripLeadingZeros: true, prefix: 'AC-' } },
      t,
    );
    expect(plan.kind === 'product' && plan.desired.attributes.code).toBe('AC-777');
  });

  it('leaves the barcode out when the attribute is absent or not configured', () => {
    const absent = planVariant(product, { id: 1, sku: 'A' }, settings, plain);
    expect(absent.kind === 'product' && 'barcode' in absent.desired.attributes).toBe(false);
    const unset = planVariant(
      product,
      { id: 1, sku: 'A', attributes: [{ name: 'ean', value: '123' }] },
      { ...settings, barcodeAttribute: undefined },
      plain,
    );
    expect(unset.kind === 'product' && 'barcode' in unset.desired.attributes).toBe(false);
  });

  it('refuses a code longer than Clarus allows (50), naming the SKU', () => {
    const sku = 'X'.repeat(51);
    const plan = planVariant(product, { id: 3, sku }, settings, plain);
    expect(plan).toEqual({
      kind: 'invalid',
      variantId: 3,
      sku,
      problems: [`SKU ${sku}: Clarus product code "${sku}" is 51 characters, more than Clarus's 50`],
    });
    expect(planVariant(product, { id: 3, sku: 'X'.repeat(50) }, settings, plain).kind).toBe('product');
  });

  it('skips a variant without SKU', () => {
    expect(planVariant(product, { id: 4 }, settings, plain)).toEqual({
      kind: 'skip',
      variantId: 4,
      reason: 'no-sku',
    });
  });

  it('makes a bundle a bill_of_materials product with its materials in native mode', () => {
    const t = createSkuTranslator({ case: 'upper' });
    const plan = planVariant(
      product,
      { id: 5, sku: 'gift-set', attributes: [{ name: 'components', value: ['mug:2', 'tea'] }] },
      { ...settings, skuRules: { case: 'upper' } },
      t,
    );
    expect(plan.kind === 'product' && plan.desired.attributes.product_type).toBe('bill_of_materials');
    expect(plan.kind === 'product' && plan.desired.materials).toEqual([
      { sku: 'mug', code: 'MUG', quantity: 2 },
      { sku: 'tea', code: 'TEA', quantity: 1 },
    ]);
  });

  it('makes no Clarus product of a bundle in expand mode', () => {
    const plan = planVariant(
      product,
      { id: 5, sku: 'GIFT', attributes: [{ name: 'components', value: ['MUG:2'] }] },
      { ...settings, bundleMode: 'expand' },
      plain,
    );
    expect(plan).toEqual({ kind: 'skip', variantId: 5, sku: 'GIFT', reason: 'expanded-bundle' });
  });
});

describe('description', () => {
  it('is the name in PRODUCT_DESCRIPTION_LOCALE, then its language, then any name', () => {
    expect(descriptionOf({ 'en-GB': 'Mug', en: 'Cup' }, 'en-GB')).toBe('Mug');
    expect(descriptionOf({ en: 'Cup', de: 'Tasse' }, 'en-GB')).toBe('Cup');
    expect(descriptionOf({ de: 'Tasse' }, 'en')).toBe('Tasse');
    expect(descriptionOf({}, 'en')).toBeUndefined();
  });

  it('falls back to the SKU when the product has no name (Clarus requires one)', () => {
    const plan = planVariant({ id: 'p', name: {} }, { id: 1, sku: 'NONAME-1' }, settings, plain);
    expect(plan.kind === 'product' && plan.desired.attributes.description).toBe('NONAME-1');
  });

  it('is cut to 150 characters on a word boundary, never rejected for length', () => {
    const name = `${'word '.repeat(40)}end`; // 203 characters
    const cut = cutDescription(name);
    expect(cut.length).toBeLessThanOrEqual(150);
    expect(cut).toBe('word '.repeat(30).trim()); // 149 characters, ends on a whole word
    expect(cutDescription('short  name ')).toBe('short name');
    expect(cutDescription('x'.repeat(200))).toBe('x'.repeat(150)); // one long word is cut hard
    expect(cutDescription(`${'a'.repeat(150)} tail`)).toBe('a'.repeat(150));
  });
});

describe('changed fields', () => {
  const desired = (attributes: Record<string, unknown> = {}) => {
    const plan = planVariant(
      product,
      { id: 1, sku: 'MUG', attributes: [{ name: 'ean', value: '4006381333931' }] },
      settings,
      plain,
    );
    if (plan.kind !== 'product') throw new Error('expected a product');
    return { ...plan.desired, attributes: { ...plan.desired.attributes, ...attributes } };
  };
  const clarus = {
    id: 9,
    code: 'MUG',
    barcode: '04006381333931',
    description: 'Enamel mug, blue',
    productType: 'single',
  };

  it('finds nothing to patch when Clarus holds the same (barcode compared as a GTIN)', () => {
    expect(changedAttributes(desired(), clarus)).toEqual({});
  });

  it('patches only the description when only the name changed', () => {
    expect(changedAttributes(desired({ description: 'Enamel mug, navy' }), clarus)).toEqual({
      description: 'Enamel mug, navy',
    });
  });

  it('patches the barcode when it differs, and never clears one the variant lacks', () => {
    expect(changedAttributes(desired({ barcode: '5012345678900' }), clarus)).toEqual({
      barcode: '5012345678900',
    });
    const { barcode: _drop, ...noBarcode } = desired().attributes;
    expect(changedAttributes({ ...desired(), attributes: noBarcode }, clarus)).toEqual({});
  });

  it('patches the product type only between single and bill of materials', () => {
    expect(changedAttributes(desired(), { ...clarus, productType: 'standard' })).toEqual({});
    expect(changedAttributes(desired({ product_type: 'bill_of_materials' }), clarus)).toEqual({
      product_type: 'bill_of_materials',
    });
  });
});

describe('product plan', () => {
  const variants = {
    ...product,
    masterVariant: { id: 1, sku: 'MUG' },
    variants: [
      { id: 2, sku: 'GIFT', attributes: [{ name: 'components', value: ['MUG:2', 'TEA'] }] },
      { id: 3, sku: 'TEA' },
      { id: 4 },
    ],
  };

  it('creates components before the bundle and looks every code up once', () => {
    const { desired, codes, skipped } = desiredProducts(variants, settings, plain);
    expect(codes).toEqual(['GIFT', 'MUG', 'TEA']);
    expect(skipped).toBe(1);
    const steps = planProductSteps(desired, new Map());
    expect(steps.map((s) => (s.kind === 'create' ? s.desired.sku : s.kind))).toEqual(['MUG', 'TEA', 'GIFT']);
  });

  it('rejects a bundle whose component is neither in Clarus nor created now', () => {
    const { desired } = desiredProducts({ ...variants, variants: [variants.variants[0]!] }, settings, plain);
    const steps = planProductSteps(desired, new Map());
    expect(steps).toContainEqual({
      kind: 'rejected',
      sku: 'GIFT',
      problems: ['bundle GIFT: component TEA (Clarus code TEA) is not a Clarus product'],
    });
  });

  it('syncs two variants with one Clarus code once', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true });
    const { desired } = desiredProducts(
      { ...product, masterVariant: { id: 1, sku: '00777' }, variants: [{ id: 2, sku: '777' }] },
      { ...settings, skuRules: { stripLeadingZeros: true } },
      t,
    );
    expect(desired.map((d) => d.code)).toEqual(['777']);
  });
});
