/**
 * Pure: what a Clarus automation call is about. Clarus publishes no body shape for its webhooks (NOTES.md),
 * so a body is only a trigger: pull out the id or reference loosely, then re-read the truth from Clarus.
 * Nothing here trusts a value beyond its form (a positive whole number, a short string).
 */

export interface DispatchTrigger {
  goodsOutId?: number;
  reference?: string;
  /** `external_system_reference1` of the goods out (the commercetools order id, by convention): a hint only. */
  orderId?: string;
}

export type TriggerResult<T> = { ok: true; value: T } | { ok: false; missing: string };

type Loose = Record<string, unknown>;
const asObject = (v: unknown): Loose | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : undefined;

/** Follows a dotted path through plain objects. */
function at(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const part of path.split('.')) {
    const object = asObject(current);
    if (!object) return undefined;
    current = object[part];
  }
  return current;
}

function positiveId(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,15}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function shortText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed !== '' && trimmed.length <= max ? trimmed : undefined;
}

const first = <T>(body: unknown, paths: readonly string[], read: (v: unknown) => T | undefined) => {
  for (const path of paths) {
    const value = read(at(body, path));
    if (value !== undefined) return value;
  }
  return undefined;
};

/** A JSON:API resource's `id` counts as a goods out id only when its `type` says goods out (or is absent). */
const GOODS_OUT_TYPE = /^goods[_-]?outs?$/i;
function resourceId(body: unknown, prefix: string): number | undefined {
  const type = at(body, `${prefix}type`);
  if (type !== undefined && !(typeof type === 'string' && GOODS_OUT_TYPE.test(type))) return undefined;
  return positiveId(at(body, `${prefix}id`));
}

export const DISPATCH_ID_PATHS = [
  'data.id',
  'id',
  'goods_out_id',
  'data.attributes.goods_out_id',
  'goods_out.id',
  'data.goods_out.id',
  'data.relationships.goods_out.data.id',
] as const;
export const DISPATCH_REFERENCE_PATHS = [
  'data.attributes.reference',
  'reference',
  'data.reference',
  'goods_out.reference',
  'data.goods_out.reference',
  'data.attributes.goods_out.reference',
] as const;
const ORDER_ID_PATHS = ['data.attributes.external_system_reference1', 'external_system_reference1'] as const;

/** Goods out id, reference and order id hint from a dispatch automation body; fails when it has neither id nor reference. */
export function dispatchTriggerFrom(body: unknown): TriggerResult<DispatchTrigger> {
  const goodsOutId =
    resourceId(body, 'data.') ?? resourceId(body, '') ?? first(body, DISPATCH_ID_PATHS.slice(2), positiveId);
  // Clarus limits a reference to 50 characters.
  const reference = first(body, DISPATCH_REFERENCE_PATHS, (v) => shortText(v, 50));
  const orderId = first(body, ORDER_ID_PATHS, (v) => shortText(v, 256));
  if (goodsOutId === undefined && reference === undefined) {
    return {
      ok: false,
      missing: `a goods out id or reference (looked at ${[...DISPATCH_ID_PATHS, ...DISPATCH_REFERENCE_PATHS].join(', ')})`,
    };
  }
  return {
    ok: true,
    value: {
      ...(goodsOutId !== undefined ? { goodsOutId } : {}),
      ...(reference !== undefined ? { reference } : {}),
      ...(orderId !== undefined ? { orderId } : {}),
    },
  };
}

export const STOCK_PRODUCT_CODE_PATHS = [
  'data.attributes.product_code',
  'product_code',
  'data.product_code',
  'data.attributes.product.code',
  'data.product.code',
  'product.code',
  'code',
] as const;

/** The Clarus product code a stock adjustment or hold automation is about. */
export function stockTriggerFrom(body: unknown): TriggerResult<{ productCode: string }> {
  const productCode = first(body, STOCK_PRODUCT_CODE_PATHS, (v) => shortText(v, 100));
  if (productCode === undefined) {
    return { ok: false, missing: `a product code (looked at ${STOCK_PRODUCT_CODE_PATHS.join(', ')})` };
  }
  return { ok: true, value: { productCode } };
}
