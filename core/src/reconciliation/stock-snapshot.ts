import type { Channel } from '@commercetools/platform-sdk';
import type { ClarusReads } from '../clarus';
import type { AppConfig, ClarusConfig } from '../config';
import {
  assignStock,
  bundleDefinitions,
  computeAtsTargets,
  computeBundleTargets,
  inFlightQuantities,
  jobCatalogueIndex,
  readClarusStock,
  skuBatches,
  sortedSkus,
  stockScope,
  type InventoryGateway,
} from '../inventory';
import { quantitiesByCode, quantitiesForSkus, type SkuTranslator } from '../mapping';
import type { StockSnapshot } from './audits';
import type { BetweenPages } from '../inventory';
import { addStockBatch, type StockAlignmentTotals, type StockComparison } from './plan';

export interface StockSnapshotDeps {
  inventoryGateway: Pick<
    InventoryGateway,
    | 'supplyChannels'
    | 'skusOnChannels'
    | 'ordersInFlight'
    | 'entriesFor'
    | 'variantsWithAttribute'
    | 'skusWithVariants'
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
 * inventory gateway — nothing written. Entries are read and compared one SKU batch at a time; only the
 * counts and the SKUs drifting beyond `tolerance` are kept (`addStockBatch`).
 */
export function createStockSnapshot(deps: StockSnapshotDeps) {
  const { config, skus: translator } = deps;
  const inventory = config.inventory;

  return async function stockSnapshot(tolerance: number, between?: BetweenPages): Promise<StockSnapshot> {
    const gateway = deps.inventoryGateway;
    const { channels } = await gateway.supplyChannels(inventory.channelKeys);
    const channelIds = channels.map((c) => c.id);
    const channelKeys = channels.map((c) => c.key);
    const sold = await gateway.skusOnChannels(channelIds, between);
    const scope = stockScope(channelKeys, inventory.channelWarehouses, config.clarus.warehouseId);
    // The inventory job's stages: the same complete read and the same catalogue-backed SKU index.
    const read = await readClarusStock(
      { clarus: deps.clarus, now: deps.now },
      { accountId: config.clarus.accountId, warehouseId: scope.warehouseFilter },
      { between },
    );
    const { index } = await jobCatalogueIndex({ gateway, translator }, sold, read.byCode.keys());
    const stock = assignStock(read, index);

    // In flight per Clarus product: orders for any SKU of one code draw on the same stock.
    let inFlightByCode = new Map<string, number>();
    if (inventory.inflightLookbackMinutes > 0) {
      const clarusChannel = await deps.clarusChannel();
      const since = new Date(deps.now() - inventory.inflightLookbackMinutes * 60_000);
      const orders = await gateway.ordersInFlight(since, clarusChannel.id, { between });
      inFlightByCode = quantitiesByCode(
        translator,
        inFlightQuantities(orders, clarusChannel.id, config.mapping),
      );
    }
    const inFlight = quantitiesForSkus(translator, [...sold, ...stock.bySku.keys()], inFlightByCode);

    const atsConfig = {
      safetyStock: inventory.safetyStock,
      safetyStockOverrides: inventory.safetyStockOverrides,
      channelWarehouses: scope.channelWarehouses,
    };
    const attribute = config.mapping.bundleComponentsAttribute;
    const bundleTargets = new Map<string, number>();
    if (config.mapping.bundleMode === 'expand' && attribute) {
      const bundles = bundleDefinitions(await gateway.variantsWithAttribute(attribute, between), attribute);
      const components = bundles.flatMap((b) => (b.components ?? []).map((c) => c.sku));
      const componentInFlight = quantitiesForSkus(translator, components, inFlightByCode);
      for (const t of computeBundleTargets(bundles, channels, stock.bySku, componentInFlight, atsConfig)) {
        bundleTargets.set(`${t.channel.id}\n${t.sku}`, t.quantity);
      }
    }

    const totals: StockAlignmentTotals = { entriesCompared: 0, skusCompared: 0, drifts: [] };
    const keyOf = new Map(channels.map((c) => [c.id, c.key]));
    // SKUs of a collision get no stock from the code (sku-collision is open): nothing to compare.
    const compared = sortedSkus(sold).filter((s) => !index.isCollided(s));
    for (const batch of skuBatches(compared, channels.length)) {
      const entries = await gateway.entriesFor(batch, channelIds);
      const targets = new Map(
        computeAtsTargets(batch, channels, stock.bySku, inFlight, atsConfig).map((t) => [
          `${t.channel.id}\n${t.sku}`,
          t.quantity,
        ]),
      );
      const comparisons: StockComparison[] = [];
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
      addStockBatch(totals, comparisons, tolerance);
      await between?.();
    }
    return { channels: channelKeys, ...totals };
  };
}
