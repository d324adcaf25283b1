import type { Express } from 'express';
import { ConfigError, loadConfig, secretValues, type AppConfig, type Env } from '../config';
import { createLogger } from '../logging';
import { closeOnSignals, listen } from './http';
import { createIntegration, type Integration, type IntegrationOptions } from './integration';

export interface AppEntry {
  serviceName: string;
  /** Keys optional in the shared schema that this app cannot run without. */
  requiredConfigKeys: (keyof Env)[];
  createApp(integration: Integration): Express;
  /** Integration options of this app, e.g. the reconciliation job sends its alerts once per pass. */
  integration?: Pick<IntegrationOptions, 'alertWindowMs'>;
}

/**
 * The process entry every app shares: configuration read and validated once (a bad key stops the start with
 * a message naming it), logger with the secrets to redact, the integration, the HTTP server on PORT, and a
 * graceful stop on SIGTERM.
 */
export async function runApp(entry: AppEntry, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(env, entry.requiredConfigKeys);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // No configuration means no secrets to redact yet; the message names keys, never values.
    createLogger({ service: entry.serviceName }).error(err.message, { issues: err.issues });
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({
    service: entry.serviceName,
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const integration = createIntegration({ config, logger, ...entry.integration });
  const server = await listen(entry.createApp(integration), config.port);
  logger.info('listening', { port: config.port });
  // Alerts still waiting for their batch window go out before the instance stops.
  closeOnSignals(server, logger, async () => {
    await integration.alerts.flush();
  });
}

/** `runApp` for an app's `src/index.ts`; a failure to start is logged and exits non-zero. */
export function startApp(entry: AppEntry): void {
  runApp(entry).catch((err: unknown) => {
    createLogger({ service: entry.serviceName }).error('start-up failed', { error: err });
    process.exitCode = 1;
  });
}
