import { createClarusClient, type ClarusClient } from '../clarus';
import { createCommercetoolsClient, createCustomObjects } from '../commercetools';
import type { AppConfig } from '../config';
import { createDispatchSync } from '../fulfilment';
import type { Logger } from '../logging';
import { createInventorySync } from '../inventory';
import { createSkuTranslator } from '../mapping';
import { createExceptionStore, createJobLock, createJobState } from '../operations';
import {
  clarusChannelResolver,
  createExportClaims,
  createExportLookups,
  createOrderCancellation,
  createOrderExport,
} from '../orders';

export interface IntegrationOptions {
  config: AppConfig;
  logger: Logger;
  /** Epoch ms clock; tests inject one to move leases on without sleeping. */
  now?: () => number;
  /** Replaces the Clarus client (tests count or fault its calls). */
  clarus?: ClarusClient;
  /** How long an export claim keeps other attempts away (default 30 s, longer than any attempt). */
  exportLeaseMs?: number;
}

/**
 * Builds the gateways and use cases from configuration, once per process. Each app's `createApp` takes what
 * it needs from here, so the wiring is not repeated in four places and every app shares the same rules.
 */
export function createIntegration(options: IntegrationOptions) {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const nowDate = () => new Date(now());
  const api = createCommercetoolsClient(config.commercetools, { logger });
  const clarus = options.clarus ?? createClarusClient({ config: config.clarus, logger, now });
  const customObjects = createCustomObjects(api);
  const exceptions = createExceptionStore(customObjects, { now: nowDate, logger });
  const jobLock = createJobLock(customObjects, { now: nowDate, logger });
  const jobState = createJobState(customObjects, { now: nowDate });
  const skus = createSkuTranslator(config.mapping.skuRules);
  const clarusChannel = clarusChannelResolver(api);
  const claims = createExportClaims({ customObjects, now, leaseMs: options.exportLeaseMs ?? 30_000 });
  const lookups = createExportLookups({ clarus, api });

  const orderExport = createOrderExport({
    api,
    clarus,
    claims,
    lookups,
    exceptions,
    clarusChannel,
    mapping: config.mapping,
    clarusConfig: config.clarus,
    skus,
    logger,
    now,
  });
  const orderCancellation = createOrderCancellation({
    api,
    clarus,
    claims,
    exceptions,
    clarusChannel,
    logger,
    now,
  });

  const inventorySync = createInventorySync({
    api,
    clarus,
    exceptions,
    jobLock,
    jobState,
    clarusChannel,
    skus,
    config,
    logger,
    now,
  });

  const dispatchSync = createDispatchSync({
    api,
    clarus,
    claims,
    exceptions,
    clarusChannel,
    mapping: config.mapping,
    fulfilment: config.fulfilment,
    skus,
    logger,
  });

  return {
    config,
    logger,
    now,
    api,
    clarus,
    customObjects,
    exceptions,
    jobLock,
    jobState,
    skus,
    clarusChannel,
    claims,
    orderExport,
    orderCancellation,
    dispatchSync,
    inventorySync,
  };
}

export type Integration = ReturnType<typeof createIntegration>;
