import {
  accessNeededFor,
  exportStateOf,
  loadConfig,
  mcPermissionAllows,
  merchantCenterApiUrlForRegion,
  openExceptionsByDay,
  pageOf,
  scopeGrants,
  searchExceptions,
  type ExceptionRecord,
} from '@clarus-connector/core';

const record = (over: Partial<ExceptionRecord> & Pick<ExceptionRecord, 'key'>): ExceptionRecord => ({
  kind: 'sku-unknown-to-clarus',
  team: 'operations',
  entity: { type: 'sku', id: 'X' },
  message: 'm',
  action: 'a',
  status: 'open',
  count: 1,
  firstSeenAt: '2026-11-01T10:00:00.000Z',
  lastSeenAt: '2026-11-01T10:00:00.000Z',
  ...over,
});

describe('who may use the operations API (pure rules)', () => {
  it('derives the Merchant Center API URL (issuer) from the region, and the config default from CTP_REGION', () => {
    expect(merchantCenterApiUrlForRegion('europe-west1.gcp')).toBe(
      'https://mc-api.europe-west1.gcp.commercetools.com',
    );
    const base = {
      CTP_PROJECT_KEY: 'p',
      CTP_CLIENT_ID: 'c',
      CTP_CLIENT_SECRET: 's',
      CLARUS_SUBDOMAIN: 't',
      CLARUS_CLIENT_ID: 'cc',
      CLARUS_CLIENT_SECRET: 'cs',
      CLARUS_ACCOUNT_ID: '1',
    };
    expect(loadConfig({ ...base, CTP_REGION: 'us-central1.gcp' }).merchantCenter).toEqual({
      apiUrl: 'https://mc-api.us-central1.gcp.commercetools.com',
      serviceUrl: undefined,
    });
    expect(
      loadConfig({
        ...base,
        MERCHANT_CENTER_API_URL: 'https://mc.example.com/',
        FULFILMENT_SERVICE_URL: 'https://svc.example.com/',
      }).merchantCenter,
    ).toEqual({ apiUrl: 'https://mc.example.com', serviceUrl: 'https://svc.example.com' });
    expect(() => loadConfig({ ...base, OPS_API_CLIENT_SCOPE: 'manage_orders:p' })).toThrow(
      /OPS_API_CLIENT_SCOPE/,
    );
  });

  it('grants view to either Clarus WMS permission and manage only to the manage one', () => {
    expect(mcPermissionAllows(['viewClarusWms'], 'view')).toBe(true);
    expect(mcPermissionAllows(['viewClarusWms'], 'manage')).toBe(false);
    expect(mcPermissionAllows(['manageClarusWms'], 'manage')).toBe(true);
    expect(mcPermissionAllows(['viewOrders', 'manageProducts'], 'view')).toBe(false);
    expect(mcPermissionAllows(undefined, 'view')).toBe(false);
    expect(accessNeededFor('GET')).toBe('view');
    expect(accessNeededFor('POST')).toBe('manage');
  });

  it('grants a commercetools token only the configured scope for this project', () => {
    expect(scopeGrants('manage_orders:shop view_products:shop', 'manage_orders', 'shop')).toBe(true);
    expect(scopeGrants('manage_orders:other', 'manage_orders', 'shop')).toBe(false);
    expect(scopeGrants('manage_orders_x:shop', 'manage_orders', 'shop')).toBe(false);
    expect(scopeGrants(undefined, 'manage_orders', 'shop')).toBe(false);
  });
});

describe('exceptions list and chart (pure)', () => {
  it('searches order numbers, order ids and SKUs, not messages', () => {
    const rows = [
      record({
        key: 'a',
        entity: { type: 'order', id: 'id-1', orderNumber: 'ORD-100' },
        message: 'SKU-9 missing',
      }),
      record({ key: 'b', entity: { type: 'sku', id: 'SKU-9', sku: 'SKU-9' } }),
    ];
    expect(searchExceptions(rows, 'ord-1').map((r) => r.key)).toEqual(['a']);
    expect(searchExceptions(rows, 'sku-9').map((r) => r.key)).toEqual(['b']);
    expect(searchExceptions(rows, ' ').map((r) => r.key)).toEqual(['a', 'b']);
    expect(pageOf([1, 2, 3], 2, 2)).toEqual({ total: 3, offset: 2, limit: 2, items: [3] });
  });

  it('counts open exceptions at the end of each day: resolved ones stop counting, new ones start', () => {
    const now = Date.parse('2026-11-03T12:00:00.000Z');
    const rows = [
      record({
        key: 'old-resolved',
        firstSeenAt: '2026-11-01T08:00:00.000Z',
        status: 'resolved',
        resolvedAt: '2026-11-02T09:00:00.000Z',
      }),
      record({ key: 'open-since-2nd', firstSeenAt: '2026-11-02T08:00:00.000Z' }),
      record({ key: 'today', firstSeenAt: '2026-11-03T11:00:00.000Z' }),
    ];
    expect(openExceptionsByDay(rows, 3, now)).toEqual([
      { date: '2026-11-01', open: 1 },
      { date: '2026-11-02', open: 1 },
      { date: '2026-11-03', open: 2 },
    ]);
  });

  it('names the export state: cancelled, exported, invalid, failing, waiting', () => {
    const open = (kind: string) => [record({ key: kind, kind: kind as ExceptionRecord['kind'] })];
    expect(exportStateOf({ orderState: 'Cancelled' }, 1, [])).toBe('cancelled');
    expect(exportStateOf({ orderState: 'Open' }, 1, open('order-export-failing'))).toBe('exported');
    expect(exportStateOf({ orderState: 'Open' }, 0, open('shipping-method-unmapped'))).toBe('invalid');
    expect(exportStateOf({ orderState: 'Open' }, 0, open('order-export-failing'))).toBe('failing');
    expect(exportStateOf({ orderState: 'Open' }, 0, [])).toBe('waiting');
  });
});
