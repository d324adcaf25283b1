import { envSchema, type Env, type GoodsOutSlot, type SkuRules } from './schema';

export interface CommercetoolsConfig {
  projectKey: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  apiUrl: string;
  authUrl: string;
}

export interface ClarusConfig {
  apiUrl: string;
  restPrefix: string;
  subdomain: string;
  clientId: string;
  clientSecret: string;
  accountId: number;
  warehouseId?: number;
  webhookToken?: string;
  maxRequestsPerSecond: number;
  maxConcurrency: number;
  requestTimeoutMs: number;
}

export interface MappingConfig {
  shippingMethodMap: Record<string, string>;
  skuRules: SkuRules;
  giftMessageField?: string;
  deliveryNotesField?: string;
  orderFieldMap: Record<string, GoodsOutSlot>;
  bundleComponentsAttribute?: string;
  bundleMode: 'expand' | 'native';
}

export interface InventoryConfig {
  channelKeys: string[];
  channelWarehouses: Record<string, number[]>;
  safetyStock: number;
  safetyStockOverrides: Record<string, number>;
  inflightLookbackMinutes: number;
  timeBudgetSeconds: number;
  writeConcurrency: number;
}

export interface FulfilmentConfig {
  trackingUrlTemplates: Record<string, string>;
  dispatchOrderStateKey?: string;
}

export interface ReconciliationConfig {
  lookbackHours: number;
  graceMinutes: number;
  dispatchCatchupMinAgeMinutes: number;
  stuckFulfilmentDays: number;
  stockAuditTolerance: number;
  barcodeAttribute?: string;
}

export interface OperationsConfig {
  opsApiToken?: string;
  alertWebhookUrl?: string;
}

export interface AppConfig {
  port: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  commercetools: CommercetoolsConfig;
  clarus: ClarusConfig;
  mapping: MappingConfig;
  inventory: InventoryConfig;
  fulfilment: FulfilmentConfig;
  reconciliation: ReconciliationConfig;
  operations: OperationsConfig;
  connect: { gcpProjectId?: string; gcpTopicName?: string };
}

export interface ConfigIssue {
  key: string;
  message: string;
}

/** Thrown at start-up with every problem found, each naming the environment key. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `- ${i.key}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Reads and validates the environment once. `requiredKeys` lists keys that are optional in general but
 * required by the calling app (e.g. the fulfilment-service needs CLARUS_WEBHOOK_TOKEN and OPS_API_TOKEN).
 */
export function loadConfig(env: EnvSource = process.env, requiredKeys: (keyof Env)[] = []): AppConfig {
  // Empty strings from Merchant Center mean "not set": let defaults apply.
  const cleaned: EnvSource = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const [key, ...rest] = issue.path.map(String);
        const where = rest.length ? ` (at ${rest.join('.')})` : '';
        const message =
          issue.code === 'invalid_type' && cleaned[key ?? ''] === undefined ? 'is required' : issue.message;
        return { key: key ?? '(unknown)', message: `${message}${where}` };
      });
  for (const key of requiredKeys) {
    if (cleaned[key] === undefined && !issues.some((i) => i.key === key)) {
      issues.push({ key, message: 'is required by this application' });
    }
  }
  if (issues.length || !parsed.success) throw new ConfigError(issues);
  return resolveConfig(parsed.data);
}

function resolveConfig(e: Env): AppConfig {
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    commercetools: {
      projectKey: e.CTP_PROJECT_KEY,
      clientId: e.CTP_CLIENT_ID,
      clientSecret: e.CTP_CLIENT_SECRET,
      scopes: e.CTP_SCOPE ? e.CTP_SCOPE.split(/\s+/).filter(Boolean) : [],
      apiUrl: stripSlash(e.CTP_API_URL ?? `https://api.${e.CTP_REGION}.commercetools.com`),
      authUrl: stripSlash(e.CTP_AUTH_URL ?? `https://auth.${e.CTP_REGION}.commercetools.com`),
    },
    clarus: {
      apiUrl: stripSlash(e.CLARUS_API_URL),
      restPrefix: e.CLARUS_REST_PREFIX,
      subdomain: e.CLARUS_SUBDOMAIN,
      clientId: e.CLARUS_CLIENT_ID,
      clientSecret: e.CLARUS_CLIENT_SECRET,
      accountId: e.CLARUS_ACCOUNT_ID,
      warehouseId: e.CLARUS_WAREHOUSE_ID,
      webhookToken: e.CLARUS_WEBHOOK_TOKEN,
      maxRequestsPerSecond: e.CLARUS_MAX_REQUESTS_PER_SECOND,
      maxConcurrency: e.CLARUS_MAX_CONCURRENCY,
      requestTimeoutMs: e.CLARUS_REQUEST_TIMEOUT_MS,
    },
    mapping: {
      shippingMethodMap: e.CLARUS_SHIPPING_METHOD_MAP,
      skuRules: e.CLARUS_SKU_RULES,
      giftMessageField: e.ORDER_GIFT_MESSAGE_FIELD,
      deliveryNotesField: e.ORDER_DELIVERY_NOTES_FIELD,
      orderFieldMap: e.CLARUS_ORDER_FIELD_MAP,
      bundleComponentsAttribute: e.BUNDLE_COMPONENTS_ATTRIBUTE,
      bundleMode: e.BUNDLE_MODE,
    },
    inventory: {
      channelKeys: e.INVENTORY_CHANNEL_KEYS,
      channelWarehouses: e.INVENTORY_CHANNEL_WAREHOUSES,
      safetyStock: e.SAFETY_STOCK,
      safetyStockOverrides: e.SAFETY_STOCK_OVERRIDES,
      inflightLookbackMinutes: e.INFLIGHT_LOOKBACK_MINUTES,
      timeBudgetSeconds: e.INVENTORY_TIME_BUDGET_SECONDS,
      writeConcurrency: e.INVENTORY_WRITE_CONCURRENCY,
    },
    fulfilment: {
      trackingUrlTemplates: e.TRACKING_URL_TEMPLATES,
      dispatchOrderStateKey: e.DISPATCH_ORDER_STATE_KEY,
    },
    reconciliation: {
      lookbackHours: e.RECONCILE_LOOKBACK_HOURS,
      graceMinutes: e.RECONCILE_GRACE_MINUTES,
      dispatchCatchupMinAgeMinutes: e.DISPATCH_CATCHUP_MIN_AGE_MINUTES,
      stuckFulfilmentDays: e.STUCK_FULFILMENT_DAYS,
      stockAuditTolerance: e.STOCK_AUDIT_TOLERANCE,
      barcodeAttribute: e.BARCODE_ATTRIBUTE,
    },
    operations: { opsApiToken: e.OPS_API_TOKEN, alertWebhookUrl: e.ALERT_WEBHOOK_URL },
    connect: { gcpProjectId: e.CONNECT_GCP_PROJECT_ID, gcpTopicName: e.CONNECT_GCP_TOPIC_NAME },
  };
}

const stripSlash = (u: string) => u.replace(/\/+$/, '');

/** Values that must never reach a log line. */
export function secretValues(config: AppConfig): string[] {
  return [
    config.commercetools.clientSecret,
    config.clarus.clientSecret,
    config.clarus.webhookToken,
    config.operations.opsApiToken,
    config.operations.alertWebhookUrl,
  ].filter((v): v is string => typeof v === 'string' && v.length >= 4);
}
