import { ConfigError, loadConfig, secretValues, type EnvSource } from '../src';

// The smallest valid environment: only the keys the schema requires.
const base: EnvSource = {
  CTP_PROJECT_KEY: 'my-project',
  CTP_CLIENT_ID: 'ctp-client',
  CTP_CLIENT_SECRET: 'ctp-secret-value',
  CLARUS_SUBDOMAIN: 'acme',
  CLARUS_CLIENT_ID: 'clarus-client',
  CLARUS_CLIENT_SECRET: 'clarus-secret-value',
  CLARUS_ACCOUNT_ID: '12',
};

/** The ConfigError `loadConfig` throws for `env`, failing the test when it does not throw one. */
function configError(env: EnvSource, requiredKeys: Parameters<typeof loadConfig>[1] = []): ConfigError {
  try {
    loadConfig(env, requiredKeys);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
const issueKeys = (err: ConfigError) => err.issues.map((i) => i.key);

describe('loadConfig', () => {
  it('applies the documented defaults to everything optional', () => {
    const config = loadConfig(base);
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('info');
    expect(config.commercetools).toEqual({
      projectKey: 'my-project',
      clientId: 'ctp-client',
      clientSecret: 'ctp-secret-value',
      scopes: [],
      apiUrl: 'https://api.europe-west1.gcp.commercetools.com',
      authUrl: 'https://auth.europe-west1.gcp.commercetools.com',
    });
    expect(config.clarus).toMatchObject({
      apiUrl: 'https://clarus-api.com',
      restPrefix: '/api',
      accountId: 12,
      warehouseId: undefined,
      webhookToken: undefined,
      maxRequestsPerSecond: 5,
      maxConcurrency: 4,
      requestTimeoutMs: 5000,
    });
    expect(config.mapping).toEqual({
      shippingMethodMap: {},
      skuRules: {},
      giftMessageField: undefined,
      deliveryNotesField: undefined,
      orderFieldMap: {},
      bundleComponentsAttribute: undefined,
      bundleMode: 'expand',
    });
    expect(config.inventory).toEqual({
      channelKeys: [],
      channelWarehouses: {},
      safetyStock: 0,
      safetyStockOverrides: {},
      inflightLookbackMinutes: 120,
      timeBudgetSeconds: 1200,
      writeConcurrency: 8,
    });
    expect(config.reconciliation).toMatchObject({
      lookbackHours: 72,
      graceMinutes: 10,
      stuckFulfilmentDays: 3,
    });
    expect(config.operations).toEqual({ opsApiToken: undefined, alertWebhookUrl: undefined });
  });

  it('parses typed values: numbers, lists, scopes and JSON maps', () => {
    const config = loadConfig({
      ...base,
      PORT: '9090',
      CTP_SCOPE: 'manage_orders:my-project  view_products:my-project',
      CLARUS_WAREHOUSE_ID: '3',
      INVENTORY_CHANNEL_KEYS: ' web-uk , store-london ,',
      CLARUS_SHIPPING_METHOD_MAP: '{"standard":"RM48","*":"RM48"}',
      CLARUS_SKU_RULES: '{"stripLeadingZeros":true,"padStart":{"length":8,"char":"0"},"case":"upper"}',
      SAFETY_STOCK_OVERRIDES: '{"channel:web-uk":2,"sku:ABC":1}',
    });
    expect(config.port).toBe(9090);
    expect(config.commercetools.scopes).toEqual(['manage_orders:my-project', 'view_products:my-project']);
    expect(config.clarus.warehouseId).toBe(3);
    expect(config.inventory.channelKeys).toEqual(['web-uk', 'store-london']);
    expect(config.mapping.shippingMethodMap).toEqual({ standard: 'RM48', '*': 'RM48' });
    expect(config.mapping.skuRules).toEqual({
      stripLeadingZeros: true,
      padStart: { length: 8, char: '0' },
      case: 'upper',
    });
    expect(config.inventory.safetyStockOverrides).toEqual({ 'channel:web-uk': 2, 'sku:ABC': 1 });
  });

  it('derives commercetools URLs from CTP_REGION, and lets CTP_API_URL / CTP_AUTH_URL override them', () => {
    const regional = loadConfig({ ...base, CTP_REGION: 'us-central1.gcp' });
    expect(regional.commercetools.apiUrl).toBe('https://api.us-central1.gcp.commercetools.com');
    expect(regional.commercetools.authUrl).toBe('https://auth.us-central1.gcp.commercetools.com');

    const apiOnly = loadConfig({
      ...base,
      CTP_REGION: 'us-central1.gcp',
      CTP_API_URL: 'http://127.0.0.1:8989/',
    });
    expect(apiOnly.commercetools.apiUrl).toBe('http://127.0.0.1:8989');
    expect(apiOnly.commercetools.authUrl).toBe('https://auth.us-central1.gcp.commercetools.com');

    const both = loadConfig({
      ...base,
      CTP_API_URL: 'http://127.0.0.1:8989',
      CTP_AUTH_URL: 'http://127.0.0.1:8990//',
    });
    expect(both.commercetools.apiUrl).toBe('http://127.0.0.1:8989');
    expect(both.commercetools.authUrl).toBe('http://127.0.0.1:8990');
  });

  it('rejects a malformed JSON value, naming the key', () => {
    const err = configError({ ...base, CLARUS_SKU_RULES: '{bad' });
    expect(err.issues).toEqual([{ key: 'CLARUS_SKU_RULES', message: 'is not valid JSON' }]);
    expect(err.message).toContain('CLARUS_SKU_RULES: is not valid JSON');
  });

  it('rejects an unknown field inside the SKU rules, naming both the key and the field', () => {
    const err = configError({ ...base, CLARUS_SKU_RULES: '{"stripLeadingZeroes":true}' });
    expect(issueKeys(err)).toEqual(['CLARUS_SKU_RULES']);
    expect(err.message).toMatch(/CLARUS_SKU_RULES: .*stripLeadingZeroes/);

    const nested = configError({ ...base, CLARUS_SKU_RULES: '{"padStart":{"length":8,"chr":"0"}}' });
    expect(nested.message).toMatch(/CLARUS_SKU_RULES: .*"chr".*\(at padStart\)/);
  });

  it('reports every problem at once, each naming its key', () => {
    const err = configError({
      CTP_CLIENT_ID: 'ctp-client',
      CTP_CLIENT_SECRET: 'ctp-secret-value',
      CLARUS_CLIENT_ID: 'clarus-client',
      CLARUS_CLIENT_SECRET: 'clarus-secret-value',
      CLARUS_ACCOUNT_ID: 'twelve',
      CTP_REGION: 'Europe',
      BUNDLE_MODE: 'bundle',
      SAFETY_STOCK: '-1',
      CLARUS_API_URL: 'clarus-api.com',
      SAFETY_STOCK_OVERRIDES: '{"web-uk":2}',
      TRACKING_URL_TEMPLATES: '{"DHL":"https://dhl.example/track"}',
    });
    expect(issueKeys(err).sort()).toEqual(
      [
        'BUNDLE_MODE',
        'CLARUS_ACCOUNT_ID',
        'CLARUS_API_URL',
        'CLARUS_SUBDOMAIN',
        'CTP_PROJECT_KEY',
        'CTP_REGION',
        'SAFETY_STOCK',
        'SAFETY_STOCK_OVERRIDES',
        'TRACKING_URL_TEMPLATES',
      ].sort(),
    );
    expect(err.issues).toContainEqual({ key: 'CTP_PROJECT_KEY', message: 'is required' });
    for (const key of issueKeys(err)) expect(err.message).toContain(`- ${key}: `);
  });

  it('never puts a value into the error message, so a mistyped secret cannot reach the logs', () => {
    const err = configError({
      ...base,
      CLARUS_ACCOUNT_ID: 'p4ssw0rd-like-value',
      ALERT_WEBHOOK_URL: 'hooks-s3cret-path',
    });
    expect(issueKeys(err).sort()).toEqual(['ALERT_WEBHOOK_URL', 'CLARUS_ACCOUNT_ID']);
    expect(err.message).not.toContain('p4ssw0rd-like-value');
    expect(err.message).not.toContain('hooks-s3cret-path');
  });

  it("enforces the keys an app requires on top of the schema's", () => {
    const fulfilmentKeys = ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN'] as const;
    const err = configError(base, [...fulfilmentKeys]);
    expect(err.issues).toEqual([
      { key: 'CLARUS_WEBHOOK_TOKEN', message: 'is required by this application' },
      { key: 'OPS_API_TOKEN', message: 'is required by this application' },
    ]);
    const config = loadConfig({ ...base, CLARUS_WEBHOOK_TOKEN: 'hook-token', OPS_API_TOKEN: 'ops-token' }, [
      ...fulfilmentKeys,
    ]);
    expect(config.clarus.webhookToken).toBe('hook-token');
    expect(config.operations.opsApiToken).toBe('ops-token');
    // Schema problems and app requirements come in the same report.
    expect(issueKeys(configError({ ...base, CTP_PROJECT_KEY: '' }, ['OPS_API_TOKEN']))).toEqual([
      'CTP_PROJECT_KEY',
      'OPS_API_TOKEN',
    ]);
  });

  it('treats empty and blank values (as Merchant Center sends them) as unset', () => {
    const config = loadConfig({
      ...base,
      CLARUS_API_URL: '',
      CTP_REGION: '  ',
      CLARUS_WAREHOUSE_ID: '',
      CLARUS_SKU_RULES: ' ',
      INVENTORY_CHANNEL_KEYS: '',
      ORDER_GIFT_MESSAGE_FIELD: '',
      ALERT_WEBHOOK_URL: '',
    });
    expect(config.clarus.apiUrl).toBe('https://clarus-api.com');
    expect(config.commercetools.apiUrl).toBe('https://api.europe-west1.gcp.commercetools.com');
    expect(config.clarus.warehouseId).toBeUndefined();
    expect(config.mapping.skuRules).toEqual({});
    expect(config.inventory.channelKeys).toEqual([]);
    expect(config.mapping.giftMessageField).toBeUndefined();
    expect(config.operations.alertWebhookUrl).toBeUndefined();

    expect(configError({ ...base, CTP_CLIENT_SECRET: '' }).issues).toEqual([
      { key: 'CTP_CLIENT_SECRET', message: 'is required' },
    ]);
    expect(issueKeys(configError({ ...base, OPS_API_TOKEN: '   ' }, ['OPS_API_TOKEN']))).toEqual([
      'OPS_API_TOKEN',
    ]);
  });

  it('ignores keys the schema does not know', () => {
    expect(() => loadConfig({ ...base, HOME: '/root', SOMETHING_ELSE: '{bad' })).not.toThrow();
  });
});

describe('secretValues', () => {
  it('lists every configured secret so the logger can redact it, and nothing else', () => {
    const config = loadConfig({
      ...base,
      CLARUS_WEBHOOK_TOKEN: 'hook-token',
      OPS_API_TOKEN: 'ops-token',
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/services/T000/B000/XXXX',
    });
    expect(secretValues(config).sort()).toEqual(
      [
        'ctp-secret-value',
        'clarus-secret-value',
        'hook-token',
        'ops-token',
        'https://hooks.example.com/services/T000/B000/XXXX',
      ].sort(),
    );
    expect(secretValues(loadConfig(base)).sort()).toEqual(['clarus-secret-value', 'ctp-secret-value']);
  });
});
