// reconciliation-job: the safety net between commercetools and Clarus.
import {
  createHttpApp,
  errorHandler,
  type Env,
  type Integration,
  type ReconciliationRunOptions,
} from '@clarus-connector/core';
import { reconcileHandler } from './reconcile-route';

export const SERVICE_NAME = 'reconciliation-job';

/** The connect.yaml endpoint the Connect scheduler posts to. */
export const RECONCILE_PATH = '/reconcile';

/** Keys that are optional in the shared schema but this app cannot run without (none). */
export const requiredConfigKeys: (keyof Env)[] = [];

/** Options for tests; production runs with none. */
export type AppOptions = ReconciliationRunOptions;

/** The one place that wires the integration's use case to the job route. Nothing here runs at import time. */
export function createApp(
  integration: Pick<Integration, 'logger' | 'reconciliation'>,
  options: AppOptions = {},
): ReturnType<typeof createHttpApp> {
  const { logger } = integration;
  const app = createHttpApp({ logger });
  const handler = reconcileHandler({ reconciliation: integration.reconciliation, options });
  // Connect posts to the endpoint path; a root POST is accepted too for a scheduler set up by hand.
  app.post([RECONCILE_PATH, '/'], (req, res, next) => {
    handler(req, res).catch(next);
  });
  app.use(errorHandler(logger));
  return app;
}
