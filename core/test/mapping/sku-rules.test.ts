import { createSkuTranslator, MAX_RESTORED_ZEROS, skuProblems } from '../../src/mapping';

describe('SKU rules', () => {
  it('pads a commercetools SKU to the Clarus width and strips it back', () => {
    const t = createSkuTranslator({ padStart: { length: 8, char: '0' } });
    expect(t.toClarus('12345')).toBe('00012345');
    expect(t.toCommercetools('00012345')).toBe('12345');
  });

  it('strips leading zeros towards Clarus and keeps a single zero', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true });
    expect(t.toClarus('00012345')).toBe('12345');
    expect(t.toClarus('000')).toBe('0');
    expect(t.toCommercetools('12345')).toBe('12345');
  });

  it('strip then pad normalises any zero count to the Clarus width', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true, padStart: { length: 8, char: '0' } });
    expect(t.toClarus('012345')).toBe('00012345');
    expect(t.toClarus('12345')).toBe('00012345');
  });

  it('applies case, prefix and suffix, and refuses codes without them on the way back', () => {
    const t = createSkuTranslator({ case: 'upper', prefix: 'UK-', suffix: '/1' });
    expect(t.toClarus('ab-12')).toBe('UK-AB-12/1');
    expect(t.toCommercetools('UK-AB-12/1')).toBe('AB-12');
    expect(t.toCommercetools('AB-12/1')).toBeUndefined();
    expect(t.toCommercetools('UK-/1')).toBeUndefined();
  });

  it('lists every SKU padding could have come from: 00000777 is 777, 0777, 00777, … (not only 777)', () => {
    const t = createSkuTranslator({ padStart: { length: 8, char: '0' } });
    expect(t.candidates('00000777')).toEqual(['00000777', '0000777', '000777', '00777', '0777', '777']);
    expect(t.toCommercetools('00000777')).toBe('777'); // the inverse alone misses SKU 00777
    expect(t.candidates('123')).toEqual([]); // shorter than the padding: no SKU gives it
    expect(t.candidates('123456789')).toEqual(['123456789']);
  });

  it('puts back up to MAX_RESTORED_ZEROS leading zeros under stripLeadingZeros', () => {
    const t = createSkuTranslator({ stripLeadingZeros: true });
    const candidates = t.candidates('1234');
    expect(candidates).toContain('1234');
    expect(candidates).toContain('01234');
    expect(candidates).toHaveLength(MAX_RESTORED_ZEROS + 1);
    expect(t.candidates('01234')).toEqual([]); // a stripped code never starts with a zero
    expect(t.candidates('0')).toContain('000');
  });

  it('offers both cases under a case rule, and only candidates whose forward translation is the code', () => {
    const t = createSkuTranslator({ case: 'upper', prefix: 'UK-' });
    expect(t.candidates('UK-AB-12')).toEqual(['AB-12', 'ab-12']);
    expect(t.candidates('AB-12')).toEqual([]);
    const rules = [
      { stripLeadingZeros: true, padStart: { length: 8, char: '0' } },
      { padStart: { length: 6, char: 'X' }, suffix: '-S' },
      { case: 'lower' as const },
    ];
    for (const r of rules) {
      const tr = createSkuTranslator(r);
      for (const code of ['00012345', 'XXX12-S', 'abc', '0']) {
        for (const sku of tr.candidates(code)) expect(tr.toClarus(sku)).toBe(code);
      }
    }
  });

  it('reports a code over the configured maximum length', () => {
    const rules = { prefix: 'WAREHOUSE-', maxLength: 12 };
    const t = createSkuTranslator(rules);
    expect(skuProblems(t, rules, 'AB')).toEqual([]);
    expect(skuProblems(t, rules, 'ABCDEF')[0]).toMatch(/longer than 12/);
  });

  it('round-trips random SKUs under every invertible rule combination (property)', () => {
    // Deterministic pseudo-random generator so a failure is reproducible.
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-';
    const ruleSets = [
      {},
      { padStart: { length: 12, char: '0' } },
      { stripLeadingZeros: true, padStart: { length: 12, char: '0' } },
      { case: 'upper' as const, prefix: 'P', suffix: '-X' },
      { stripLeadingZeros: true, prefix: 'C:' },
    ];
    for (const rules of ruleSets) {
      const t = createSkuTranslator(rules);
      for (let i = 0; i < 500; i++) {
        const length = 1 + Math.floor(rand() * 10);
        let sku = '';
        for (let j = 0; j < length; j++) sku += alphabet[Math.floor(rand() * alphabet.length)];
        // SKUs in a catalogue using zero rules do not start with zeros themselves (the rule exists to drop them).
        if ((rules as { stripLeadingZeros?: boolean }).stripLeadingZeros || 'padStart' in rules)
          sku = sku.replace(/^0+/, '') || '1';
        expect(t.toCommercetools(t.toClarus(sku))).toBe(sku);
      }
    }
  });
});
