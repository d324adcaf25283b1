// fulfilment-service: Clarus webhooks and the operations API.
import { createHttpApp, errorHandler, type AppConfig, type Env, type Logger } from '@clarus-connector/core';

export const SERVICE_NAME = 'fulfilment-service';

/** Keys that are optional in the shared schema but this app cannot run without. */
export const requiredConfigKeys: (keyof Env)[] = ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN'];

export interface AppDeps {
  config: AppConfig;
  logger: Logger;
}

/** The one place that wires configuration → clients → routes. Nothing here runs at import time. */
export function createApp({ logger }: AppDeps): ReturnType<typeof createHttpApp> {
  const app = createHttpApp({ logger });
  // The webhook routes (/clarus/webhooks/dispatch, /clarus/webhooks/stock) and the ops API (/ops/…) come with
  // the dispatch and operations issues; until then only /health answers.
  app.use(errorHandler(logger));
  return app;
}
