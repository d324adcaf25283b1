import { createCommercetoolsClient, createLogger, loadConfig, secretValues } from '@clarus-connector/core';
import { removeOrderSubscription } from './subscription';

/** Connect runs this before undeploying: stop commercetools sending messages to a topic that is going away. */
async function preUndeploy(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({
    service: 'order-event-app:pre-undeploy',
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const removed = await removeOrderSubscription(createCommercetoolsClient(config.commercetools, { logger }));
  logger.info('pre-undeploy done', { subscriptionRemoved: removed });
}

preUndeploy().catch((err: unknown) => {
  process.stderr.write(`pre-undeploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
