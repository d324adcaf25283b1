import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import type { Integration } from '@clarus-connector/core';
import {
  importOrder,
  orderMessage,
  pushEnvelope,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  subscriptionCreatedNotification,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';
import { parseAzureDelivery } from '../src/azure-delivery';
import { parseDelivery } from '../src/delivery';

/**
 * The event app on Azure. Connect documents only the Google Cloud body; docs/adr/0014 lists the bodies we
 * accept on Azure and why. `connectBody` builds each of them from a commercetools message, and
 * `ServiceBusStandIn` plays the part of Connect's Service Bus → HTTP push: a queue with peek-lock semantics
 * (2xx completes a message; anything else abandons it, so it is delivered again with deliveryCount + 1, and
 * dead-lettered after maxDeliveryCount, 10 by default on Service Bus).
 */
type Shape = 'pubsub-envelope' | 'commercetools-message' | 'cloudevent' | 'service-bus-message';

function connectBody(shape: Shape, message: Record<string, unknown>, messageId: string, deliveryCount = 1) {
  switch (shape) {
    case 'pubsub-envelope':
      return pushEnvelope(message, messageId);
    case 'commercetools-message':
      return message;
    case 'cloudevent':
      return {
        specversion: '1.0',
        id: messageId,
        type: `com.commercetools.order.message.${String(message.type)}`,
        source: '/clarus-test/orders',
        time: new Date(0).toISOString(),
        datacontenttype: 'application/json',
        data: message,
      };
    case 'service-bus-message':
      // Service Bus bodies are bytes: a forwarder passes them on base64-encoded.
      return {
        messageId,
        deliveryCount,
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(message)).toString('base64'),
      };
  }
}

interface QueuedMessage {
  messageId: string;
  message: Record<string, unknown>;
  deliveryCount: number;
}

class ServiceBusStandIn {
  readonly active: QueuedMessage[] = [];
  readonly deadLettered: QueuedMessage[] = [];
  readonly statuses: number[] = [];
  constructor(
    private readonly app: ReturnType<typeof createApp>,
    private readonly shape: Shape,
    private readonly maxDeliveryCount = 10,
  ) {}

  /** commercetools sends a message to the queue (at least once: the same message may be sent twice). */
  send(message: Record<string, unknown>): void {
    this.active.push({ messageId: String(message.id), message, deliveryCount: 0 });
  }

  /** Delivers every message in the queue once, in parallel; returns the HTTP statuses. */
  async deliverRound(): Promise<number[]> {
    const batch = this.active.splice(0);
    const statuses = await Promise.all(
      batch.map(async (entry) => {
        entry.deliveryCount += 1;
        const body = connectBody(this.shape, entry.message, entry.messageId, entry.deliveryCount);
        const contentType = this.shape === 'cloudevent' ? 'application/cloudevents+json' : 'application/json';
        const res = await request(this.app).post('/order-events').set('content-type', contentType).send(body);
        if (res.status < 200 || res.status >= 300) {
          // Abandoned: back in the queue, or to the dead-letter queue after too many deliveries.
          (entry.deliveryCount >= this.maxDeliveryCount ? this.deadLettered : this.active).push(entry);
        }
        return res.status;
      }),
    );
    this.statuses.push(...statuses);
    return statuses;
  }
}

describe('parseDelivery / parseAzureDelivery (pure)', () => {
  const message = {
    notificationType: 'Message',
    id: 'msg-1',
    type: 'OrderCreated',
    resource: { typeId: 'order', id: 'order-1' },
    sequenceNumber: 1,
  };

  it.each<[Shape, string]>([
    ['pubsub-envelope', 'Pub/Sub'],
    ['commercetools-message', 'Service Bus (commercetools-message)'],
    ['cloudevent', 'Service Bus (cloudevent)'],
    ['service-bus-message', 'Service Bus (service-bus-message)'],
  ])('reads the commercetools message from a %s body', (shape, transport) => {
    const delivery = parseDelivery(connectBody(shape, message, 'msg-1'));
    expect(delivery).toMatchObject({
      kind: 'delivery',
      transport,
      decoded: { ok: true, messageId: 'msg-1' },
    });
    expect(delivery.kind === 'delivery' && delivery.decoded.ok && delivery.decoded.message.resource).toEqual({
      typeId: 'order',
      id: 'order-1',
    });
  });

  it('reads a Service Bus body given as JSON, as a JSON string or as base64, and CloudEvent data_base64', () => {
    for (const body of [
      message,
      JSON.stringify(message),
      Buffer.from(JSON.stringify(message)).toString('base64'),
    ]) {
      expect(parseAzureDelivery({ messageId: 'sb-1', body })).toMatchObject({
        shape: 'service-bus-message',
        decoded: { ok: true, messageId: 'sb-1', message: { type: 'OrderCreated' } },
      });
    }
    const dataBase64 = Buffer.from(JSON.stringify(message)).toString('base64');
    expect(parseAzureDelivery({ specversion: '1.0', id: 'ce-1', data_base64: dataBase64 })).toMatchObject({
      decoded: { ok: true, messageId: 'ce-1' },
    });
  });

  it('recognises a delivery whose payload is not a commercetools message as poison (decoded.ok false)', () => {
    expect(parseAzureDelivery({ specversion: '1.0', id: 'ce-2', data: 'not json {' })).toMatchObject({
      shape: 'cloudevent',
      decoded: { ok: false, messageId: 'ce-2', reason: expect.stringMatching(/CloudEvent data/) },
    });
    expect(parseAzureDelivery({ messageId: 'sb-2', body: [1, 2] })).toMatchObject({ decoded: { ok: false } });
  });

  it('answers "invalid" to bodies that are no delivery at all, naming what it expected', () => {
    for (const body of [{ hello: 'world' }, {}, [], 'text', null, { type: 'OrderCreated' }]) {
      const delivery = parseDelivery(body);
      expect(delivery).toMatchObject({ kind: 'invalid' });
      expect(delivery.kind === 'invalid' && delivery.message).toMatch(
        /message\.data.*notificationType.*specversion/,
      );
    }
    // A body with `message` is read as a Pub/Sub envelope, so the error names the missing field.
    expect(parseDelivery({ message: { messageId: '1' } })).toMatchObject({ message: /message\.data/ });
  });
});

describe('order-event-app on Azure: deliveries from a Service Bus stand-in (end to end)', () => {
  let world: TestWorld;
  let shippingMethod: ShippingMethod;
  let integration: Integration;
  let app: ReturnType<typeof createApp>;
  const clock = Date.parse('2026-11-30T10:00:00.000Z');
  let orderCount = 0;

  beforeAll(async () => {
    world = await startTestWorld();
    await seedProducts(world.api, [{ sku: 'AZ-MUG' }]);
    world.clarus.seedProducts([{ code: 'AZ-MUG' }]);
    world.clarus.setStock([{ productCode: 'AZ-MUG', available: 1000 }]);
    [shippingMethod] = (await seedShippingMethods(world.api, ['az-standard'])) as [ShippingMethod];
    integration = world.integration({}, { now: () => clock, exportLeaseMs: 30_000 });
    app = createApp(integration, { budgetMs: 8000 });
  }, 60_000);
  beforeEach(() => world.clarus.clearFaults());
  afterAll(async () => world?.close());

  const newOrder = async (): Promise<Order> =>
    importOrder(world.api, {
      orderNumber: `AZ-${++orderCount}`,
      lines: [{ sku: 'AZ-MUG', quantity: 1 }],
      shippingMethod,
    });
  const goodsOutsFor = (order: Order) =>
    world.clarus.goodsOuts().filter((g) => g.attributes.reference === order.orderNumber);
  const syncInfo = async (order: Order) =>
    (await world.api.orders().withId({ ID: order.id }).get().execute()).body.syncInfo;

  it.each<Shape>(['commercetools-message', 'cloudevent', 'service-bus-message', 'pubsub-envelope'])(
    'as %s: exports each order exactly once, duplicates and redeliveries included',
    async (shape) => {
      const queue = new ServiceBusStandIn(app, shape);
      queue.send(subscriptionCreatedNotification());
      const orders = [await newOrder(), await newOrder(), await newOrder()];
      for (const order of orders) queue.send(orderMessage('OrderCreated', order));
      // At-least-once: the same message twice.
      queue.send(orderMessage('OrderCreated', orders[0]!));

      // Parallel duplicates may meet each other's claim (503 → abandoned → redelivered); bounded rounds.
      for (let round = 0; round < 5 && queue.active.length > 0; round++) await queue.deliverRound();
      expect(queue.active).toEqual([]);
      expect(queue.deadLettered).toEqual([]);
      for (const order of orders) {
        expect(goodsOutsFor(order)).toHaveLength(1);
        expect(await syncInfo(order)).toHaveLength(1);
      }
    },
  );

  it('nacks (non-2xx) while Clarus throttles, so Service Bus redelivers; the redelivery exports once', async () => {
    const order = await newOrder();
    const queue = new ServiceBusStandIn(app, 'cloudevent');
    queue.send(orderMessage('OrderCreated', order));
    // Clarus refuses the create with 429 twice: nothing was created, the claim is released at once.
    world.clarus.injectFault({
      kind: 'rate_limit',
      retryAfterSeconds: 1,
      count: 2,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    expect(await queue.deliverRound()).toEqual([503]);
    expect(queue.active).toMatchObject([{ deliveryCount: 1 }]);
    expect(goodsOutsFor(order)).toHaveLength(0);
    expect(await queue.deliverRound()).toEqual([503]);
    expect(await queue.deliverRound()).toEqual([200]);
    expect(queue.active).toEqual([]);
    expect(goodsOutsFor(order)).toHaveLength(1);

    // A late redelivery of the same message (Service Bus lock expiry) changes nothing.
    queue.send(orderMessage('OrderCreated', order));
    expect(await queue.deliverRound()).toEqual([200]);
    expect(goodsOutsFor(order)).toHaveLength(1);
  });

  it('acknowledges a poison delivery with an exception instead of letting it be dead-lettered', async () => {
    const res = await request(app)
      .post('/order-events')
      .set('content-type', 'application/cloudevents+json')
      .send({ specversion: '1.0', id: 'azure-poison-7', type: 'x', source: '/x', data: 'not json {' });
    expect(res.status).toBe(202);
    const exception = (await integration.exceptions.list({ status: 'open' })).find(
      (e) => e.kind === 'undecodable-message' && e.entity.id === 'azure-poison-7',
    );
    expect(exception?.message).toMatch(/Service Bus \(cloudevent\) message azure-poison-7 could not be read/);
  });

  it('answers 400 to a body that is no delivery', async () => {
    const res = await request(app).post('/order-events').send({ hello: 'world' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_envelope' });
  });
});
