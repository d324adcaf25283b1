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
import { startClarusSimulator, type ClarusSimulator } from '../clarus-simulator';
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
  close(): Promise<void>;
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
  CLARUS_MAX_REQUESTS_PER_SECOND: '50',
  CLARUS_MAX_CONCURRENCY: '8',
};

/**
 * Starts the commercetools emulator, the Clarus simulator and the four apps as real HTTP servers on free
 * loopback ports, each configured through the environment keys a Connect deployment uses.
 */
export async function startSandboxStack(
  options: { logLevel?: string; quiet?: boolean } = {},
): Promise<SandboxStack> {
  const [ct, clarus] = await Promise.all([
    startCommercetoolsEmulator({ projectKey: 'sandbox' }),
    startClarusSimulator(),
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
  };
  const config = loadConfig(env, ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN']);
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const integrationFor = (service: string) =>
    createIntegration({
      config,
      logger: createLogger({ service, level: config.logLevel, ...(options.quiet ? { stream: sink } : {}) }),
    });
  const servers: Server[] = [];
  const serve = async (app: Express) => {
    const server = await listen(app, 0, '127.0.0.1');
    servers.push(server);
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  const orderEvents = await serve(createOrderEventApp(integrationFor('order-event-app')));
  const inventory = await serve(createInventoryJob(integrationFor('inventory-job')));
  const reconciliation = await serve(createReconciliationJob(integrationFor('reconciliation-job')));
  const fulfilment = await serve(createFulfilmentService(integrationFor('fulfilment-service')));
  clarus.configureWebhooks({
    dispatchUrl: `${fulfilment}/clarus/webhooks/dispatch?token=${WEBHOOK_TOKEN}`,
    stockUrl: `${fulfilment}/clarus/webhooks/stock?token=${WEBHOOK_TOKEN}`,
  });
  return {
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
    async close() {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await Promise.all([ct.close(), clarus.close()]);
    },
  };
}
