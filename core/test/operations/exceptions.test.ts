import {
  CUSTOM_OBJECT_KEY_PATTERN,
  EXCEPTION_KINDS,
  EXCEPTIONS_CONTAINER,
  createCustomObjects,
  createExceptionStore,
  exceptionKey,
  type ExceptionStore,
} from '../../src';
import { startEmulatorWithClient, testClock, type EmulatorWithClient } from '../commercetools/setup';

describe('exceptions store (Custom Objects in clarus-exceptions, over the emulator)', () => {
  let ctx: EmulatorWithClient;
  let store: ExceptionStore;
  const clock = testClock();

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    store = createExceptionStore(createCustomObjects(ctx.api), { now: clock.now });
  });
  afterAll(() => ctx.emulator.close());
  beforeEach(() => ctx.emulator.clear());

  const order = { type: 'order' as const, id: 'order-1', orderNumber: 'N-1001' };

  it('raises a new exception with the kind defaults', async () => {
    const { record, isNew } = await store.raise({
      kind: 'shipping-method-unmapped',
      entity: order,
      message: 'Shipping method "express-eu" has no Clarus carrier service (order N-1001).',
    });

    expect(isNew).toBe(true);
    expect(record).toMatchObject({
      kind: 'shipping-method-unmapped',
      team: 'operations',
      action: EXCEPTION_KINDS['shipping-method-unmapped'].action,
      status: 'open',
      count: 1,
      entity: order,
      firstSeenAt: clock.now().toISOString(),
      lastSeenAt: clock.now().toISOString(),
    });
    expect(record.key).toBe(exceptionKey('shipping-method-unmapped', order));
    expect(await store.get(record.key)).toEqual(record);
    const stored = await ctx.api
      .customObjects()
      .withContainerAndKey({ container: EXCEPTIONS_CONTAINER, key: record.key })
      .get()
      .execute();
    expect(stored.body.value).toMatchObject({ kind: 'shipping-method-unmapped' });
  });

  it('counts repeats while open, keeping firstSeenAt and taking the latest message', async () => {
    const first = await store.raise({
      kind: 'order-export-failing',
      entity: order,
      message: 'Clarus answered 503',
    });
    clock.advance(60_000);
    const second = await store.raise({
      kind: 'order-export-failing',
      entity: order,
      message: 'Clarus answered 429 three times',
      details: { attempts: 3 },
    });

    expect(second.isNew).toBe(false);
    expect(second.record).toMatchObject({
      count: 2,
      message: 'Clarus answered 429 three times',
      details: { attempts: 3 },
      firstSeenAt: first.record.firstSeenAt,
      lastSeenAt: clock.now().toISOString(),
    });
  });

  it('lets the raiser choose the team (validation failure caused by master data → operations)', async () => {
    const { record } = await store.raise({
      kind: 'order-validation-failed',
      entity: order,
      team: 'operations',
      message: 'SKU "ABC-1" is unknown to Clarus; line 2',
    });
    expect(record.team).toBe('operations');
    expect(EXCEPTION_KINDS['order-validation-failed'].team).toBe('ecommerce');
  });

  it('resolves, and a recurrence reopens it as new', async () => {
    await store.raise({ kind: 'tracking-write-failed', entity: order, message: 'first' });
    await store.raise({ kind: 'tracking-write-failed', entity: order, message: 'second' });
    clock.advance(1000);

    expect(await store.resolve('tracking-write-failed', order)).toBe(true);
    expect(await store.resolve('tracking-write-failed', order)).toBe(false); // already resolved
    const resolved = await store.get(exceptionKey('tracking-write-failed', order));
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: clock.now().toISOString(), count: 2 });

    clock.advance(1000);
    const reopened = await store.raise({ kind: 'tracking-write-failed', entity: order, message: 'third' });
    expect(reopened.isNew).toBe(true);
    expect(reopened.record).toMatchObject({
      status: 'open',
      count: 1,
      firstSeenAt: clock.now().toISOString(),
    });
    expect(reopened.record.resolvedAt).toBeUndefined();
  });

  it('resolve of something never raised is a no-op; resolveByKey works on the key', async () => {
    expect(await store.resolve('stock-drift', { type: 'sku', id: 'NOPE' })).toBe(false);
    const { record } = await store.raise({
      kind: 'stock-drift',
      entity: { type: 'sku', id: 'SKU-9', sku: 'SKU-9' },
      message: 'x',
    });
    expect(await store.resolveByKey(record.key)).toBe(true);
    expect((await store.get(record.key))?.status).toBe('resolved');
  });

  it('lists by team, kind and status, and counts open ones by kind and team', async () => {
    await store.raise({ kind: 'sku-unknown-to-clarus', entity: { type: 'sku', id: 'A-1' }, message: 'm' });
    await store.raise({ kind: 'sku-unknown-to-clarus', entity: { type: 'sku', id: 'A-2' }, message: 'm' });
    await store.raise({ kind: 'stock-drift', entity: { type: 'sku', id: 'A-1' }, message: 'm' });
    await store.raise({ kind: 'short-shipment', entity: order, message: 'm' });
    await store.raise({
      kind: 'cancellation-refused',
      entity: { type: 'order', id: 'order-2' },
      message: 'm',
    });
    await store.resolve('cancellation-refused', { type: 'order', id: 'order-2' });

    expect((await store.list()).length).toBe(5);
    expect((await store.list({ status: 'open' })).length).toBe(4);
    expect((await store.list({ team: 'operations' })).map((r) => r.entity.id).sort()).toEqual(['A-1', 'A-2']);
    expect((await store.list({ kind: 'stock-drift', status: 'open' })).map((r) => r.team)).toEqual([
      'finance',
    ]);
    expect((await store.list({ status: 'resolved', team: 'ecommerce' })).map((r) => r.kind)).toEqual([
      'cancellation-refused',
    ]);

    expect(await store.countsOpen()).toEqual({
      total: 4,
      byKind: { 'sku-unknown-to-clarus': 2, 'stock-drift': 1, 'short-shipment': 1 },
      byTeam: { ecommerce: 1, operations: 2, finance: 1 },
    });
  });

  it('refuses unknown filter values (they may come from the operations API)', async () => {
    await expect(store.list({ team: 'sales' as never })).rejects.toThrow(RangeError);
    await expect(store.list({ kind: 'nope' as never })).rejects.toThrow(RangeError);
  });

  it('loses no occurrence when several instances raise the same exception at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store.raise({
          kind: 'fulfilment-stuck',
          entity: { type: 'goods_out', id: '777' },
          message: `check ${i}`,
        }),
      ),
    );

    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect((await store.get(exceptionKey('fulfilment-stuck', { type: 'goods_out', id: '777' })))?.count).toBe(
      6,
    );
  });

  it('keys any entity id safely and deterministically', async () => {
    const entity = { type: 'sku' as const, id: 'SKU 12/34 "x"' };
    const { record } = await store.raise({ kind: 'master-data-drift', entity, message: 'barcode differs' });
    expect(record.key).toMatch(CUSTOM_OBJECT_KEY_PATTERN);
    expect(record.key).toBe(exceptionKey('master-data-drift', { type: 'sku', id: 'SKU 12/34 "x"' }));
    expect(record.entity.id).toBe('SKU 12/34 "x"');
  });

  it('strips personal data that slipped into a message or details', async () => {
    const { record } = await store.raise({
      kind: 'order-validation-failed',
      entity: order,
      message: 'Address line too long for jane.doe@example.com',
      details: { field: 'address_1', email: 'jane.doe@example.com', lineNumber: 1 },
    });
    expect(JSON.stringify(record)).not.toContain('jane.doe@example.com');
    expect(record.details).toMatchObject({ field: 'address_1', lineNumber: 1 });
  });
});
