import type { ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel } from '@clarus-connector/core';
import {
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { buildJob, MINUTE, startAlertReceiver, testClock, type AlertReceiver } from './harness';

let world: TestWorld;
let receiver: AlertReceiver;
let unmapped: ShippingMethod;
let nextDay: ShippingMethod;
let settings: Record<string, string>;

beforeAll(async () => {
  [world, receiver] = await Promise.all([startTestWorld(), startAlertReceiver()]);
  // post-deploy creates the channel at installation; orders before it are out of scope.
  await ensureClarusChannel(world.api);
  settings = {
    CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
    CLARUS_WAREHOUSE_ID: '1',
    ALERT_WEBHOOK_URL: receiver.url,
  };
  await seedProducts(world.api, [{ sku: 'MUG-1' }]);
  [nextDay, unmapped] = (await seedShippingMethods(world.api, ['next-day', 'pigeon-post'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  world.clarus.seedProducts([{ code: 'MUG-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([{ productCode: 'MUG-1', available: 100 }]);
});

beforeEach(() => {
  receiver.messages.length = 0;
  receiver.status = 200;
});

afterAll(async () => {
  await Promise.all([world?.close(), receiver?.close()]);
});

const unmappedOrders = (prefix: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      importOrder(world.api, {
        orderNumber: `${prefix}-${i + 1}`,
        lines: [{ sku: 'MUG-1', quantity: 1 }],
        shippingMethod: unmapped,
      }),
    ),
  );

describe('reconciliation-job: alerts on new exceptions', () => {
  it('sends one message listing the three exceptions a pass opened, and none for exceptions already open', async () => {
    const orders = await unmappedOrders('ALERT', 3);
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, { env: settings, now: clock.now });

    const pass = await job.pass();
    expect(pass.orderSweep.invalid).toBe(3);
    expect(pass.alerts).toMatchObject({ outcome: 'sent', exceptions: 3 });
    expect(receiver.messages).toHaveLength(1);
    const [message] = receiver.messages;
    expect(message!.text).toMatch(/^3 new Clarus connector exceptions: 3 shipping-method-unmapped/);
    for (const order of orders) {
      expect(message!.text).toContain(`order ${order.orderNumber} (id ${order.id})`);
    }
    expect(message!.text).toMatch(/owner: operations/);
    // Blocks say what to do and never carry the customer's address or e-mail.
    const blocks = JSON.stringify(message!.blocks);
    expect(blocks).toMatch(/What to do:/);
    expect(blocks).toMatch(/pigeon-post/);
    expect(JSON.stringify(message)).not.toMatch(/grace@example\.com|Station Road|Hopper/);

    // The next pass meets the same open exceptions: no message.
    clock.advance(15 * MINUTE);
    const again = await job.pass();
    expect(again.alerts.outcome).toBe('empty');
    // A raiser repeating an open exception (the event app's redelivery, say) does not alert either.
    await job.integration.exceptions.raise({
      kind: 'shipping-method-unmapped',
      entity: { type: 'order', id: orders[0]!.id, orderNumber: orders[0]!.orderNumber },
      message: 'repeated',
    });
    expect((await job.integration.alerts.flush()).outcome).toBe('empty');
    expect(receiver.messages).toHaveLength(1);
  });

  it('completes the pass when the alert endpoint answers 500', async () => {
    receiver.status = 500;
    await unmappedOrders('ALERT500', 1);
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, { env: settings, now: clock.now });
    const res = await job.post();
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('completed');
    // The three orders of the test before are tried again too (a master-data exception never holds an order
    // back: the fix happens elsewhere) and stay invalid; only the new order's exception is new.
    expect(res.body.orderSweep.invalid).toBe(4);
    expect(res.body.alerts).toMatchObject({ outcome: 'failed', status: 500, exceptions: 1 });
    expect(receiver.messages).toHaveLength(1);
  });

  it('completes the pass when the alert endpoint cannot be reached at all', async () => {
    await unmappedOrders('ALERTDOWN', 1);
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, {
      env: { ...settings, ALERT_WEBHOOK_URL: 'http://127.0.0.1:1/hook' },
      now: clock.now,
    });
    const pass = await job.pass();
    expect(pass.outcome).toBe('completed');
    expect(pass.alerts.outcome).toBe('failed');
  });

  it('sends nothing when no exception opened', async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'QUIET-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const clock = testClock(15 * MINUTE);
    const job = buildJob(world, { env: settings, now: clock.now });
    const pass = await job.pass();
    expect(pass.orderSweep.orders).toEqual(
      expect.arrayContaining([expect.objectContaining({ orderId: order.id, outcome: 'exported' })]),
    );
    expect(pass.alerts.outcome).toBe('empty');
    expect(receiver.messages).toHaveLength(0);
  });
});
