import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Order } from '@commercetools/platform-sdk';
import { exceptionsToCsv, type Integration } from '@clarus-connector/core';
import {
  cancelOrder,
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';

/**
 * A connector upgrade from release 0.1: the Custom Objects that release wrote (core/test/fixtures/v0.1) are
 * loaded into the commercetools emulator as they are, and the current code must read and act on every one
 * of them — export claims (finished, taken over, still leased, invalid, cancelled), exceptions (list, CSV,
 * count on, resolve) and job locks (held, expired).
 */
const FIXTURES = path.join(__dirname, 'fixtures', 'v0.1');
const NUMBERS = ['UPG-TAKEOVER', 'UPG-EXPORTED', 'UPG-LIVE', 'UPG-INVALID', 'UPG-CANCELLED'] as const;

interface StoredFixture {
  container: string;
  key: string;
  value: Record<string, unknown>;
}

let world: TestWorld;
let integration: Integration;
let clock = Date.parse('2026-11-30T12:00:00.000Z');
const orders = new Map<string, Order>();

/** Reads a fixture file, putting the ids of the orders imported here in place of `<order:NUMBER>`. */
function fixture(file: string): StoredFixture[] {
  const text = readFileSync(path.join(FIXTURES, file), 'utf8').replace(/<order:([A-Z-]+)>/g, (_, number) => {
    const order = orders.get(number as string);
    if (!order)
      throw new Error(`fixture ${file} names order ${number as string}, which the test did not import`);
    return order.id;
  });
  return JSON.parse(text) as StoredFixture[];
}

beforeAll(async () => {
  world = await startTestWorld();
  await seedProducts(world.api, [{ sku: 'UPG-MUG' }]);
  world.clarus.seedProducts([{ code: 'UPG-MUG' }]);
  world.clarus.setStock([{ productCode: 'UPG-MUG', available: 100 }]);
  const [shippingMethod] = await seedShippingMethods(world.api, ['upg-standard']);
  for (const orderNumber of NUMBERS) {
    orders.set(
      orderNumber,
      await importOrder(world.api, { orderNumber, lines: [{ sku: 'UPG-MUG', quantity: 1 }], shippingMethod }),
    );
  }
  // A 0.1 claim says cancelled because the order was cancelled.
  await cancelOrder(world.api, orders.get('UPG-CANCELLED')!);
  integration = world.integration({}, { now: () => clock, exportLeaseMs: 30_000 });
  // The 0.1 attempt behind the UPG-TAKEOVER claim created its goods out, then crashed before recording it.
  await integration.clarus.createGoodsOut({
    attributes: {
      goods_out_type: 'sales_order',
      account_id: integration.config.clarus.accountId,
      reference: 'UPG-TAKEOVER',
      expected_date_of_dispatch: '2026-11-29T09:00:05.000Z',
      external_system_reference1: orders.get('UPG-TAKEOVER')!.id,
    },
  });
  for (const file of ['export-claims.json', 'exceptions.json', 'job-locks.json']) {
    for (const { container, key, value } of fixture(file)) {
      await world.api.customObjects().post({ body: { container, key, value } }).execute();
    }
  }
}, 60_000);

afterAll(async () => world?.close());

const orderId = (number: (typeof NUMBERS)[number]) => orders.get(number)!.id;
const goodsOutsFor = (reference: string) =>
  world.clarus.goodsOuts().filter((g) => g.attributes.reference === reference);
const creates = () =>
  world.clarus.requests.filter((r) => r.method === 'POST' && r.path === '/api/goods_outs');

describe('upgrade from 0.1: exceptions', () => {
  it('lists, exports as CSV, counts on and resolves the exceptions 0.1 recorded', async () => {
    const open = await integration.exceptions.list({ status: 'open' });
    expect(open.map((e) => e.kind).sort()).toEqual(
      ['order-export-failing', 'order-validation-failed', 'sku-unknown-to-clarus'].sort(),
    );
    const resolved = await integration.exceptions.list({ status: 'resolved' });
    expect(resolved).toMatchObject([
      { kind: 'shipping-method-unmapped', resolvedAt: '2026-11-29T08:15:02.000Z' },
    ]);

    const csv = exceptionsToCsv(open);
    expect(csv).toContain('sku-unknown-to-clarus.sku.~8a11b4bec8b46449af98eac94ba951e7');
    expect(csv).toContain('AB/12 X');
    expect(csv).toContain('UPG-INVALID');

    // A repeat of an open 0.1 exception counts on from its stored count.
    const { record, isNew } = await integration.exceptions.raise({
      kind: 'order-validation-failed',
      entity: { type: 'order', id: orderId('UPG-INVALID'), orderNumber: 'UPG-INVALID' },
      message: 'Order UPG-INVALID cannot be sent to Clarus: line 1: SKU UPG-MUG has no Clarus product.',
    });
    expect({ isNew, count: record.count, firstSeenAt: record.firstSeenAt }).toEqual({
      isNew: false,
      count: 3,
      firstSeenAt: '2026-11-29T10:30:00.000Z',
    });
    // The key of an entity id that needs hashing (a SKU with a slash and a space) is derived the same way.
    expect(
      await integration.exceptions.resolve('sku-unknown-to-clarus', { type: 'sku', id: 'AB/12 X' }),
    ).toBe(true);
  });
});

describe('upgrade from 0.1: export claims', () => {
  it('does not export again an order whose 0.1 claim says exported, nor one it says cancelled', async () => {
    const before = creates().length;
    expect(await integration.orderExport.exportOrder({ orderId: orderId('UPG-EXPORTED') })).toMatchObject({
      kind: 'already_exported',
    });
    expect(await integration.orderExport.exportOrder({ orderId: orderId('UPG-CANCELLED') })).toMatchObject({
      kind: 'skipped',
    });
    expect(creates().length).toBe(before);
    expect((await integration.claims.get(orderId('UPG-CANCELLED')))?.value).toMatchObject({
      status: 'cancelled',
      goodsOuts: { 'UPG-CANCELLED': 90002 },
    });
  });

  it('takes over an expired 0.1 claim and adopts the goods out its attempt created, instead of creating another', async () => {
    const outcome = await integration.orderExport.exportOrder({ orderId: orderId('UPG-TAKEOVER') });
    expect(outcome).toMatchObject({ kind: 'exported', adopted: ['UPG-TAKEOVER'] });
    expect(goodsOutsFor('UPG-TAKEOVER')).toHaveLength(1);
    const claim = await integration.claims.get(orderId('UPG-TAKEOVER'));
    expect(claim?.value).toMatchObject({ status: 'exported', attempts: 2, failures: 0 });
    // Its 0.1 'export failing' exception resolves itself.
    const failing = await integration.exceptions.list({ kind: 'order-export-failing' });
    expect(failing.map((e) => e.status)).toEqual(['resolved']);
  });

  it('respects the live lease of a 0.1 attempt, then takes over once it has run out', async () => {
    expect(await integration.orderExport.exportOrder({ orderId: orderId('UPG-LIVE') })).toMatchObject({
      kind: 'in_progress',
    });
    expect(goodsOutsFor('UPG-LIVE')).toHaveLength(0);
    clock = Date.parse('2026-11-30T12:00:21.000Z');
    expect(await integration.orderExport.exportOrder({ orderId: orderId('UPG-LIVE') })).toMatchObject({
      kind: 'exported',
    });
    expect(goodsOutsFor('UPG-LIVE')).toHaveLength(1);
  });

  it('exports an order 0.1 found invalid once it is retried, and resolves its validation exception', async () => {
    expect(await integration.orderExport.exportOrder({ orderId: orderId('UPG-INVALID') })).toMatchObject({
      kind: 'exported',
    });
    expect(goodsOutsFor('UPG-INVALID')).toHaveLength(1);
    const validation = await integration.exceptions.list({ kind: 'order-validation-failed' });
    expect(validation.map((e) => e.status)).toEqual(['resolved']);
  });
});

describe('upgrade from 0.1: job locks', () => {
  it('keeps out of a live 0.1 lease, and takes over an expired one (and, later, the live one once it expires)', async () => {
    clock = Date.parse('2026-11-30T12:00:30.000Z');
    const inventory = await integration.jobLock.inspect('inventory-sync');
    expect(inventory).toMatchObject({
      holder: 'inventory-job:2f6e1a9c-3b7d-4e8f-9a0b-1c2d3e4f5a6b',
      live: false,
    });
    const taken = await integration.jobLock.acquire('inventory-sync', {
      holder: 'upgrade-test',
      leaseMs: 60_000,
    });
    expect(taken).toMatchObject({ holder: 'upgrade-test' });
    expect(await integration.jobLock.release(taken!)).toBe(true);

    expect(await integration.jobLock.inspect('reconciliation')).toMatchObject({ live: true });
    expect(
      await integration.jobLock.acquire('reconciliation', { holder: 'upgrade-test', leaseMs: 60_000 }),
    ).toBe(null);
    clock = Date.parse('2026-11-30T12:05:01.000Z');
    const later = await integration.jobLock.acquire('reconciliation', {
      holder: 'upgrade-test',
      leaseMs: 60_000,
    });
    expect(later).toMatchObject({ holder: 'upgrade-test', jobName: 'reconciliation' });
    expect(await integration.jobLock.renew(later!)).toMatchObject({ holder: 'upgrade-test' });
  });
});
