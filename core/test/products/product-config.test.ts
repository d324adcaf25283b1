import { ConfigError, loadConfig, secretValues } from '../../src/config';

const base = {
  CTP_PROJECT_KEY: 'p',
  CTP_CLIENT_ID: 'c',
  CTP_CLIENT_SECRET: 's',
  CLARUS_SUBDOMAIN: 't',
  CLARUS_CLIENT_ID: 'ci',
  CLARUS_CLIENT_SECRET: 'cs',
  CLARUS_ACCOUNT_ID: '12',
};

const issues = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
};

describe('product master configuration', () => {
  it('defaults to audit only, no guard, en names, printable-ASCII SKUs', () => {
    expect(loadConfig(base).products).toEqual({
      master: 'off',
      descriptionLocale: 'en',
      skuGuard: 'off',
      skuFormat: '^[!-~]+$',
      stockUnitTypeId: undefined,
      barcodeAttribute: undefined,
      skuGuardSecret: undefined,
    });
  });

  it('requires CLARUS_STOCK_UNIT_TYPE_ID when PRODUCT_MASTER is commercetools, naming the key', () => {
    expect(issues({ PRODUCT_MASTER: 'commercetools' })).toEqual([
      expect.objectContaining({ key: 'CLARUS_STOCK_UNIT_TYPE_ID' }),
    ]);
    expect(
      loadConfig({ ...base, PRODUCT_MASTER: 'commercetools', CLARUS_STOCK_UNIT_TYPE_ID: '3' }).products
        .stockUnitTypeId,
    ).toBe(3);
  });

  it('requires a long SKU_GUARD_SECRET when the guard is on, and never logs it', () => {
    expect(issues({ SKU_GUARD: 'reject' })).toEqual([expect.objectContaining({ key: 'SKU_GUARD_SECRET' })]);
    expect(issues({ SKU_GUARD: 'warn', SKU_GUARD_SECRET: 'short' })).toEqual([
      { key: 'SKU_GUARD_SECRET', message: 'must be at least 16 characters' },
    ]);
    const config = loadConfig({ ...base, SKU_GUARD: 'warn', SKU_GUARD_SECRET: 'guard-secret-0123456789' });
    expect(secretValues(config)).toContain('guard-secret-0123456789');
  });

  it('rejects a SKU_FORMAT that is not a regular expression', () => {
    expect(issues({ SKU_FORMAT: '([A-Z' })).toEqual([
      { key: 'SKU_FORMAT', message: 'must be a valid regular expression' },
    ]);
  });

  it('reads the barcode attribute under its new name or its old one (BARCODE_ATTRIBUTE), for sync and audit alike', () => {
    const old = loadConfig({ ...base, BARCODE_ATTRIBUTE: 'ean' });
    expect([old.products.barcodeAttribute, old.reconciliation.barcodeAttribute]).toEqual(['ean', 'ean']);
    const renamed = loadConfig({ ...base, PRODUCT_BARCODE_ATTRIBUTE: 'gtin' });
    expect([renamed.products.barcodeAttribute, renamed.reconciliation.barcodeAttribute]).toEqual([
      'gtin',
      'gtin',
    ]);
    expect(issues({ PRODUCT_BARCODE_ATTRIBUTE: 'gtin', BARCODE_ATTRIBUTE: 'ean' })).toEqual([
      expect.objectContaining({ key: 'BARCODE_ATTRIBUTE' }),
    ]);
  });
});
