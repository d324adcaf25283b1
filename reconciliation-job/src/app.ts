// reconciliation-job: the safety net between commercetools and Clarus.
import { createHttpApp, errorHandler, type AppConfig, type Env, type Logger } from '@clarus-connector/core';

export const SERVICE_NAME = 'reconciliation-job';

/** Keys that are optional in the shared schema but this app cannot run without (none yet). */
export const requiredConfigKeys: (keyof Env)[] = [];

export interface AppDeps {
  config: AppConfig;
  logger: Logger;
}

/** The one place that wires configuration → clients → routes. Nothing here runs at import time. */
export function createApp({ logger }: AppDeps): ReturnType<typeof createHttpApp> {
  const app = createHttpApp({ logger });
  // The job route (POST /reconcile) comes with the reconciliation issue; until then only /health answers.
  app.use(errorHandler(logger));
  return app;
}
