import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Delivery, Order } from '@commercetools/platform-sdk';
import {
  createClarusClient,
  createIntegration,
  createLogger,
  deliveriesOf,
  listen,
  type Integration,
} from '@clarus-connector/core';
import { importOrder, startTestWorld, type OrderSpec, type TestWorld } from '@clarus-connector/sandbox';
import { createApp, type AppOptions } from '../src/app';
import { DISPATCH_WEBHOOK_PATH, STOCK_WEBHOOK_PATH } from '../src/webhook-routes';

export const WEBHOOK_TOKEN = 'test-webhook-token-123';

export interface ServiceUnderTest {
  world: TestWorld;
  integration: Integration;
  /** http://127.0.0.1:<port> of the running service. */
  baseUrl: string;
  /** The webhook URL with `?token=` (the configured token by default; `null` = no token at all). */
  dispatchUrl: (token?: string | null) => string;
  stockUrl: (token?: string | null) => string;
  close(): Promise<void>;
}

/**
 * The fulfilment-service wired as in production (createApp(createIntegration(config))) over the emulators,
 * listening on a loopback port so the Clarus simulator's automations reach it over HTTP. The Clarus client
 * retries quickly so fault tests stay short.
 */
export async function startService(
  world: TestWorld,
  env: Record<string, string> = {},
  appOptions: AppOptions = {},
): Promise<ServiceUnderTest> {
  const config = world.config(env);
  const logger = createLogger({
    service: 'fulfilment-service-test',
    level: config.logLevel,
    stream: process.env.LOG_LEVEL ? undefined : new Writable({ write: (_c, _e, done) => done() }),
  });
  const clarus = createClarusClient({
    config: config.clarus,
    logger,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  const integration = createIntegration({ config, logger, clarus });
  const server: Server = await listen(createApp(integration, appOptions), 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const withToken = (path: string, token: string | null) =>
    `${baseUrl}${path}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  return {
    world,
    integration,
    baseUrl,
    dispatchUrl: (token: string | null = WEBHOOK_TOKEN) => withToken(DISPATCH_WEBHOOK_PATH, token),
    stockUrl: (token: string | null = WEBHOOK_TOKEN) => withToken(STOCK_WEBHOOK_PATH, token),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { startTestWorld };

export const freshOrder = async (world: TestWorld, order: Pick<Order, 'id'>) =>
  (await world.api.orders().withId({ ID: order.id }).get().execute()).body;

/** Deliveries of an order with the shipping key each sits under (multi-shipment) — what the API stores. */
export const deliveries = (order: Order): { delivery: Delivery; shippingKey?: string }[] =>
  deliveriesOf(order);

/** commercetools requests other than token requests, as `METHOD /path` (query dropped). */
export async function ctCalls(world: TestWorld): Promise<string[]> {
  return (await world.ct.requests())
    .filter((r) => !r.url.startsWith('/oauth'))
    .map((r) => `${r.method} ${r.url.split('?')[0]!.replace(/^\/[^/]+/, '')}`);
}

/**
 * Clarus requests as `METHOD /path` (GraphQL calls as `GRAPHQL <list>`, or `GRAPHQL <list>+<list>` for one
 * request reading several lists), token requests dropped.
 */
export function clarusCalls(world: TestWorld): string[] {
  return world.clarus.requests
    .filter((r) => !r.path.startsWith('/oauth'))
    .map((r) => {
      if (r.path !== '/graphql') return `${r.method} ${r.path}`;
      const query = String((r.body as { query?: unknown } | undefined)?.query ?? '');
      const lists = [...query.matchAll(/(\w+)\s*\{\s*all\s*\(/g)].map((m) => m[1]);
      return `GRAPHQL ${lists.join('+') || '?'}`;
    });
}

/** An order in commercetools, exported to Clarus by the order export use case (goods out + syncInfo). */
export async function exportedOrder(
  service: ServiceUnderTest,
  spec: OrderSpec,
): Promise<{ order: Order; goodsOutId: number }> {
  const order = await importOrder(service.world.api, spec);
  const outcome = await service.integration.orderExport.exportOrder({ orderId: order.id });
  if (outcome.kind !== 'exported') throw new Error(`export failed: ${JSON.stringify(outcome)}`);
  return { order, goodsOutId: Object.values(outcome.goodsOuts)[0]! };
}

/** commercetools writes (POST) other than token requests, as `POST /path`. */
export async function ctWrites(world: TestWorld): Promise<string[]> {
  return (await ctCalls(world)).filter((c) => c.startsWith('POST '));
}
