import type { Order } from '@commercetools/platform-sdk';
import {
  createSkuTranslator,
  describeFinding,
  dispatchCandidates,
  dispatchWindowStart,
  exportedAt,
  goodsOutsByOrder,
  isAuditDue,
  masterDataFindings,
  mayHaveDispatches,
  normaliseBarcode,
  selectForSweep,
  staysBlocked,
  sinceInstalled,
  stockDriftMessage,
  stockDrifts,
  stuckGoodsOuts,
  stuckMessage,
  sweepWindow,
  utcDay,
} from '../../src';
import { anOrder } from '../../testing';

const NOW = Date.parse('2030-01-10T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHANNEL = 'clarus-channel';

const synced = (externalId: string, syncedAt: string) => ({
  channel: { typeId: 'channel' as const, id: CHANNEL },
  externalId,
  syncedAt,
});
const order = (id: string, overrides: Partial<Order> = {}) =>
  anOrder({ id, orderNumber: `SO-${id}`, ...overrides });

describe('reconciliation plan: windows and the order sweep', () => {
  it('looks back RECONCILE_LOOKBACK_HOURS and leaves the grace period to the event app', () => {
    expect(sweepWindow(NOW, { lookbackHours: 72, graceMinutes: 10 })).toEqual({
      from: '2030-01-07T12:00:00.000Z',
      to: '2030-01-10T11:50:00.000Z',
    });
    // Never before the connector was installed (the clarus-wms channel's createdAt).
    const window = sweepWindow(NOW, { lookbackHours: 72, graceMinutes: 10 });
    expect(sinceInstalled(window, '2030-01-09T00:00:00.000Z')).toEqual({
      from: '2030-01-09T00:00:00.000Z',
      to: '2030-01-10T11:50:00.000Z',
    });
    expect(sinceInstalled(window, '2029-01-01T00:00:00.000Z')).toEqual(window);
    // Dispatch checks reach back far enough for an order to become stuck before it leaves the window.
    expect(dispatchWindowStart(NOW, { lookbackHours: 72, stuckFulfilmentDays: 3 })).toBe(
      '2030-01-04T12:00:00.000Z',
    );
  });

  it('exports orders without syncInfo, skipping cancelled ones and those with an open validation exception', () => {
    const selection = selectForSweep(
      [
        order('a'),
        order('b', { orderState: 'Cancelled' }),
        order('c', { syncInfo: [synced('1', '2030-01-10T10:00:00.000Z')] }),
        order('d'),
        // syncInfo on another channel is not ours
        order('e', { syncInfo: [{ ...synced('9', 'x'), channel: { typeId: 'channel', id: 'other' } }] }),
      ],
      CHANNEL,
      new Map([['d', [{ kind: 'order-validation-failed', lastSeenAt: '2030-01-10T11:00:00.000Z' }]]]),
    );
    expect(selection.toExport.map((o) => o.id)).toEqual(['a', 'e']);
    expect(selection.withOpenException.map((o) => o.id)).toEqual(['d']);
  });

  it('holds an order back for a problem on the order until it is edited; never for a master-data problem', () => {
    const seen = '2030-01-10T11:00:00.000Z';
    const invalid = [{ kind: 'order-validation-failed', lastSeenAt: seen }];
    expect(staysBlocked({ lastModifiedAt: '2030-01-10T10:00:00.000Z' }, invalid)).toBe(true);
    expect(staysBlocked({ lastModifiedAt: seen }, invalid)).toBe(true);
    // A person fixed the address on the order after the exception: the sweep tries again.
    expect(staysBlocked({ lastModifiedAt: '2030-01-10T11:05:00.000Z' }, invalid)).toBe(false);
    // The SKU may now exist in Clarus (product sync, a person) or the mapping changed: tried each pass.
    for (const kind of ['sku-unknown-to-clarus', 'shipping-method-unmapped'])
      expect(staysBlocked({ lastModifiedAt: '2030-01-10T10:00:00.000Z' }, [{ kind, lastSeenAt: seen }])).toBe(
        false,
      );
  });
});

describe('reconciliation plan: dispatch catch-up and stuck fulfilment', () => {
  const config = { dispatchCatchupMinAgeMinutes: 60, stuckFulfilmentDays: 3 };

  it('takes the earliest syncedAt as the export time and picks orders by age', () => {
    const multi = order('m', {
      syncInfo: [synced('2', '2030-01-10T09:00:00.000Z'), synced('1', '2030-01-10T08:00:00.000Z')],
    });
    expect(exportedAt(multi, CHANNEL)).toBe('2030-01-10T08:00:00.000Z');
    const candidates = dispatchCandidates(
      [
        order('young', { syncInfo: [synced('1', new Date(NOW - 30 * 60_000).toISOString())] }),
        order('hour', { syncInfo: [synced('2', new Date(NOW - 61 * 60_000).toISOString())] }),
        order('old', { syncInfo: [synced('3', new Date(NOW - 3 * DAY - 1).toISOString())] }),
        order('shipped', { shipmentState: 'Shipped', syncInfo: [synced('4', '2030-01-01T00:00:00.000Z')] }),
        // Dispatch done or given up on: never picked, so the catch-up cannot move them back (invariant 6).
        order('delivered', {
          shipmentState: 'Delivered',
          syncInfo: [synced('5', '2030-01-01T00:00:00.000Z')],
        }),
        order('canceled', { shipmentState: 'Canceled', syncInfo: [synced('6', '2030-01-01T00:00:00.000Z')] }),
        order('complete', { orderState: 'Complete', syncInfo: [synced('7', '2030-01-01T00:00:00.000Z')] }),
        order('cancelled', { orderState: 'Cancelled', syncInfo: [synced('8', '2030-01-01T00:00:00.000Z')] }),
        order('partial', { shipmentState: 'Partial', syncInfo: [synced('9', '2030-01-10T10:00:00.000Z')] }),
        order('never'),
      ],
      CHANNEL,
      NOW,
      config,
    );
    expect(candidates.map((c) => [c.order.id, c.catchUp, c.stuckAge])).toEqual([
      ['hour', true, false],
      ['old', true, true],
      ['partial', true, false],
    ]);
  });

  it('matches goods outs to orders by the ids export recorded, ignoring same-reference strangers', () => {
    const a = order('a', { syncInfo: [synced('10', 'x')] });
    const found = [
      { id: 10, reference: 'SO-a', status: { code: 'COMPLETED', name: 'Completed' } },
      { id: 11, reference: 'SO-a', status: { code: 'PENDING', name: 'Pending' } },
    ];
    expect(
      goodsOutsByOrder([{ order: a }], CHANNEL, found)
        .get('a')!
        .map((g) => g.id),
    ).toEqual([10]);
  });

  it.each([
    ['COMPLETED', true],
    ['PICK', true],
    ['SOMETHING_NEW', true],
    [undefined, true],
    ['ALLOCATED', false],
    ['PENDING', false],
    ['PART_ALLOCATED', false],
    ['DRAFT', false],
    ['CANCELLED', false],
  ])('reads the shipments of a %s goods out: %s', (status, read) => {
    expect(mayHaveDispatches(status)).toBe(read);
  });

  it('is stuck while any goods out is not COMPLETED, or missing in Clarus, and says so', () => {
    const o = order('s', {
      syncInfo: [synced('10', '2030-01-06T12:00:00.000Z'), synced('11', '2030-01-06T12:00:00.000Z')],
    });
    expect(
      stuckGoodsOuts(o, CHANNEL, [
        { id: 10, reference: 'SO-s-home', status: { code: 'COMPLETED', name: 'Completed' } },
        { id: 11, reference: 'SO-s-office', status: { code: 'ALLOCATED', name: 'Allocated' } },
      ]),
    ).toEqual([
      { reference: 'SO-s-office', goodsOutId: 11, statusCode: 'ALLOCATED', statusName: 'Allocated' },
    ]);
    const missing = stuckGoodsOuts(o, CHANNEL, [
      { id: 10, reference: 'SO-s-home', status: { code: 'COMPLETED', name: null } },
    ]);
    expect(missing).toEqual([{ reference: '?', goodsOutId: 11, statusCode: 'NOT_FOUND' }]);
    expect(stuckMessage(o, '2030-01-06T12:00:00.000Z', NOW, missing)).toBe(
      'Order SO-s reached Clarus 4 days ago (2030-01-06T12:00:00.000Z) and is not dispatched: ' +
        'goods out id 11 recorded on the order is not found in Clarus.',
    );
    expect(
      stuckGoodsOuts(o, CHANNEL, [
        { id: 10, reference: 'a', status: { code: 'COMPLETED', name: null } },
        { id: 11, reference: 'b', status: { code: 'COMPLETED', name: null } },
      ]),
    ).toEqual([]);
  });
});

describe('reconciliation plan: daily audits', () => {
  it('is due once per UTC day', () => {
    expect(utcDay(NOW)).toBe('2030-01-10');
    expect(isAuditDue(undefined, NOW)).toBe(true);
    expect(isAuditDue('2030-01-09', NOW)).toBe(true);
    expect(isAuditDue('2030-01-10', NOW)).toBe(false);
    expect(isAuditDue('2030-01-10', Date.parse('2030-01-10T23:59:59.999Z'))).toBe(false);
    expect(isAuditDue('2030-01-10', Date.parse('2030-01-11T00:00:00.000Z'))).toBe(true);
  });

  it('groups stock drift beyond the tolerance per SKU', () => {
    const drifts = stockDrifts(
      [
        { sku: 'B', channelKey: 'web', quantityOnStock: 10, ats: 9 },
        { sku: 'A', channelKey: 'web', quantityOnStock: 7, ats: 10 },
        { sku: 'A', channelKey: 'store', quantityOnStock: 12, ats: 10 },
        { sku: 'C', channelKey: 'web', quantityOnStock: 0, ats: 0 },
      ],
      1,
    );
    expect(drifts).toEqual([
      {
        sku: 'A',
        channels: [
          { channelKey: 'web', quantityOnStock: 7, ats: 10, difference: -3 },
          { channelKey: 'store', quantityOnStock: 12, ats: 10, difference: 2 },
        ],
        maxDifference: 3,
      },
    ]);
    expect(stockDriftMessage(drifts[0]!, 1)).toBe(
      'SKU A differs from Clarus by more than 1 unit (STOCK_AUDIT_TOLERANCE): ' +
        'web: commercetools quantityOnStock 7, available-to-sell from Clarus 10 (-3); ' +
        'store: commercetools quantityOnStock 12, available-to-sell from Clarus 10 (+2).',
    );
  });

  it('compares barcodes as GTINs', () => {
    expect(normaliseBarcode(' 04006381333931 ')).toBe(normaliseBarcode('4006381333931'));
    expect(normaliseBarcode('0000')).toBe('0');
    expect(normaliseBarcode('AB-01')).toBe('AB-01');
  });

  it('finds every master-data mismatch through the SKU rules', () => {
    const translator = createSkuTranslator({ padStart: { length: 6, char: '0' } });
    const findings = masterDataFindings({
      variants: [
        { sku: '123', barcode: '111', expandedBundle: false },
        { sku: '124', barcode: '222', expandedBundle: false },
        { sku: '125', expandedBundle: false },
        { sku: 'SET', expandedBundle: true },
        { sku: '126', expandedBundle: false },
      ],
      products: [
        { code: '000123', barcode: '0111' },
        { code: '000124', barcode: '223' },
        { code: '000126', barcode: '999' },
        { code: '000127', barcode: null },
        { code: '000128', barcode: null },
        { code: '000129', barcode: null },
      ],
      entrySkus: new Set(['129']),
      stockedCodes: new Set(['000127']),
      translator,
      compareBarcodes: true,
    });
    expect(findings).toEqual([
      { kind: 'barcode-mismatch', sku: '124', code: '000124', commercetools: '222', clarus: '223' },
      { kind: 'missing-in-clarus', sku: '125', code: '000125' },
      { kind: 'not-in-commercetools', code: '000127', stocked: true },
      { kind: 'not-in-commercetools', code: '000128', stocked: false },
    ]);
    expect(describeFinding(findings[2]!, translator, 'ean')).toMatchObject({
      kind: 'sku-not-sold-in-commercetools',
      entity: { type: 'sku', id: '000127', sku: '127' },
    });
    expect(describeFinding(findings[3]!, translator, 'ean')).toMatchObject({
      kind: 'master-data-drift',
      entity: { type: 'sku', id: '000128', sku: '128' },
    });
    expect(describeFinding(findings[0]!, translator, 'ean').message).toBe(
      'SKU 124: barcode 222 in commercetools (attribute ean) differs from Clarus product 000124, whose barcode is 223.',
    );
    // Without BARCODE_ATTRIBUTE nothing is compared.
    expect(
      masterDataFindings({
        variants: [{ sku: '124', barcode: '222', expandedBundle: false }],
        products: [{ code: '000124', barcode: '223' }],
        entrySkus: new Set(),
        stockedCodes: new Set(),
        translator,
        compareBarcodes: false,
      }),
    ).toEqual([]);
  });
});
