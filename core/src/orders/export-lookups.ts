import type { ByProjectKeyRequestBuilder } from '@commercetools/platform-sdk';
import { LRUCache } from 'lru-cache';
import type { ClarusCallOptions, ClarusClient } from '../clarus';
import { carrierServiceCodesToQuery, pickCarrierService } from './carrier-services';

/**
 * Cached look-ups that turn an order into Clarus ids. Product and carrier ids rarely change, so a warm
 * cache leaves the goods out create as the only Clarus call per order. Unknown codes are cached briefly
 * (negative entries) so a flash sale of an unmapped SKU does not hammer Clarus, while a fix is seen soon.
 */
export interface ExportLookups {
  productIds(codes: string[], options?: LookupOptions): Promise<Map<string, number>>;
  /** CLARUS_SHIPPING_METHOD_MAP values (`SERVICE` or `CARRIER:SERVICE`) → the one active service's id. */
  carrierServiceIds(values: string[], options?: LookupOptions): Promise<Map<string, number>>;
  shippingMethodKeys(ids: string[]): Promise<Map<string, string>>;
  /**
   * The answers of the three look-ups from the cache alone (no I/O), or undefined when any entry is
   * missing or expired. Negative entries count as answers (the code is unknown), as in the look-ups.
   */
  cachedOnly(request: LookupRequest): LookupAnswers | undefined;
}

/** What an order needs looked up: Clarus product codes, shipping-method-map values, shipping method ids. */
export interface LookupRequest {
  codes: string[];
  carrierValues: string[];
  shippingMethodIds: string[];
}

/** Clarus product id per code, carrier service id per map value, shipping method key per id. */
export interface LookupAnswers {
  productIds: Map<string, number>;
  carrierServiceIds: Map<string, number>;
  shippingMethodKeys: Map<string, string>;
}

export interface LookupOptions extends ClarusCallOptions {
  /** Skip cached entries (a resend after a master-data fix must see the fix). */
  fresh?: boolean;
}

export interface ExportLookupsOptions {
  clarus: ClarusClient;
  api: ByProjectKeyRequestBuilder;
  ttlMs?: number;
  negativeTtlMs?: number;
  maxEntries?: number;
}

const MISSING = -1;

export function createExportLookups(options: ExportLookupsOptions): ExportLookups {
  const ttl = options.ttlMs ?? 60 * 60 * 1000;
  const negativeTtl = options.negativeTtlMs ?? 60 * 1000;
  const max = options.maxEntries ?? 50_000;
  const products = new LRUCache<string, number>({ max, ttl });
  const carrierServices = new LRUCache<string, number>({ max: 1000, ttl });
  const shippingMethods = new LRUCache<string, string>({ max: 1000, ttl });

  async function cached(
    cache: LRUCache<string, number>,
    codes: string[],
    options: LookupOptions,
    fetch: (missing: string[]) => Promise<{ id: number; code: string }[]>,
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const hit = options.fresh ? undefined : cache.get(code);
      if (hit === undefined) missing.push(code);
      else if (hit !== MISSING) found.set(code, hit);
    }
    if (missing.length) {
      const rows = await fetch(missing);
      for (const row of rows) {
        found.set(row.code, row.id);
        cache.set(row.code, row.id);
      }
      for (const code of missing) if (!found.has(code)) cache.set(code, MISSING, { ttl: negativeTtl });
    }
    return found;
  }

  /** Cached answers for `keys`, or undefined on the first miss; `MISSING` entries are left out. */
  function peek<V extends string | number>(
    cache: LRUCache<string, V>,
    keys: string[],
  ): Map<string, V> | undefined {
    const out = new Map<string, V>();
    for (const key of keys) {
      const hit = cache.get(key);
      if (hit === undefined) return undefined;
      if ((hit as unknown) !== MISSING) out.set(key, hit);
    }
    return out;
  }

  return {
    cachedOnly(request) {
      const productIds = peek(products, request.codes);
      const carrierServiceIds = productIds && peek(carrierServices, request.carrierValues);
      const shippingMethodKeys = carrierServiceIds && peek(shippingMethods, request.shippingMethodIds);
      return shippingMethodKeys && { productIds, carrierServiceIds, shippingMethodKeys };
    },
    productIds: (codes, opts = {}) =>
      cached(products, codes, opts, (missing) => options.clarus.findProductsByCodes(missing, opts)),
    carrierServiceIds: (values, opts = {}) =>
      cached(carrierServices, values, opts, async (missing) => {
        const rows = await options.clarus.findCarrierServicesByCodes(
          carrierServiceCodesToQuery(missing),
          opts,
        );
        return missing.flatMap((value) => {
          const service = pickCarrierService(rows, value);
          return service ? [{ code: value, id: service.id }] : [];
        });
      }),
    async shippingMethodKeys(ids) {
      const out = new Map<string, string>();
      const missing = ids.filter((id) => {
        const key = shippingMethods.get(id);
        if (key !== undefined) out.set(id, key);
        return key === undefined;
      });
      if (missing.length) {
        const response = await options.api
          .shippingMethods()
          .get({
            queryArgs: { where: `id in (${missing.map((id) => JSON.stringify(id)).join(', ')})`, limit: 500 },
          })
          .execute();
        for (const method of response.body.results) {
          if (!method.key) continue;
          out.set(method.id, method.key);
          shippingMethods.set(method.id, method.key);
        }
      }
      return out;
    },
  };
}
