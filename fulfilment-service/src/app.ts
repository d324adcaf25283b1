// fulfilment-service: Clarus webhooks and the operations API.
import { createHttpApp, errorHandler, type Env, type Integration } from '@clarus-connector/core';
import { webhookRoutes } from './webhook-routes';
import { opsRoutes } from './ops-routes';
import { extensionRoutes } from './extension-routes';

export const SERVICE_NAME = 'fulfilment-service';

/** Keys that are optional in the shared schema but this app cannot run without. */
export const requiredConfigKeys: (keyof Env)[] = ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN'];

export interface AppOptions {
  /** Time a webhook may take before it answers 503 so Clarus calls again (default 8 s). */
  webhookBudgetMs?: number;
  /** Start the SKU guard's background refresh (default true; tests refresh by hand). */
  skuGuardRefresh?: boolean;
}

/** The one place that wires the integration's use cases to routes. Nothing here runs at import time. */
export function createApp(
  integration: Integration,
  options: AppOptions = {},
): ReturnType<typeof createHttpApp> {
  const { config, logger } = integration;
  // A goods out record with many lines stays well below 1 MB; anything larger is not a Clarus webhook. With the
  // SKU guard on, commercetools posts whole products (before and after the change): a refused body would fail
  // the merchandiser's save, so the limit follows commercetools' resource size instead.
  const guardOn = config.products.skuGuard !== 'off';
  const app = createHttpApp({ logger, bodyLimit: guardOn ? '20mb' : '1mb' });
  const token = config.clarus.webhookToken;
  if (!token) throw new Error('CLARUS_WEBHOOK_TOKEN is required by the fulfilment-service');
  app.use(
    webhookRoutes({
      dispatch: integration.dispatchSync,
      inventory: integration.inventorySync,
      token,
      subdomain: config.clarus.subdomain,
      logger,
      now: integration.now,
      budgetMs: options.webhookBudgetMs ?? 8000,
    }),
  );
  // The SKU guard's API Extension (SKU_GUARD warn/reject): its memory is refreshed in the background.
  const guardSecret = config.products.skuGuardSecret;
  if (config.products.skuGuard !== 'off' && guardSecret) {
    if (options.skuGuardRefresh !== false) integration.skuGuardCache.start();
    app.use(extensionRoutes({ guard: integration.skuGuard, secret: guardSecret, logger }));
  }
  app.use(opsRoutes(integration));
  app.use(errorHandler(logger));
  return app;
}
