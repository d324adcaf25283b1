import {
  buildSkuIndex,
  createSkuTranslator,
  exampleSkuFor,
  quantitiesByCode,
  quantitiesForSkus,
  resolveCode,
  skuCollisionMessage,
} from '../../src/mapping';

const pad8 = createSkuTranslator({ padStart: { length: 8, char: '0' } });
const strip = createSkuTranslator({ stripLeadingZeros: true });

describe('the catalogue-backed SKU index', () => {
  it('maps Clarus 00000777 to commercetools 00777 under padStart 8 (the catalogue, not the inverse)', () => {
    const index = buildSkuIndex(pad8, ['00777', 'OTHER-1']);
    expect(index.skuFor('00000777')).toBe('00777');
    expect(resolveCode(index, '00000777')).toEqual({ kind: 'sku', code: '00000777', sku: '00777' });
    expect(index.collisions).toEqual([]);
  });

  it('reports 01234 and 1234 under stripLeadingZeros as one collision naming both, and maps the code to neither', () => {
    const index = buildSkuIndex(strip, ['1234', '01234', '555']);
    expect(index.collisions).toEqual([{ code: '1234', skus: ['01234', '1234'] }]);
    expect(index.skuFor('1234')).toBeUndefined();
    expect(index.skusFor('1234')).toEqual(['01234', '1234']);
    expect(resolveCode(index, '1234')).toEqual({ kind: 'collision', code: '1234', skus: ['01234', '1234'] });
    expect(index.isCollided('01234')).toBe(true);
    expect(index.isCollided('1234')).toBe(true);
    expect(index.isCollided('555')).toBe(false);
    expect(index.skuFor('555')).toBe('555');
    const message = skuCollisionMessage(index.collisions[0]!);
    expect(message).toContain('01234 and 1234');
    expect(message).toContain('Clarus product 1234');
  });

  it('knows no SKU for a code the catalogue does not carry (no guessing by the inverse)', () => {
    const index = buildSkuIndex(pad8, ['00777']);
    expect(index.skuFor('00000778')).toBeUndefined();
    expect(resolveCode(index, '00000778')).toEqual({ kind: 'unknown', code: '00000778' });
  });

  it('indexes a SKU given twice once (no collision with itself)', () => {
    expect(buildSkuIndex(strip, ['1234', '1234']).collisions).toEqual([]);
  });

  it('counts in-flight units per Clarus product: orders for 01234 and 1234 both draw on product 1234', () => {
    const byCode = quantitiesByCode(
      strip,
      new Map([
        ['01234', 2],
        ['1234', 3],
        ['77', 1],
      ]),
    );
    expect(byCode).toEqual(
      new Map([
        ['1234', 5],
        ['77', 1],
      ]),
    );
    expect(quantitiesForSkus(strip, ['1234', '0077', '9'], byCode)).toEqual(
      new Map([
        ['1234', 5],
        ['0077', 1],
      ]),
    );
  });

  it('names the shortest SKU a code could come from in messages', () => {
    expect(exampleSkuFor(pad8, '00000777')).toBe('777');
    expect(exampleSkuFor(pad8, '777')).toBeUndefined();
  });
});
