// inventory-job: writes Clarus available-to-sell into commercetools inventory.
import {
  createHttpApp,
  errorHandler,
  type Env,
  type Integration,
  type InventoryRunOptions,
} from '@clarus-connector/core';
import { inventorySyncHandler } from './inventory-sync-route';

export const SERVICE_NAME = 'inventory-job';

/** The connect.yaml endpoint the Connect scheduler posts to. */
export const INVENTORY_SYNC_PATH = '/inventory-sync';

/** Keys that are optional in the shared schema but this app cannot run without (none). */
export const requiredConfigKeys: (keyof Env)[] = [];

/** Options for tests and benchmarks; production runs with none. */
export type AppOptions = InventoryRunOptions;

/** The one place that wires the integration's use case to the job route. Nothing here runs at import time. */
export function createApp(
  integration: Integration,
  options: AppOptions = {},
): ReturnType<typeof createHttpApp> {
  const { logger } = integration;
  const app = createHttpApp({ logger });
  const handler = inventorySyncHandler({
    sync: integration.inventorySync,
    options,
    alerts: integration.alerts,
  });
  // Connect posts to the endpoint path; a root POST is accepted too for a scheduler set up by hand.
  app.post([INVENTORY_SYNC_PATH, '/'], (req, res, next) => {
    handler(req, res).catch(next);
  });
  app.use(errorHandler(logger));
  return app;
}
