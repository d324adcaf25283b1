import { z } from 'zod';

/** SKU rules: how a commercetools SKU becomes a Clarus product code (and back). */
export const skuRulesSchema = z.strictObject({
  stripLeadingZeros: z.boolean().optional(),
  padStart: z
    .strictObject({
      length: z.number().int().positive().max(64),
      char: z.string().length(1),
    })
    .optional(),
  case: z.enum(['upper', 'lower', 'preserve']).optional(),
  prefix: z.string().max(20).optional(),
  suffix: z.string().max(20).optional(),
  maxLength: z.number().int().positive().optional(),
});
export type SkuRules = z.infer<typeof skuRulesSchema>;

const GOODS_OUT_SLOTS = [
  'delivery_notes',
  'order_notes',
  'packing_notes',
  'pick_notes',
  'external_system_reference2',
  'external_system_reference3',
  'load_reference',
  'pick_reference',
  'string1',
  'string2',
  'string3',
  'string4',
  'string5',
  'integer1',
  'integer2',
  'integer3',
  'integer4',
  'integer5',
  'datetime1',
  'datetime2',
  'datetime3',
  'datetime4',
  'datetime5',
  'boolean1',
  'boolean2',
  'boolean3',
  'boolean4',
  'boolean5',
] as const;
/** Goods out header attributes (clarus-api.json GoodsOutAttributes) that an order custom field may fill. */
export const goodsOutSlotSchema = z.enum(GOODS_OUT_SLOTS);
export type GoodsOutSlot = z.infer<typeof goodsOutSlotSchema>;

/** Parses an environment value holding JSON; a malformed value is an error, never a silent default. */
const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .trim()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const requiredString = z.string({ error: 'is required' }).trim().min(1, 'is required');

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const positiveId = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^\d+$/, 'must be a positive whole number (a Clarus id)')
  .transform(Number);

const url = z.string().trim().url('must be a URL (https://…)');

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** SKU_FORMAT default: printable ASCII without spaces (`!` to `~`), at least one character. */
export const DEFAULT_SKU_FORMAT = '^[!-~]+$';

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

const nonNegativeNumberRecord = z.record(z.string(), z.number().min(0, 'must not be negative'));

/**
 * Every environment key the connector reads. Names are the public contract (connect.yaml, docs).
 * Each key maps to one field; `resolveConfig` turns the flat result into the typed AppConfig.
 */
export const envSchema = z.object({
  PORT: int(1, 65535).default(8080),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),

  CTP_PROJECT_KEY: requiredString,
  CTP_CLIENT_ID: requiredString,
  CTP_CLIENT_SECRET: requiredString,
  CTP_SCOPE: optionalString,
  CTP_REGION: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]+\.[a-z]+$/, 'must look like europe-west1.gcp')
    .default('europe-west1.gcp'),
  CTP_API_URL: url.optional(),
  CTP_AUTH_URL: url.optional(),

  CLARUS_API_URL: url.default('https://clarus-api.com'),
  CLARUS_REST_PREFIX: z
    .string()
    .trim()
    .regex(/^(\/[A-Za-z0-9_-]+)+$/, 'must be a path such as /api or /api/v1')
    .default('/api'),
  CLARUS_SUBDOMAIN: requiredString,
  CLARUS_CLIENT_ID: requiredString,
  CLARUS_CLIENT_SECRET: requiredString,
  CLARUS_ACCOUNT_ID: positiveId,
  CLARUS_WAREHOUSE_ID: positiveId.optional(),
  CLARUS_WEBHOOK_TOKEN: optionalString,
  CLARUS_MAX_REQUESTS_PER_SECOND: int(1, 1000).default(5),
  CLARUS_MAX_CONCURRENCY: int(1, 100).default(4),
  CLARUS_REQUEST_TIMEOUT_MS: int(100, 60000).default(5000),

  CLARUS_SHIPPING_METHOD_MAP: json(z.record(z.string(), z.string().min(1))).default({}),
  CLARUS_SKU_RULES: json(skuRulesSchema).default({}),
  ORDER_GIFT_MESSAGE_FIELD: optionalString,
  ORDER_DELIVERY_NOTES_FIELD: optionalString,
  CLARUS_ORDER_FIELD_MAP: json(z.record(z.string(), goodsOutSlotSchema)).default({}),
  BUNDLE_COMPONENTS_ATTRIBUTE: optionalString,
  BUNDLE_MODE: z.enum(['expand', 'native']).default('expand'),

  INVENTORY_CHANNEL_KEYS: list.default([]),
  INVENTORY_CHANNEL_WAREHOUSES: json(
    z.record(z.string(), z.array(z.number().int().positive()).min(1)),
  ).default({}),
  SAFETY_STOCK: int(0, 1_000_000).default(0),
  SAFETY_STOCK_OVERRIDES: json(nonNegativeNumberRecord)
    .refine((o) => Object.keys(o).every((k) => /^(channel|sku):.+/.test(k)), {
      message: 'keys must be "channel:<key>" or "sku:<sku>"',
    })
    .default({}),
  INFLIGHT_LOOKBACK_MINUTES: int(0, 60 * 24 * 30).default(120),
  INVENTORY_TIME_BUDGET_SECONDS: int(10, 25 * 60).default(20 * 60),
  INVENTORY_WRITE_CONCURRENCY: int(1, 50).default(8),

  TRACKING_URL_TEMPLATES: json(z.record(z.string(), z.string().includes('{trackingNumber}'))).default({}),
  DISPATCH_ORDER_STATE_KEY: optionalString,

  RECONCILE_LOOKBACK_HOURS: int(1, 24 * 90).default(72),
  RECONCILE_GRACE_MINUTES: int(0, 24 * 60).default(10),
  CUSTOM_OBJECT_RETENTION_DAYS: int(1, 3650).default(30),
  DISPATCH_CATCHUP_MIN_AGE_MINUTES: int(0, 24 * 60 * 30).default(60),
  STUCK_FULFILMENT_DAYS: int(1, 365).default(3),
  STOCK_AUDIT_TOLERANCE: int(0, 1_000_000).default(0),
  BARCODE_ATTRIBUTE: optionalString,

  // Product master (core/src/products/): commercetools → Clarus product sync and the SKU guard.
  PRODUCT_MASTER: z.enum(['off', 'commercetools']).default('off'),
  CLARUS_STOCK_UNIT_TYPE_ID: positiveId.optional(),
  PRODUCT_DESCRIPTION_LOCALE: z
    .string()
    .trim()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a locale such as en or en-GB')
    .default('en'),
  PRODUCT_BARCODE_ATTRIBUTE: optionalString,
  SKU_GUARD: z.enum(['off', 'warn', 'reject']).default('off'),
  SKU_GUARD_SECRET: optionalString,
  SKU_FORMAT: z.string().refine(isRegExp, 'must be a valid regular expression').default(DEFAULT_SKU_FORMAT),

  OPS_API_TOKEN: optionalString,
  ALERT_WEBHOOK_URL: url.optional(),
  /** commercetools scope name (e.g. manage_orders) that lets this project's API client tokens call /ops. */
  OPS_API_CLIENT_SCOPE: z
    .string()
    .trim()
    .regex(/^[a-z_]+$/, 'must be a commercetools scope name such as manage_orders (without the project key)')
    .optional(),

  // Merchant Center (the order panel and the Clarus WMS application call /ops through its forward-to proxy).
  MERCHANT_CENTER_API_URL: url.optional(),
  FULFILMENT_SERVICE_URL: url.optional(),
  // Read by the two Merchant Center customizations when Connect builds them (custom-*-config.mjs).
  CLOUD_IDENTIFIER: z.enum(['gcp-eu', 'gcp-us', 'gcp-au', 'aws-eu', 'aws-us']).default('gcp-eu'),
  CUSTOM_VIEW_ID: optionalString,
  CUSTOM_APPLICATION_ID: optionalString,
  ENTRY_POINT_URI_PATH: z.literal('clarus-wms', { error: 'must be clarus-wms' }).default('clarus-wms'),
  APPLICATION_URL: url.optional(),

  // Set by Connect, never by the merchant (read by the event app's post-deploy). Deployments made before
  // Connect ran on Azure (September 2024) have no CONNECT_PROVIDER: they are Google Cloud.
  CONNECT_PROVIDER: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(['GCP', 'AZURE'], { error: 'must be GCP or AZURE' }))
    .default('GCP'),
  CONNECT_GCP_PROJECT_ID: optionalString,
  CONNECT_GCP_TOPIC_NAME: optionalString,
  CONNECT_AZURE_CONNECTION_STRING: optionalString,
  // Given to a service application's post-deploy: the URL Connect serves it at (the SKU guard's Extension).
  CONNECT_SERVICE_URL: url.optional(),
});

export type Env = z.infer<typeof envSchema>;
