import type { Channel } from '@commercetools/platform-sdk';
import type { ClarusReads } from '../clarus';
import type { AppConfig, ClarusConfig } from '../config';
import {
  addBalances,
  bundleDefinitions,
  computeAtsTargets,
  computeBundleTargets,
  emptyClarusStock,
  inFlightQuantities,
  skuBatches,
  skuForClarusCode,
  sortedSkus,
  stockScope,
  type InventoryGateway,
} from '../inventory';
import { createSkuIndex, type SkuTranslator } from '../mapping';
import type { StockSnapshot } from './audits';
import type { BetweenPages } from '../inventory';
import type { StockComparison } from './plan';

export interface StockSnapshotDeps {
  inventoryGateway: Pick<
    InventoryGateway,
    'supplyChannels' | 'skusOnChannels' | 'ordersInFlight' | 'entriesFor' | 'variantsWithAttribute'
  >;
  clarus: Pick<ClarusReads, 'stockBalances'>;
  clarusChannel: () => Promise<Channel>;
  skus: SkuTranslator;
  config: Pick<AppConfig, 'inventory' | 'mapping'> & {
    clarus: Pick<ClarusConfig, 'accountId' | 'warehouseId'>;
  };
  now: () => number;
}

/**
 * Every inventory entry on the inventory job's target channels next to the available-to-sell the inventory
 * job would write now: the same channels, SKU index, stock scope, in-flight orders and ATS formula
 * (`computeAtsTargets`, and `computeBundleTargets` for bundles in BUNDLE_MODE=expand), read through the
 * inventory gateway — nothing written.
 */
export function createStockSnapshot(deps: StockSnapshotDeps) {
  const { config, skus: translator } = deps;
  const inventory = config.inventory;

  return async function stockSnapshot(between?: BetweenPages): Promise<StockSnapshot> {
    const gateway = deps.inventoryGateway;
    const { channels } = await gateway.supplyChannels(inventory.channelKeys);
    const channelIds = channels.map((c) => c.id);
    const channelKeys = channels.map((c) => c.key);
    const sold = await gateway.skusOnChannels(channelIds, between);
    const index = createSkuIndex(translator, sold);
    const scope = stockScope(channelKeys, inventory.channelWarehouses, config.clarus.warehouseId);
    const stock = emptyClarusStock();
    for await (const page of deps.clarus.stockBalances({
      accountId: config.clarus.accountId,
      warehouseId: scope.warehouseFilter,
    })) {
      addBalances(stock, page.nodes, (code) => skuForClarusCode(code, index, translator));
      await between?.();
    }

    let inFlight = new Map<string, number>();
    if (inventory.inflightLookbackMinutes > 0) {
      const clarusChannel = await deps.clarusChannel();
      const since = new Date(deps.now() - inventory.inflightLookbackMinutes * 60_000);
      const orders = await gateway.ordersInFlight(since, clarusChannel.id, { between });
      inFlight = inFlightQuantities(orders, clarusChannel.id, config.mapping);
    }

    const atsConfig = {
      safetyStock: inventory.safetyStock,
      safetyStockOverrides: inventory.safetyStockOverrides,
      channelWarehouses: scope.channelWarehouses,
    };
    const attribute = config.mapping.bundleComponentsAttribute;
    const bundleTargets = new Map<string, number>();
    if (config.mapping.bundleMode === 'expand' && attribute) {
      const bundles = bundleDefinitions(await gateway.variantsWithAttribute(attribute, between), attribute);
      for (const t of computeBundleTargets(bundles, channels, stock.bySku, inFlight, atsConfig)) {
        bundleTargets.set(`${t.channel.id}\n${t.sku}`, t.quantity);
      }
    }

    const comparisons: StockComparison[] = [];
    const keyOf = new Map(channels.map((c) => [c.id, c.key]));
    for (const batch of skuBatches(sortedSkus(sold), channels.length)) {
      const entries = await gateway.entriesFor(batch, channelIds);
      const targets = new Map(
        computeAtsTargets(batch, channels, stock.bySku, inFlight, atsConfig).map((t) => [
          `${t.channel.id}\n${t.sku}`,
          t.quantity,
        ]),
      );
      for (const entry of entries) {
        const channelId = entry.supplyChannel?.id;
        const channelKey = channelId ? keyOf.get(channelId) : undefined;
        if (!channelId || !channelKey) continue;
        comparisons.push({
          sku: entry.sku,
          channelKey,
          quantityOnStock: entry.quantityOnStock,
          ats:
            bundleTargets.get(`${channelId}\n${entry.sku}`) ?? targets.get(`${channelId}\n${entry.sku}`) ?? 0,
        });
      }
      await between?.();
    }
    return { channels: channelKeys, comparisons };
  };
}
