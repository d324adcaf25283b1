import {
  createCommercetoolsClient,
  createLogger,
  loadConfig,
  secretValues,
  type EnvSource,
} from '@clarus-connector/core';
import { desiredExtension, ensureSkuGuardExtension, removeSkuGuardExtension } from './extension';

/** What the fulfilment-service post-deploy did with the SKU guard Extension; logged, and returned for tests. */
export type ExtensionSummary =
  | { skuGuard: 'off'; extension: 'removed' | 'absent' }
  | { skuGuard: 'warn' | 'reject'; extension: 'created' | 'updated' | 'unchanged'; extensionId: string };

/**
 * Connect runs this after every deploy of the fulfilment-service (a `service`, given CONNECT_SERVICE_URL):
 * registers the SKU guard Extension when SKU_GUARD is warn or reject, removes it when it is off.
 * Idempotent: a redeploy with the same configuration writes nothing.
 * @throws ConfigError naming CONNECT_SERVICE_URL or SKU_GUARD_SECRET when the guard is on without them.
 */
export async function postDeploy(env: EnvSource): Promise<ExtensionSummary> {
  const config = loadConfig(env);
  const logger = createLogger({
    service: 'fulfilment-service:post-deploy',
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const api = createCommercetoolsClient(config.commercetools, { logger });
  let summary: ExtensionSummary;
  if (config.products.skuGuard === 'off') {
    summary = { skuGuard: 'off', extension: (await removeSkuGuardExtension(api)) ? 'removed' : 'absent' };
  } else {
    const { extension, outcome } = await ensureSkuGuardExtension(api, desiredExtension(config));
    summary = { skuGuard: config.products.skuGuard, extension: outcome, extensionId: extension.id };
  }
  logger.info('post-deploy done', { ...summary });
  return summary;
}

/**
 * Connect runs this before undeploying: an Extension pointing at a service that is going away would make
 * every product create and update in the project fail. Returns whether an Extension was removed.
 */
export async function preUndeploy(env: EnvSource): Promise<boolean> {
  const config = loadConfig(env);
  const logger = createLogger({
    service: 'fulfilment-service:pre-undeploy',
    level: config.logLevel,
    secrets: secretValues(config),
  });
  const removed = await removeSkuGuardExtension(createCommercetoolsClient(config.commercetools, { logger }));
  logger.info('pre-undeploy done', { extensionRemoved: removed });
  return removed;
}
