import {
  closeOnSignals,
  ConfigError,
  createIntegration,
  createLogger,
  listen,
  loadConfig,
  secretValues,
  type AppConfig,
} from '@clarus-connector/core';
import { createApp, requiredConfigKeys, SERVICE_NAME } from './app';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, requiredConfigKeys);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // No configuration means no secrets to redact yet; the message names keys, never values.
    createLogger({ service: SERVICE_NAME }).error(err.message, { issues: err.issues });
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({
    service: SERVICE_NAME,
    level: config.logLevel,
    secrets: secretValues(config),
  });
  // One alert message per pass: the pass flushes the alerts itself (no timer window).
  const integration = createIntegration({ config, logger, alertWindowMs: 0 });
  const server = await listen(createApp(integration), config.port);
  logger.info('listening', { port: config.port });
  closeOnSignals(server, logger, async () => {
    await integration.alerts.flush();
  });
}

main().catch((err: unknown) => {
  createLogger({ service: SERVICE_NAME }).error('start-up failed', { error: err });
  process.exitCode = 1;
});
