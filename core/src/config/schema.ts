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
  DISPATCH_CATCHUP_MIN_AGE_MINUTES: int(0, 24 * 60 * 30).default(60),
  STUCK_FULFILMENT_DAYS: int(1, 365).default(3),
  STOCK_AUDIT_TOLERANCE: int(0, 1_000_000).default(0),
  BARCODE_ATTRIBUTE: optionalString,

  OPS_API_TOKEN: optionalString,
  ALERT_WEBHOOK_URL: url.optional(),

  CONNECT_GCP_PROJECT_ID: optionalString,
  CONNECT_GCP_TOPIC_NAME: optionalString,
});

export type Env = z.infer<typeof envSchema>;
