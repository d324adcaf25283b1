import { merchantCenterApiUrlForRegion } from '../operations/ops-access';
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
  /** Days finished export claims and resolved exceptions are kept (CUSTOM_OBJECT_RETENTION_DAYS, ADR 0017). */
  retentionDays: number;
  graceMinutes: number;
  dispatchCatchupMinAgeMinutes: number;
  stuckFulfilmentDays: number;
  stockAuditTolerance: number;
  barcodeAttribute?: string;
}

/** Product master (core/src/products/): who owns products, and the SKU guard. */
export interface ProductsConfig {
  /** PRODUCT_MASTER: `commercetools` syncs published variants to Clarus; `off` only audits. */
  master: 'off' | 'commercetools';
  /** CLARUS_STOCK_UNIT_TYPE_ID: required (checked at start-up) when `master` is commercetools. */
  stockUnitTypeId?: number;
  /** PRODUCT_DESCRIPTION_LOCALE: the locale of the product name that becomes the Clarus description. */
  descriptionLocale: string;
  /** PRODUCT_BARCODE_ATTRIBUTE (or the older BARCODE_ATTRIBUTE): the variant attribute holding the barcode. */
  barcodeAttribute?: string;
  /** SKU_GUARD: what the product API Extension does with a non-compliant SKU. */
  skuGuard: 'off' | 'warn' | 'reject';
  /** SKU_GUARD_SECRET: the bearer token commercetools sends to the Extension (a secret). */
  skuGuardSecret?: string;
  /** SKU_FORMAT: regular expression (source) every SKU must match in full. */
  skuFormat: string;
}

export interface OperationsConfig {
  opsApiToken?: string;
  alertWebhookUrl?: string;
  /** OPS_API_CLIENT_SCOPE: commercetools API client tokens holding it (introspected) may call /ops. */
  apiClientScope?: string;
}

/** How the Merchant Center customizations reach the operations API (forward-to, ADR 0013). */
export interface MerchantCenterConfig {
  /** Issuer of forward-to JWTs and home of their JWKS; from CTP_REGION unless MERCHANT_CENTER_API_URL is set. */
  apiUrl: string;
  /** FULFILMENT_SERVICE_URL (origin, no trailing slash): the audience of forward-to JWTs. */
  serviceUrl?: string;
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
  products: ProductsConfig;
  merchantCenter: MerchantCenterConfig;
  connect: ConnectConfig;
}

/** What Connect tells a deployment about the message queue it provisioned (event apps). */
export interface ConnectConfig {
  /** Cloud the deployment runs on: GCP (Pub/Sub topic) or AZURE (Service Bus). */
  provider: 'GCP' | 'AZURE';
  gcpProjectId?: string;
  gcpTopicName?: string;
  /** Service Bus connection string with a SharedAccessKey: a secret. */
  azureConnectionString?: string;
  /** CONNECT_SERVICE_URL: the URL of a service application, given to its post-deploy. */
  serviceUrl?: string;
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
  if (parsed.success) issues.push(...productIssues(parsed.data));
  if (issues.length || !parsed.success) throw new ConfigError(issues);
  return resolveConfig(parsed.data);
}

/**
 * Rules between product keys: the stock unit type Clarus requires on every product when commercetools is
 * the master; a secret when the guard is on; PRODUCT_BARCODE_ATTRIBUTE and its older name BARCODE_ATTRIBUTE
 * may both be set only to the same attribute.
 */
function productIssues(e: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (e.PRODUCT_MASTER === 'commercetools' && e.CLARUS_STOCK_UNIT_TYPE_ID === undefined)
    issues.push({
      key: 'CLARUS_STOCK_UNIT_TYPE_ID',
      message:
        'is required when PRODUCT_MASTER is commercetools (Clarus requires a stock unit type on every product)',
    });
  if (e.SKU_GUARD !== 'off' && e.SKU_GUARD_SECRET === undefined)
    issues.push({ key: 'SKU_GUARD_SECRET', message: `is required when SKU_GUARD is ${e.SKU_GUARD}` });
  if (e.SKU_GUARD_SECRET !== undefined && e.SKU_GUARD_SECRET.length < 16)
    issues.push({ key: 'SKU_GUARD_SECRET', message: 'must be at least 16 characters' });
  if (
    e.PRODUCT_BARCODE_ATTRIBUTE &&
    e.BARCODE_ATTRIBUTE &&
    e.PRODUCT_BARCODE_ATTRIBUTE !== e.BARCODE_ATTRIBUTE
  )
    issues.push({
      key: 'BARCODE_ATTRIBUTE',
      message: `names another attribute than PRODUCT_BARCODE_ATTRIBUTE (${e.PRODUCT_BARCODE_ATTRIBUTE}); BARCODE_ATTRIBUTE is its older name: remove it`,
    });
  return issues;
}

function resolveConfig(e: Env): AppConfig {
  // One barcode attribute for the sync and the audit: the new name wins, the old one still works.
  const barcodeAttribute = e.PRODUCT_BARCODE_ATTRIBUTE ?? e.BARCODE_ATTRIBUTE;
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
      retentionDays: e.CUSTOM_OBJECT_RETENTION_DAYS,
      dispatchCatchupMinAgeMinutes: e.DISPATCH_CATCHUP_MIN_AGE_MINUTES,
      stuckFulfilmentDays: e.STUCK_FULFILMENT_DAYS,
      stockAuditTolerance: e.STOCK_AUDIT_TOLERANCE,
      barcodeAttribute,
    },
    products: {
      master: e.PRODUCT_MASTER,
      stockUnitTypeId: e.CLARUS_STOCK_UNIT_TYPE_ID,
      descriptionLocale: e.PRODUCT_DESCRIPTION_LOCALE,
      barcodeAttribute,
      skuGuard: e.SKU_GUARD,
      skuGuardSecret: e.SKU_GUARD_SECRET,
      skuFormat: e.SKU_FORMAT,
    },
    operations: {
      opsApiToken: e.OPS_API_TOKEN,
      alertWebhookUrl: e.ALERT_WEBHOOK_URL,
      apiClientScope: e.OPS_API_CLIENT_SCOPE,
    },
    merchantCenter: {
      apiUrl: stripSlash(e.MERCHANT_CENTER_API_URL ?? merchantCenterApiUrlForRegion(e.CTP_REGION)),
      serviceUrl: e.FULFILMENT_SERVICE_URL ? stripSlash(e.FULFILMENT_SERVICE_URL) : undefined,
    },
    connect: {
      provider: e.CONNECT_PROVIDER,
      gcpProjectId: e.CONNECT_GCP_PROJECT_ID,
      gcpTopicName: e.CONNECT_GCP_TOPIC_NAME,
      azureConnectionString: e.CONNECT_AZURE_CONNECTION_STRING,
      serviceUrl: e.CONNECT_SERVICE_URL ? stripSlash(e.CONNECT_SERVICE_URL) : undefined,
    },
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
    config.connect.azureConnectionString,
    config.products.skuGuardSecret,
  ].filter((v): v is string => typeof v === 'string' && v.length >= 4);
}
