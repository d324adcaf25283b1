// order-event-app: exports commercetools orders to Clarus as goods outs, and cancels them there.
import { createHttpApp, errorHandler, type Env, type Integration } from '@clarus-connector/core';
import { orderEventsHandler } from './order-events-route';

export const SERVICE_NAME = 'order-event-app';

/** The connect.yaml endpoint Pub/Sub pushes to. */
export const ORDER_EVENTS_PATH = '/order-events';

/** Keys that are optional in the shared schema but this app cannot run without (none). */
export const requiredConfigKeys: (keyof Env)[] = [];

export interface AppOptions {
  /** Pub/Sub's ack deadline is 10 s: answer within this budget (default 8 s). */
  budgetMs?: number;
}

/** The one place that wires the integration's use cases to routes. Nothing here runs at import time. */
export function createApp(
  integration: Integration,
  options: AppOptions = {},
): ReturnType<typeof createHttpApp> {
  const { logger } = integration;
  const app = createHttpApp({ logger, bodyLimit: '10mb' });
  const handler = orderEventsHandler({
    exporter: integration.orderExport,
    cancellation: integration.orderCancellation,
    products: integration.productSync,
    exceptions: integration.exceptions,
    logger,
    now: integration.now,
    budgetMs: options.budgetMs ?? 8000,
  });
  // Connect posts to the endpoint path; a root POST is accepted too for push subscriptions set up by hand.
  app.post([ORDER_EVENTS_PATH, '/'], (req, res, next) => {
    handler(req, res).catch(next);
  });
  app.use(errorHandler(logger));
  return app;
}
