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
  DEFAULT_AMBIGUOUS_CREATE_HOLD_MS,
  EXPORT_CLAIMS_CONTAINER,
} from '../orders';
import { createInventoryGateway, INVENTORY_JOB_NAME } from '../inventory';
import {
  createAlertSender,
  createHealthCheck,
  createOrderView,
  JOBS_CONTAINER,
  purgeCustomObjects,
  retentionCutoff,
  retentionTargets,
  withAlerts,
} from '../operations';
import {
  createProductGateway,
  createProductSync,
  createSkuGuard,
  createSkuGuardCache,
  PRODUCT_CLAIMS_CONTAINER,
} from '../products';
import {
  createAudits,
  createReconciliation,
  createReconciliationGateway,
  createStockSnapshot,
  RECONCILIATION_JOB_NAME,
} from '../reconciliation';

export interface IntegrationOptions {
  config: AppConfig;
  logger: Logger;
  /** Epoch ms clock; tests inject one to move leases on without sleeping. */
  now?: () => number;
  /** Replaces the Clarus client (tests count or fault its calls). */
  clarus?: ClarusClient;
  /** How long an export claim keeps other attempts away (default 30 s, longer than any attempt). */
  exportLeaseMs?: number;
  /**
   * After a create whose answer may have been lost, how long no attempt creates that goods out again
   * (default 5 min; looking it up never waits). docs/adr/0006-ambiguous-creates-hold.md.
   */
  ambiguousCreateHoldMs?: number;
  /**
   * Alerts on new exceptions go out this long after the first one (one message per window); 0 = only on an
   * explicit `alerts.flush()` (the reconciliation job sends one message per pass). Default 30 s.
   */
  alertWindowMs?: number;
  /** Replaces fetch for the alert webhook (tests). */
  alertFetch?: typeof fetch;
  /** How often the SKU guard re-reads the catalogue and Clarus stock (default 5 min). */
  skuGuardRefreshMs?: number;
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
  const alerts = createAlertSender({
    url: config.operations.alertWebhookUrl,
    logger,
    windowMs: options.alertWindowMs ?? 30_000,
    fetch: options.alertFetch,
  });
  // Every raiser in every app goes through this store: new exceptions alert the same way everywhere.
  const exceptions = withAlerts(createExceptionStore(customObjects, { now: nowDate, logger }), alerts);
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
    ambiguousCreateHoldMs: options.ambiguousCreateHoldMs,
    // An imported order completed before the reconciliation look-back is history, not an order to fulfil.
    historicalImportAgeMs: config.reconciliation.lookbackHours * 60 * 60_000,
  });
  const orderCancellation = createOrderCancellation({
    api,
    clarus,
    claims,
    exceptions,
    clarusChannel,
    logger,
    now,
    ambiguousCreateHoldMs: options.ambiguousCreateHoldMs,
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

  // Product master (core/src/products/): the per-code claims are the order export's, in their own container.
  const productGateway = createProductGateway(api);
  const productSync = createProductSync({
    gateway: productGateway,
    catalogue: createInventoryGateway(api),
    clarus,
    claims: createExportClaims({
      customObjects,
      now,
      leaseMs: options.exportLeaseMs ?? 30_000,
      container: PRODUCT_CLAIMS_CONTAINER,
    }),
    exceptions,
    skus,
    config,
    logger,
    now,
    holdMs: options.ambiguousCreateHoldMs ?? DEFAULT_AMBIGUOUS_CREATE_HOLD_MS,
  });
  const skuGuardCache = createSkuGuardCache({
    gateway: productGateway,
    clarus,
    translator: skus,
    logger,
    now,
    refreshMs: options.skuGuardRefreshMs ?? 5 * 60_000,
  });
  const skuGuard = createSkuGuard({
    config: config.products,
    skuRules: config.mapping.skuRules,
    translator: skus,
    cache: skuGuardCache,
    exceptions,
    logger,
  });

  const reconciliationGateway = createReconciliationGateway(api);
  const inventoryGateway = createInventoryGateway(api);
  const audits = createAudits({
    customObjects,
    exceptions,
    gateway: reconciliationGateway,
    inventoryGateway,
    clarus,
    stockSnapshot: createStockSnapshot({ inventoryGateway, clarus, clarusChannel, skus, config, now }),
    skus,
    config,
    logger,
    now,
    ...(config.products.master === 'commercetools' ? { productSync } : {}),
  });
  const reconciliation = createReconciliation({
    gateway: reconciliationGateway,
    clarus,
    orderExport,
    dispatchSync,
    audits,
    exceptions,
    jobLock,
    jobState,
    clarusChannel,
    alerts,
    config,
    logger,
    now,
    // Requests per order in the pass summary (counted by origin; Clarus auth shares the API's origin).
    requestOrigins: {
      commercetools: [config.commercetools.apiUrl, config.commercetools.authUrl],
      clarus: [config.clarus.apiUrl],
    },
    purge: (between) =>
      purgeCustomObjects(
        { objects: customObjects },
        {
          targets: retentionTargets(EXPORT_CLAIMS_CONTAINER),
          cutoffIso: retentionCutoff(
            now(),
            config.reconciliation.retentionDays,
            config.reconciliation.lookbackHours,
          ),
          between,
        },
      ),
  });
  const health = createHealthCheck({
    jobState,
    exceptions,
    jobs: { inventory: INVENTORY_JOB_NAME, reconciliation: RECONCILIATION_JOB_NAME },
    waitingOrders: async (since) => {
      const channel = await clarusChannel();
      const from = channel.createdAt > since ? channel.createdAt : since;
      return reconciliationGateway.waitingForExport(from, channel.id);
    },
    lookbackHours: config.reconciliation.lookbackHours,
    probes: {
      clarus: (signal) => clarus.listWarehouses({ signal }),
      commercetools: () =>
        api
          .customObjects()
          .withContainer({ container: JOBS_CONTAINER })
          .get({ queryArgs: { limit: 1, withTotal: false } })
          .execute(),
    },
    now,
    logger,
  });

  // The order panel's view of one order (GET /ops/orders/:id).
  const orderView = createOrderView({
    api,
    clarus,
    exceptions,
    clarusChannel,
    trackingUrlTemplates: config.fulfilment.trackingUrlTemplates,
    skus,
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
    productSync,
    skuGuard,
    skuGuardCache,
    dispatchSync,
    inventorySync,
    alerts,
    reconciliation,
    health,
    orderView,
  };
}

export type Integration = ReturnType<typeof createIntegration>;
