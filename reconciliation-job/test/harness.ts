import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import {
  ensureClarusChannel,
  listen,
  type Integration,
  type ReconciliationSummary,
} from '@clarus-connector/core';
import {
  importOrder,
  seedProducts,
  seedShippingMethods,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import express from 'express';
import request from 'supertest';
import { createApp, RECONCILE_PATH, type AppOptions } from '../src/app';

/**
 * A clock the test moves on without sleeping: real time plus an offset. Orders get their createdAt from the
 * emulator's real clock, so "15 minutes later" is an offset of 15 minutes.
 */
export function testClock(offsetMs = 0) {
  const clock = {
    offset: offsetMs,
    now: () => Date.now() + clock.offset,
    advance(ms: number) {
      clock.offset += ms;
    },
  };
  return clock;
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface JobUnderTest {
  integration: Integration;
  app: ReturnType<typeof createApp>;
  /** POST /reconcile. */
  post(): Promise<request.Response>;
  /** POST /reconcile, expecting a pass that ran: its summary. */
  pass(): Promise<ReconciliationSummary>;
}

/**
 * The job wired as in production (createApp(createIntegration(…)) with one alert message per pass), config
 * from loadConfig over the emulators' environment, a Clarus client whose retries are quick.
 */
export function buildJob(
  world: TestWorld,
  options: {
    env?: Record<string, string>;
    now?: () => number;
    appOptions?: AppOptions;
  } = {},
): JobUnderTest {
  const integration = world.integration(options.env, {
    now: options.now,
    quickClarusRetries: true,
    alertWindowMs: 0,
  });
  const app = createApp(integration, options.appOptions);
  const post = () => request(app).post(RECONCILE_PATH).send();
  return {
    integration,
    app,
    post,
    async pass() {
      const res = await post();
      if (res.status !== 200 && res.status !== 503) throw new Error(`/reconcile answered ${res.status}`);
      if (!res.body?.runId) throw new Error(`/reconcile did not run: ${JSON.stringify(res.body)}`);
      return res.body as ReconciliationSummary;
    },
  };
}

export const freshOrder = async (world: TestWorld, order: Pick<Order, 'id'>) =>
  (await world.api.orders().withId({ ID: order.id }).get().execute()).body;

export const goodsOutsFor = (world: TestWorld, reference: string) =>
  world.clarus.goodsOuts().filter((g) => g.attributes.reference === reference);

/** Writes commercetools received for one order (POST /orders/{id}), as the emulator recorded them. */
export async function orderWrites(world: TestWorld, orderId: string): Promise<number> {
  return (await world.ct.requests()).filter(
    (r) => r.method === 'POST' && r.url.split('?')[0]!.endsWith(`/orders/${orderId}`),
  ).length;
}

/** Resolves when `condition` holds, checking after each turn of the event loop (bounded, never a fixed sleep). */
export async function until(condition: () => boolean, what: string, maxTurns = 20_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface AlertReceiver {
  url: string;
  messages: { text: string; blocks?: unknown[] }[];
  /** Status the receiver answers with (default 200). */
  status: number;
  close(): Promise<void>;
}

/** A Slack-compatible incoming webhook on a loopback port that records what it receives. */
export async function startAlertReceiver(): Promise<AlertReceiver> {
  const app = express();
  app.use(express.json());
  const receiver: Omit<AlertReceiver, 'url' | 'close'> = { messages: [], status: 200 };
  app.post('/hook', (req, res) => {
    receiver.messages.push(req.body as { text: string });
    res.status(receiver.status).send(receiver.status === 200 ? 'ok' : 'error');
  });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return Object.assign(receiver, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as AlertReceiver;
}

/**
 * Settings of the paging tests: 7-day look-back, dispatch catch-up after 60 minutes, stuck after 3 days.
 * With the job's clock `PAGING_AHEAD` (4 days) ahead, orders exported now are stuck and inside the window.
 */
export const PAGING_SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
  RECONCILE_LOOKBACK_HOURS: '168',
  DISPATCH_CATCHUP_MIN_AGE_MINUTES: '60',
  STUCK_FULFILMENT_DAYS: '3',
};
export const PAGING_AHEAD = 4 * DAY;

/** A world with one SKU (MUG-1, 1,000 in Clarus) and a mapped shipping method; `place` imports an order of it. */
export async function startOneSkuWorld(): Promise<{
  world: TestWorld;
  place: (orderNumber: string) => Promise<Order>;
}> {
  const world = await startTestWorld();
  await ensureClarusChannel(world.api);
  await seedProducts(world.api, [{ sku: 'MUG-1' }]);
  const nextDay = (await seedShippingMethods(world.api, ['next-day']))[0] as ShippingMethod;
  world.clarus.seedProducts([{ code: 'MUG-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([{ productCode: 'MUG-1', available: 1000 }]);
  const place = (orderNumber: string) =>
    importOrder(world.api, { orderNumber, lines: [{ sku: 'MUG-1', quantity: 1 }], shippingMethod: nextDay });
  return { world, place };
}

/** Registers `beforeAll`/`afterAll` for a `startOneSkuWorld` shared by a test file; `set` receives it. */
export function useOneSkuWorld(set: (started: Awaited<ReturnType<typeof startOneSkuWorld>>) => void): void {
  let started: Awaited<ReturnType<typeof startOneSkuWorld>> | undefined;
  beforeAll(async () => {
    started = await startOneSkuWorld();
    set(started);
  });
  afterAll(async () => {
    await started?.world.close();
  });
}
