// The Pub/Sub client would otherwise probe for a GCE metadata server that does not exist here.
process.env.METADATA_SERVER_DETECTION = 'none';

import { PubSub } from '@google-cloud/pubsub';
import type { Order } from '@commercetools/platform-sdk';
import type { Server } from 'node:http';
import { listen } from '@clarus-connector/core';
import {
  importOrder,
  orderMessage,
  seedProducts,
  seedShippingMethods,
  startPubSubEmulator,
  startTestWorld,
  type PubSubEmulator,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { createApp } from '../src/app';

/**
 * End to end through the real Google Pub/Sub emulator: a topic, a push subscription to the running app,
 * commercetools-format messages published to it (some twice). Pub/Sub retries what the app nacks (503).
 */
let world: TestWorld;
let emulator: PubSubEmulator;
let server: Server;
let pubsub: PubSub;

beforeAll(async () => {
  const started = await startPubSubEmulator();
  if (!started)
    throw new Error('No Pub/Sub emulator: set PUBSUB_EMULATOR_HOST or install the Google Cloud CLI emulator');
  emulator = started;
  world = await startTestWorld();
  await seedProducts(world.api, [{ sku: 'PS-MUG' }, { sku: 'PS-TEE' }]);
  world.clarus.seedProducts([{ code: 'PS-MUG' }, { code: 'PS-TEE' }]);
  world.clarus.setStock([
    { productCode: 'PS-MUG', available: 5000 },
    { productCode: 'PS-TEE', available: 5000 },
  ]);
  const integration = world.integration({ CLARUS_MAX_REQUESTS_PER_SECOND: '50' });
  server = await listen(createApp(integration), 0, '127.0.0.1');
  // A project of its own: the emulator may be shared with other runs (CI runs the suite on two Node versions).
  pubsub = new PubSub({
    projectId: `clarus-e2e-${process.pid}-${Date.now()}`,
    apiEndpoint: emulator.host,
    emulatorMode: true,
  });
}, 90_000);

afterAll(async () => {
  await pubsub?.close();
  await new Promise((r) => server?.close(r));
  await world?.close();
  await emulator?.close();
});

it('exports 50 orders published through a push subscription, duplicates included, exactly once each', async () => {
  const [shippingMethod] = await seedShippingMethods(world.api, ['ps-standard']);
  const orders: Order[] = [];
  for (let i = 0; i < 50; i++) {
    orders.push(
      await importOrder(world.api, {
        orderNumber: `PS-${String(i).padStart(3, '0')}`,
        lines: [{ sku: i % 2 ? 'PS-MUG' : 'PS-TEE', quantity: 1 + (i % 3) }],
        shippingMethod,
      }),
    );
  }
  const [topic] = await pubsub.createTopic('commercetools-orders');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await topic.createSubscription('clarus-order-events', {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/order-events` },
    ackDeadlineSeconds: 10,
  });

  // Every order once, and every fifth order a second time (a redelivery / duplicate publish).
  const messages = [...orders, ...orders.filter((_, i) => i % 5 === 0)].map((o) =>
    orderMessage('OrderCreated', o),
  );
  await Promise.all(messages.map((m) => topic.publishMessage({ data: Buffer.from(JSON.stringify(m)) })));

  const channel = await world.integration().clarusChannel();
  const synced = async () => {
    const response = await world.api
      .orders()
      .get({
        queryArgs: {
          where: `orderNumber in (${orders.map((o) => `"${o.orderNumber}"`).join(', ')})`,
          limit: 100,
        },
      })
      .execute();
    return response.body.results.filter((o) => o.syncInfo.some((s) => s.channel.id === channel.id)).length;
  };
  // Waits for an observable outcome (all orders synced), bounded; no fixed sleep decides the result.
  const deadline = Date.now() + 60_000;
  while ((await synced()) < orders.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));

  expect(await synced()).toBe(50);
  const references = world.clarus.goodsOuts().map((g) => g.attributes.reference);
  const ours = references.filter((r) => typeof r === 'string' && r.startsWith('PS-'));
  expect(ours).toHaveLength(50);
  expect(new Set(ours).size).toBe(50);
}, 120_000);

it('redelivers what the app nacks (503 while Clarus throttles) and exports it once when Clarus recovers', async () => {
  const [shippingMethod] = await seedShippingMethods(world.api, ['ps-retry']);
  const order = await importOrder(world.api, {
    orderNumber: 'PS-NACK-1',
    lines: [{ sku: 'PS-MUG', quantity: 1 }],
    shippingMethod,
  });
  const [topic] = await pubsub.createTopic('commercetools-orders-nack');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await topic.createSubscription('clarus-order-events-nack', {
    // Its own query string: redeliveries from the first test's subscription may still arrive.
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/order-events?case=nack` },
    ackDeadlineSeconds: 10,
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
  });
  const deliveries: number[] = [];
  server.on('request', (req, res) => {
    if (req.url === '/order-events?case=nack') res.on('finish', () => deliveries.push(res.statusCode));
  });
  // Clarus refuses the create twice (429: nothing created), so the first deliveries are nacked.
  world.clarus.injectFault({
    kind: 'rate_limit',
    retryAfterSeconds: 1,
    count: 2,
    match: { method: 'POST', path: '/api/goods_outs' },
  });
  await topic.publishMessage({ data: Buffer.from(JSON.stringify(orderMessage('OrderCreated', order))) });

  const goodsOuts = () => world.clarus.goodsOuts().filter((g) => g.attributes.reference === 'PS-NACK-1');
  // Waits for the observable outcome (the goods out and the acknowledging answer), bounded; no fixed sleep
  // decides the result.
  const deadline = Date.now() + 60_000;
  while ((goodsOuts().length === 0 || deliveries.at(-1) !== 200) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));

  expect(goodsOuts()).toHaveLength(1);
  // Pub/Sub delivered again after the nack(s): 503 first, 200 last.
  expect(deliveries[0]).toBe(503);
  expect(deliveries.at(-1)).toBe(200);
  const attempts = world.clarus.requests.filter(
    (r) => r.method === 'POST' && r.path === '/api/goods_outs' && r.status !== undefined,
  );
  expect(attempts.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(2);
  const synced = (await world.api.orders().withId({ ID: order.id }).get().execute()).body.syncInfo;
  expect(synced).toHaveLength(1);
}, 90_000);
