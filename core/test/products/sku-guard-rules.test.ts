import { createSkuTranslator } from '../../src/mapping';
import {
  compileSkuFormat,
  guardVariantsOf,
  guardViolations,
  type GuardKnowledge,
  DEFAULT_SKU_FORMAT,
} from '../../src';

const nothingKnown: GuardKnowledge = { otherSkusWithCode: () => [], isStocked: () => false };
const settings = { skuFormat: compileSkuFormat(DEFAULT_SKU_FORMAT), skuRules: {} };
const plain = createSkuTranslator({});

describe('SKU guard rules', () => {
  it('accepts compliant SKUs', () => {
    expect(
      guardViolations(
        { action: 'Create', variants: [{ variantId: 1, sku: 'MUG-1' }] },
        nothingKnown,
        settings,
        plain,
      ),
    ).toEqual([]);
  });

  it('requires a SKU on every variant', () => {
    const v = guardViolations(
      { action: 'Create', variants: [{ variantId: 1, sku: 'A' }, { variantId: 2 }] },
      nothingKnown,
      settings,
      plain,
    );
    expect(v).toEqual([expect.objectContaining({ rule: 'sku-missing', variantId: 2 })]);
  });

  it('applies SKU_FORMAT to the whole SKU (default: printable ASCII without spaces)', () => {
    const v = guardViolations(
      {
        action: 'Create',
        variants: [
          { variantId: 1, sku: 'MUG 1' },
          { variantId: 2, sku: 'TASSE-Ü' },
        ],
      },
      nothingKnown,
      settings,
      plain,
    );
    expect(v.map((x) => [x.rule, x.sku])).toEqual([
      ['sku-format', 'MUG 1'],
      ['sku-format', 'TASSE-Ü'],
    ]);
    expect(v[0]?.message).toBe('SKU "MUG 1" does not match SKU_FORMAT (^[!-~]+$).');
    const upper = { ...settings, skuFormat: compileSkuFormat('[A-Z0-9-]+') };
    expect(
      guardViolations(
        { action: 'Create', variants: [{ variantId: 1, sku: 'ab-1' }] },
        nothingKnown,
        upper,
        plain,
      ),
    ).toHaveLength(1);
    expect(
      guardViolations(
        { action: 'Create', variants: [{ variantId: 1, sku: 'AB-1' }] },
        nothingKnown,
        upper,
        plain,
      ),
    ).toHaveLength(0);
  });

  it('refuses a Clarus code over 50 characters after the rules', () => {
    const t = createSkuTranslator({ prefix: 'ACME-' });
    const sku = 'S'.repeat(46); // 51 with the prefix
    const v = guardViolations(
      { action: 'Create', variants: [{ variantId: 1, sku }] },
      nothingKnown,
      { ...settings, skuRules: { prefix: 'ACME-' } },
      t,
    );
    expect(v).toEqual([expect.objectContaining({ rule: 'code-length', sku })]);
    expect(v[0]?.message).toContain("more than Clarus's 50");
  });

  it('refuses two variants of the product with one code (00777 and 777 with stripLeadingZeros)', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true });
    const v = guardViolations(
      {
        action: 'Create',
        variants: [
          { variantId: 1, sku: '00777' },
          { variantId: 2, sku: '777' },
        ],
      },
      nothingKnown,
      { ...settings, skuRules: { stripLeadingZeros: true } },
      t,
    );
    expect(v).toEqual([
      expect.objectContaining({
        rule: 'sku-collision',
        message: 'SKUs 00777 and 777 both become Clarus product 777 under CLARUS_SKU_RULES.',
      }),
    ]);
  });

  it('refuses a new SKU whose code an existing SKU of another product has', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true });
    const known: GuardKnowledge = {
      otherSkusWithCode: (code) => (code === '777' ? ['777'] : []),
      isStocked: () => false,
    };
    const v = guardViolations(
      { action: 'Create', variants: [{ variantId: 1, sku: '00777' }] },
      known,
      { ...settings, skuRules: { stripLeadingZeros: true } },
      t,
    );
    expect(v.map((x) => x.message)).toEqual([
      'SKU "00777" becomes Clarus product 777 under CLARUS_SKU_RULES, like existing SKU 777.',
    ]);
    // An update that keeps the SKU it already had is not a new collision.
    expect(
      guardViolations(
        {
          action: 'Update',
          variants: [{ variantId: 1, sku: '00777' }],
          oldVariants: [{ variantId: 1, sku: '00777' }],
        },
        known,
        { ...settings, skuRules: { stripLeadingZeros: true } },
        t,
      ),
    ).toEqual([]);
  });

  it('refuses a SKU change on a variant whose Clarus product holds stock, and allows it without stock', () => {
    const stocked: GuardKnowledge = { otherSkusWithCode: () => [], isStocked: (code) => code === 'MUG-1' };
    const input = {
      action: 'Update' as const,
      variants: [{ variantId: 1, sku: 'MUG-2' }],
      oldVariants: [{ variantId: 1, sku: 'MUG-1' }],
    };
    expect(guardViolations(input, stocked, settings, plain)).toEqual([
      {
        rule: 'sku-change-with-stock',
        sku: 'MUG-1',
        variantId: 1,
        message:
          'SKU "MUG-1" of variant 1 cannot change to "MUG-2": Clarus holds stock of product MUG-1, which would be orphaned.',
      },
    ]);
    expect(guardViolations(input, nothingKnown, settings, plain)).toEqual([]);
    // A change the rules map to the same Clarus product orphans nothing (case rule).
    const upper = createSkuTranslator({ case: 'upper' });
    expect(
      guardViolations({ ...input, variants: [{ variantId: 1, sku: 'mug-1' }] }, stocked, settings, upper),
    ).toEqual([]);
  });

  it('reads variants from staged and current data of an Extension product, staged winning', () => {
    const obj = {
      masterData: {
        current: { masterVariant: { id: 1, sku: 'OLD' }, variants: [] },
        staged: { masterVariant: { id: 1, sku: 'NEW' }, variants: [{ id: 2 }] },
      },
    };
    expect(guardVariantsOf(obj)).toEqual([{ variantId: 1, sku: 'NEW' }, { variantId: 2 }]);
  });
});
