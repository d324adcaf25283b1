import type { Order } from '@commercetools/platform-sdk';
import type { ClarusConfig, MappingConfig } from '../config';
import type { SkuTranslator } from '../mapping';
import type { PendingCreate } from './export-claims';
import type { ExportLookups, LookupAnswers, LookupRequest } from './export-lookups';
import {
  mapOrderToGoodsOuts,
  productCodesOf,
  shippingMethodIdsOf,
  type GoodsOutPlan,
  type MappingResult,
} from './goods-out-mapping';

export interface ExportPlannerDeps {
  lookups: ExportLookups;
  mapping: MappingConfig;
  clarusConfig: Pick<ClarusConfig, 'accountId' | 'warehouseId'>;
  skus: SkuTranslator;
  now: () => number;
}

/**
 * The export's plan stage: the look-ups an order needs, then the pure order → goods out mapping.
 * `mapOrder` looks up what is not cached (Clarus, commercetools); `mapFromCache` does no I/O and answers
 * undefined unless every look-up is cached — the export plans before taking its claim only then, so a
 * new claim can carry its pending creates (docs/adr/0018-keep-alive-http-client.md).
 */
export function createExportPlanner(deps: ExportPlannerDeps) {
  const iso = (ms: number) => new Date(ms).toISOString();

  function lookupRequest(order: Order): LookupRequest {
    return {
      codes: productCodesOf(order, deps.mapping, deps.skus),
      carrierValues: [...new Set(Object.values(deps.mapping.shippingMethodMap))],
      shippingMethodIds: shippingMethodIdsOf(order),
    };
  }

  function mapWith(order: Order, answers: LookupAnswers): MappingResult {
    return mapOrderToGoodsOuts(
      order,
      {
        mapping: deps.mapping,
        skus: deps.skus,
        accountId: deps.clarusConfig.accountId,
        warehouseId: deps.clarusConfig.warehouseId,
        now: iso(deps.now()),
      },
      answers,
    );
  }

  return {
    /** Looks up what is not cached (`fresh`: nothing is), then maps. Throws what the look-ups throw. */
    async mapOrder(
      order: Order,
      callOptions: { deadline?: number; fresh?: boolean },
    ): Promise<MappingResult> {
      const { codes, carrierValues, shippingMethodIds } = lookupRequest(order);
      const [productIds, carrierServiceIds, shippingMethodKeys] = await Promise.all([
        deps.lookups.productIds(codes, callOptions),
        carrierValues.length
          ? deps.lookups.carrierServiceIds(carrierValues, callOptions)
          : new Map<string, number>(),
        deps.lookups.shippingMethodKeys(shippingMethodIds),
      ]);
      return mapWith(order, { productIds, carrierServiceIds, shippingMethodKeys });
    },

    /**
     * The mapping from cached look-ups alone (no I/O), or undefined when one is not cached. Never throws:
     * a mapping that throws (a bug) is left to `mapOrder` under the claim, where failures are recorded.
     */
    mapFromCache(order: Order): MappingResult | undefined {
      try {
        const answers = deps.lookups.cachedOnly(lookupRequest(order));
        return answers && mapWith(order, answers);
      } catch {
        return undefined;
      }
    },

    /** The creates about to be sent, as the claim records them (`at`: now, just before they are sent). */
    pendingOf(plans: GoodsOutPlan[]): PendingCreate[] {
      const at = iso(deps.now());
      return plans.map((p) => ({
        reference: p.reference,
        ...(p.shippingKey !== undefined ? { shippingKey: p.shippingKey } : {}),
        at,
      }));
    },
  };
}
