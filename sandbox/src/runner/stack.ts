import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import {
  createCommercetoolsClient,
  createIntegration,
  createLogger,
  listen,
  loadConfig,
  type AppConfig,
} from '@clarus-connector/core';
import type { ByProjectKeyRequestBuilder } from '@commercetools/platform-sdk';
import type { Express } from 'express';
import { createApp as createFulfilmentService } from '../../../fulfilment-service/src/app';
import { createApp as createInventoryJob } from '../../../inventory-job/src/app';
import { createApp as createOrderEventApp } from '../../../order-event-app/src/app';
import { createApp as createReconciliationJob } from '../../../reconciliation-job/src/app';
import { startClarusSimulator, type ClarusSimulator, type ClarusSimulatorOptions } from '../clarus-simulator';
import { startCommercetoolsEmulator, type CommercetoolsEmulator } from '../commercetools-emulator';

export interface SandboxStack {
  ct: CommercetoolsEmulator;
  clarus: ClarusSimulator;
  api: ByProjectKeyRequestBuilder;
  env: Record<string, string>;
  config: AppConfig;
  urls: {
    orderEvents: string;
    inventorySync: string;
    reconcile: string;
    fulfilment: string;
    ctApi: string;
    clarus: string;
  };
  opsToken: string;
  webhookToken: string;
  /**
   * Stops one app (its server and open connections, like a killed process) and starts a fresh instance of it
   * on the same state with a new integration; `urls` point at the new instance. Resolves to its base URL.
   */
  restart(service: SandboxService): Promise<string>;
  close(): Promise<void>;
}

export type SandboxService =
  'order-event-app' | 'inventory-job' | 'reconciliation-job' | 'fulfilment-service';

export interface SandboxStackOptions {
  logLevel?: string;
  quiet?: boolean;
  /** Where every app's log lines go (instead of stdout or nowhere): the soak reads them back. */
  logStream?: NodeJS.WritableStream;
  /** Epoch ms clock of every app's integration (leases, deadlines), e.g. a virtual clock the caller moves. */
  now?: () => number;
  /** Options of the Clarus simulator (e.g. its clock). */
  clarus?: ClarusSimulatorOptions;
  /** Settings over SANDBOX_SETTINGS, for every app. */
  settings?: Record<string, string>;
  /**
   * Per-app environment overrides, asked for at every (re)start, e.g. a fault proxy's URL as CTP_API_URL.
   * `emulatorEnv` holds the emulator's CTP_* values.
   */
  serviceEnv?: (
    service: SandboxService,
    emulatorEnv: Record<string, string>,
  ) => Promise<Record<string, string>> | Record<string, string>;
}

const OPS_TOKEN = 'sandbox-ops-token';
const WEBHOOK_TOKEN = 'sandbox-webhook-token';

/** The connector's settings for the sandbox catalogue: the keys a merchant sets in Merchant Center. */
export const SANDBOX_SETTINGS: Record<string, string> = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ standard: 'RM-48', 'next-day': 'DPD-NEXT' }),
  CLARUS_SKU_RULES: JSON.stringify({ padStart: { length: 8, char: '0' } }),
  ORDER_GIFT_MESSAGE_FIELD: 'giftMessage',
  CLARUS_ORDER_FIELD_MAP: JSON.stringify({ salesChannel: 'string1' }),
  BUNDLE_COMPONENTS_ATTRIBUTE: 'bundleComponents',
  BUNDLE_MODE: 'expand',
  INVENTORY_CHANNEL_KEYS: 'uk-web,eu-web,marketplace',
  SAFETY_STOCK: '2',
  SAFETY_STOCK_OVERRIDES: JSON.stringify({ 'channel:marketplace': 5 }),
  INFLIGHT_LOOKBACK_MINUTES: '120',
  TRACKING_URL_TEMPLATES: JSON.stringify({
    DPD: 'https://track.dpd.co.uk/parcels/{trackingNumber}',
    RM: 'https://www.royalmail.com/track-your-item#/tracking-results/{trackingNumber}',
  }),
  RECONCILE_GRACE_MINUTES: '0',
  DISPATCH_CATCHUP_MIN_AGE_MINUTES: '0',
  BARCODE_ATTRIBUTE: 'barcode',
  // commercetools is the product master: published products reach Clarus before their first order.
  PRODUCT_MASTER: 'commercetools',
  CLARUS_STOCK_UNIT_TYPE_ID: '1',
  CLARUS_MAX_REQUESTS_PER_SECOND: '50',
  CLARUS_MAX_CONCURRENCY: '8',
};

/**
 * Starts the commercetools emulator, the Clarus simulator and the four apps as real HTTP servers on free
 * loopback ports, each configured through the environment keys a Connect deployment uses.
 */
export async function startSandboxStack(options: SandboxStackOptions = {}): Promise<SandboxStack> {
  const [ct, clarus] = await Promise.all([
    startCommercetoolsEmulator({ projectKey: 'sandbox' }),
    startClarusSimulator(options.clarus),
  ]);
  const env: Record<string, string> = {
    ...ct.env(),
    CLARUS_API_URL: clarus.url,
    CLARUS_SUBDOMAIN: clarus.subdomain,
    CLARUS_CLIENT_ID: clarus.clientId,
    CLARUS_CLIENT_SECRET: clarus.clientSecret,
    CLARUS_ACCOUNT_ID: String(clarus.accountId),
    CLARUS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
    OPS_API_TOKEN: OPS_TOKEN,
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...SANDBOX_SETTINGS,
    ...options.settings,
  };
  const config = loadConfig(env, ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN']);
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const stream = options.logStream ?? (options.quiet ? sink : undefined);
  const integrationFor = async (service: SandboxService) => {
    const overrides = options.serviceEnv ? await options.serviceEnv(service, ct.env()) : {};
    const serviceConfig = Object.keys(overrides).length
      ? loadConfig({ ...env, ...overrides }, ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN'])
      : config;
    return createIntegration({
      config: serviceConfig,
      logger: createLogger({ service, level: serviceConfig.logLevel, ...(stream ? { stream } : {}) }),
      ...(options.now ? { now: options.now } : {}),
    });
  };
  const factories: Record<SandboxService, (i: Awaited<ReturnType<typeof integrationFor>>) => Express> = {
    'order-event-app': createOrderEventApp,
    'inventory-job': createInventoryJob,
    'reconciliation-job': createReconciliationJob,
    'fulfilment-service': createFulfilmentService,
  };
  const servers = new Map<SandboxService, Server>();
  const serve = async (service: SandboxService) => {
    const server = await listen(factories[service](await integrationFor(service)), 0, '127.0.0.1');
    servers.set(service, server);
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  const stop = (server: Server | undefined) =>
    new Promise((resolve) => {
      if (!server) return resolve(undefined);
      server.close(resolve);
      server.closeAllConnections();
    });
  const orderEvents = await serve('order-event-app');
  const inventory = await serve('inventory-job');
  const reconciliation = await serve('reconciliation-job');
  const fulfilment = await serve('fulfilment-service');
  clarus.configureWebhooks({
    dispatchUrl: `${fulfilment}/clarus/webhooks/dispatch?token=${WEBHOOK_TOKEN}`,
    stockUrl: `${fulfilment}/clarus/webhooks/stock?token=${WEBHOOK_TOKEN}`,
  });
  const stack: SandboxStack = {
    ct,
    clarus,
    api: createCommercetoolsClient(config.commercetools),
    env,
    config,
    urls: {
      orderEvents: `${orderEvents}/order-events`,
      inventorySync: `${inventory}/inventory-sync`,
      reconcile: `${reconciliation}/reconcile`,
      fulfilment,
      ctApi: ct.apiUrl,
      clarus: clarus.url,
    },
    opsToken: OPS_TOKEN,
    webhookToken: WEBHOOK_TOKEN,
    async restart(service) {
      await stop(servers.get(service));
      const base = await serve(service);
      if (service === 'order-event-app') stack.urls.orderEvents = `${base}/order-events`;
      if (service === 'inventory-job') stack.urls.inventorySync = `${base}/inventory-sync`;
      if (service === 'reconciliation-job') stack.urls.reconcile = `${base}/reconcile`;
      if (service === 'fulfilment-service') {
        stack.urls.fulfilment = base;
        clarus.configureWebhooks({
          dispatchUrl: `${base}/clarus/webhooks/dispatch?token=${WEBHOOK_TOKEN}`,
          stockUrl: `${base}/clarus/webhooks/stock?token=${WEBHOOK_TOKEN}`,
        });
      }
      return base;
    },
    async close() {
      await Promise.all([...servers.values()].map((s) => new Promise((resolve) => s.close(resolve))));
      await Promise.all([ct.close(), clarus.close()]);
    },
  };
  return stack;
}
