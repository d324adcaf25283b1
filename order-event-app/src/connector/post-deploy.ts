import {
  createCommercetoolsClient,
  createLogger,
  ensureClarusChannel,
  loadConfig,
  secretValues,
} from '@clarus-connector/core';
import { ensureOrderSubscription } from './subscription';

/** Connect runs this after every deploy: the export channel and the order Subscription to our Pub/Sub topic. */
async function postDeploy(): Promise<void> {
  const config = loadConfig(process.env, ['CONNECT_GCP_PROJECT_ID', 'CONNECT_GCP_TOPIC_NAME']);
  const logger = createLogger({
    service: 'order-event-app:post-deploy',
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const api = createCommercetoolsClient(config.commercetools, { logger });
  const channel = await ensureClarusChannel(api);
  const subscription = await ensureOrderSubscription(api, {
    projectId: config.connect.gcpProjectId!,
    topic: config.connect.gcpTopicName!,
  });
  logger.info('post-deploy done', { channelId: channel.id, subscriptionId: subscription.id });
}

postDeploy().catch((err: unknown) => {
  process.stderr.write(`post-deploy failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
