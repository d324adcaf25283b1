import {
  ClarusRateLimitedError,
  ClarusRequestError,
  ClarusUnavailableError,
  ClarusUnexpectedResponseError,
  ClarusValidationError,
} from '../../src/clarus';
import {
  classifyExportFailure,
  describeRejection,
  isReopened,
  problemExceptions,
  skipReason,
  type ExportClaim,
} from '../../src/orders';

const rules = { now: Date.parse('2026-11-26T10:00:00.000Z'), historicalImportAgeMs: 72 * 3600_000 };

describe('which orders never reach the warehouse', () => {
  it.each([
    [{ orderState: 'Cancelled' as const }, 'cancelled'],
    [{ orderState: 'Complete' as const }, 'complete'],
    [{ orderState: 'Open' as const, shipmentState: 'Shipped' as const }, 'shipped'],
    [{ orderState: 'Confirmed' as const, shipmentState: 'Delivered' as const }, 'delivered'],
  ])('%j → %s', (order, code) => {
    expect(skipReason(order, 'created', rules)?.code).toBe(code);
  });

  it('an imported order completed before the look-back is history, also to the sweep; a recent one or a resend is not', () => {
    const old = { orderState: 'Open' as const, completedAt: '2026-10-01T09:00:00.000Z' };
    expect(skipReason(old, 'imported', rules)?.code).toBe('historical_import');
    // The sweep finds the skipped import again (it has no syncInfo): it must not export it either.
    expect(skipReason(old, 'sweep', rules)?.code).toBe('historical_import');
    expect(skipReason(old, 'resend', rules)).toBeUndefined();
    expect(
      skipReason({ ...old, completedAt: '2026-11-26T09:00:00.000Z' }, 'imported', rules),
    ).toBeUndefined();
    expect(skipReason({ orderState: 'Open' }, 'imported', rules)).toBeUndefined();
    expect(skipReason({ orderState: 'Open', shipmentState: 'Pending' }, 'sweep', rules)).toBeUndefined();
  });

  it('reopens a cancelled claim only for a newer order version (or a person)', () => {
    const claim = { cancelledAtOrderVersion: 4 } as ExportClaim;
    expect(isReopened(claim, { reopenAtOrderVersion: 5 })).toBe(true);
    expect(isReopened(claim, { reopenAtOrderVersion: 4 })).toBe(false);
    expect(isReopened(claim, {})).toBe(false);
    expect(isReopened(claim, { force: true })).toBe(true);
    expect(isReopened({} as ExportClaim, { reopenAtOrderVersion: 1 })).toBe(true);
  });
});

describe('failure classes', () => {
  const op = { operation: 'POST /api/goods_outs' };
  it('a Clarus 4xx but 429, and an unreadable answer to a read, are permanent; the symbols and fields are kept', () => {
    const rejected = classifyExportFailure(
      new ClarusValidationError({ ...op, status: 422 }, [
        { symbol: 'invalid_email', context: { attribute: 'email_address' } },
      ]),
    );
    expect(rejected).toMatchObject({
      class: 'permanent',
      symbols: ['invalid_email'],
      fields: ['email_address'],
    });
    expect(describeRejection(rejected)).toBe('invalid_email (email_address)');
    expect(classifyExportFailure(new ClarusRequestError({ ...op, status: 400 })).class).toBe('permanent');
    expect(
      classifyExportFailure(new ClarusUnexpectedResponseError({ operation: 'POST /graphql products' }, 'x'))
        .class,
    ).toBe('permanent');
  });

  it('a create without a readable answer is ambiguous; 429 and 5xx before sending are transient', () => {
    expect(
      classifyExportFailure(new ClarusUnexpectedResponseError({ ...op, mayHaveSucceeded: true }, 'x')).class,
    ).toBe('ambiguous');
    expect(classifyExportFailure(new ClarusUnavailableError({ ...op, mayHaveSucceeded: true })).class).toBe(
      'ambiguous',
    );
    expect(classifyExportFailure(new ClarusRateLimitedError({ ...op, status: 429 }, 2000))).toMatchObject({
      class: 'transient',
      retryAfterMs: 2000,
    });
  });

  it('a commercetools 4xx is permanent, 5xx and status-less network errors transient, anything else unexpected', () => {
    expect(
      classifyExportFailure({ statusCode: 400, body: { errors: [{ code: 'InvalidOperation' }] } }).class,
    ).toBe('permanent');
    expect(classifyExportFailure({ statusCode: 503 }).class).toBe('transient');
    expect(classifyExportFailure({ statusCode: 409 }).class).not.toBe('permanent');
    expect(classifyExportFailure(new TypeError('x is undefined')).class).toBe('unexpected');
  });
});

describe('problems → exceptions', () => {
  it('unknown SKUs and unmapped shipping go to their own operations kinds, the rest to order-validation-failed', () => {
    const order = { id: 'o1', orderNumber: 'N1' };
    const out = problemExceptions(order, [
      {
        code: 'sku_unknown_to_clarus',
        field: 'lineItems[1]',
        owner: 'operations',
        message: 'SKU X',
        sku: 'X',
      },
      {
        code: 'carrier_service_unknown',
        field: 'shippingInfo.shippingMethod',
        owner: 'operations',
        message: 'CS',
      },
      { code: 'field_too_long', field: 'shippingAddress.street', owner: 'ecommerce', message: 'street' },
    ]);
    expect(out.map((e) => [e.kind, e.team, e.problems.length])).toEqual([
      ['sku-unknown-to-clarus', 'operations', 1],
      ['shipping-method-unmapped', 'operations', 1],
      ['order-validation-failed', 'ecommerce', 1],
    ]);
    // Each message lists every problem of the order.
    expect(out.every((e) => /SKU X.*CS.*street/.test(e.message))).toBe(true);
    expect(problemExceptions(order, [out[0]!.problems[0]!]).map((e) => e.kind)).toEqual([
      'sku-unknown-to-clarus',
    ]);
  });
});
