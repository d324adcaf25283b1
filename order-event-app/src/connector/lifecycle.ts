import {
  createCommercetoolsClient,
  createLogger,
  ensureClarusChannel,
  loadConfig,
  secretValues,
  type EnvSource,
} from '@clarus-connector/core';
import {
  ensureOrderSubscription,
  ORDER_MESSAGES,
  removeOrderSubscription,
  subscriptionDestination,
} from './subscription';
import { subscribedMessages } from '../product-events';

/** What a post-deploy did; logged, and returned for tests. */
export interface PostDeploySummary {
  channelId: string;
  subscriptionId: string;
  destinationType: string;
  subscription: 'created' | 'updated' | 'unchanged';
}

/**
 * Connect runs this after every deploy (and redeploy, and upgrade): the export channel, and the order
 * Subscription pointed at the queue Connect provisioned for this deployment (Pub/Sub or Service Bus).
 * Idempotent: a redeploy with the same configuration writes nothing.
 * @throws ConfigError when the environment lacks what the provider needs; commercetools errors as thrown.
 */
export async function postDeploy(env: EnvSource): Promise<PostDeploySummary> {
  const config = loadConfig(env);
  const destination = subscriptionDestination(config.connect);
  const logger = createLogger({
    service: 'order-event-app:post-deploy',
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const api = createCommercetoolsClient(config.commercetools, { logger });
  const channel = await ensureClarusChannel(api);
  const { subscription, outcome } = await ensureOrderSubscription(api, {
    destination,
    messages: subscribedMessages(ORDER_MESSAGES, config.products.master),
  });
  const summary = {
    channelId: channel.id,
    subscriptionId: subscription.id,
    destinationType: destination.type,
    subscription: outcome,
  };
  logger.info('post-deploy done', { ...summary });
  return summary;
}

/**
 * Connect runs this before undeploying: stop commercetools sending messages to a queue that is going away,
 * whichever provider it is on. Needs no CONNECT_* key. Returns whether a Subscription was removed.
 */
export async function preUndeploy(env: EnvSource): Promise<boolean> {
  const config = loadConfig(env);
  const logger = createLogger({
    service: 'order-event-app:pre-undeploy',
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const removed = await removeOrderSubscription(createCommercetoolsClient(config.commercetools, { logger }));
  logger.info('pre-undeploy done', { subscriptionRemoved: removed });
  return removed;
}
