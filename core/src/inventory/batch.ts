import { quantitiesByCode, quantitiesForSkus, type SkuTranslator } from '../mapping';
import type { Logger } from '../logging';
import type { SupplyChannel } from './ats';
import type { SkuStock } from './clarus-stock';
import type { BetweenPages, InventoryGateway } from './inventory-gateway';
import type { ScannedEntries } from './scanned-entries';
import { inFlightQuantities, planBatch, sortedSkus } from './plan';
import type { ExceptionCounts, ExceptionTracker, InventoryRecorder } from './record-exceptions';
import { InventoryConfigurationError, type InventorySyncDeps } from './sync-types';
import { writeEntries, type Slots } from './write-entries';

/*
 * The stages every inventory path shares, around one batch of SKUs: target channels, in-flight orders per
 * Clarus product, and the batch itself — read entries → plan (`planBatch`) → write (`writeEntries`) → record
 * (`InventoryRecorder.batch`). The job (`sync.ts`) and the one-SKU path (`sku-sync.ts`) compose them.
 */

/** Write and exception counts a path adds up (the job's summary is one). */
export interface InventoryCounts extends ExceptionCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** What a batch needs beyond its SKUs: read once per run (job) or per call (one-SKU path). */
export interface BatchContext {
  channels: SupplyChannel[];
  stock: SkuStock;
  /** Units in flight per Clarus product code (orders for SKUs of one code add up). */
  inFlightByCode: ReadonlyMap<string, number>;
  channelWarehouses: Record<string, number[]>;
  tracker: ExceptionTracker;
  counts: InventoryCounts;
  /** The job knows every SKU commercetools sells; the one-SKU path does not, so it never claims "not sold". */
  reportNotSold: boolean;
  /** Bundle SKUs (BUNDLE_MODE=expand, full run only) → channel id → ATS derived from their components. */
  derived: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /**
   * The job's entries by SKU, read once with the catalogue (`entriesOnChannels`); a batch takes (and drops)
   * its SKUs' entries from here instead of reading them again. Stale copies are safe: every write is
   * versioned, and a 409 re-reads the entry and re-decides (ADR 0007 included). Absent on the one-SKU path.
   */
  scanned?: ScannedEntries;
  /** SKUs known to be product variants (no need to ask again). */
  variantSkus: ReadonlySet<string>;
  deadline?: number;
  /** Write slots shared by the batches in flight (the job); absent: each batch has its own. */
  writeSlots?: Slots;
}

/** What a batch did, by SKU. */
export interface BatchOutcome {
  synced: string[];
  notHeld: string[];
  notSold: string[];
  /** SKUs with an entry modified after the Clarus read (ADR 0007): nothing written to those entries. */
  newer: string[];
}

/** The shared stages' dependencies (from `InventorySyncDeps`, resolved once). */
export interface BatchStageDeps {
  gateway: InventoryGateway;
  recorder: InventoryRecorder;
  translator: SkuTranslator;
  clarus: InventorySyncDeps['clarus'];
  clarusChannel: InventorySyncDeps['clarusChannel'];
  config: InventorySyncDeps['config'];
  logger: Logger;
  now: () => number;
}

/** The shared stages, bound to their dependencies. */
export function createBatchStages(deps: BatchStageDeps) {
  const { gateway, recorder, translator, config, logger, now } = deps;
  const inventory = config.inventory;
  /** The ATS rules' configuration for a stock scope's channel → warehouses narrowing. */
  const atsConfig = (channelWarehouses: Record<string, number[]>) => ({
    safetyStock: inventory.safetyStock,
    safetyStockOverrides: inventory.safetyStockOverrides,
    channelWarehouses,
  });

  // ---- reads ---------------------------------------------------------------------------------------

  async function resolveChannels(): Promise<SupplyChannel[]> {
    const { channels, missing, all } = await gateway.supplyChannels(inventory.channelKeys);
    if (missing.length) {
      throw new InventoryConfigurationError(
        `INVENTORY_CHANNEL_KEYS names channels that do not exist: ${missing.join(', ')}`,
      );
    }
    if (channels.length === 0) {
      throw new InventoryConfigurationError(
        'no target channel: create a channel with the InventorySupply role or set INVENTORY_CHANNEL_KEYS',
      );
    }
    const withoutRole = all.filter((c) => !c.roles.includes('InventorySupply')).map((c) => c.key);
    if (withoutRole.length) {
      logger.warn('inventory channels without the InventorySupply role', { channels: withoutRole });
    }
    const unknownNarrowing = Object.keys(inventory.channelWarehouses).filter(
      (key) => !channels.some((c) => c.key === key),
    );
    if (unknownNarrowing.length) {
      logger.warn('INVENTORY_CHANNEL_WAREHOUSES names channels that are not synced', {
        channels: unknownNarrowing,
      });
    }
    return channels;
  }

  /** Units in flight per Clarus product code; `skus`: only orders with lines of these SKUs. */
  async function readInFlight(skus: readonly string[] | undefined, between?: BetweenPages) {
    if (inventory.inflightLookbackMinutes <= 0) return { byCode: new Map<string, number>(), orders: 0 };
    const clarusChannel = await deps.clarusChannel();
    const since = new Date(now() - inventory.inflightLookbackMinutes * 60_000);
    // A bundle line names the bundle SKU, not its components: with bundles expanded, filter after reading.
    const expandsBundles =
      config.mapping.bundleMode === 'expand' && !!config.mapping.bundleComponentsAttribute;
    const orders = await gateway.ordersInFlight(since, clarusChannel.id, {
      skus: expandsBundles ? undefined : skus,
      between,
    });
    const bySku = inFlightQuantities(orders, clarusChannel.id, config.mapping);
    return { byCode: quantitiesByCode(translator, bySku), orders: orders.length };
  }

  /** SKUs (of those given) whose product Clarus knows, though it reported no balance for them. */
  async function knownToClarus(skus: readonly string[], deadline: number | undefined): Promise<Set<string>> {
    if (skus.length === 0) return new Set();
    const byCode = new Map(skus.map((sku) => [translator.toClarus(sku), sku]));
    const products = await deps.clarus.findProductsByCodes([...byCode.keys()], { deadline });
    const known = new Set<string>();
    for (const product of products) {
      const sku = byCode.get(product.code);
      if (sku !== undefined) known.add(sku);
    }
    return known;
  }

  // ---- one batch: read entries → plan → write → record ---------------------------------------------

  async function syncBatch(skus: readonly string[], ctx: BatchContext): Promise<BatchOutcome> {
    const channelIds = ctx.channels.map((c) => c.id);
    const entries = ctx.scanned ? ctx.scanned.take(skus) : await gateway.entriesFor(skus, channelIds);
    const withEntries = new Set(entries.map((e) => e.sku));
    const held = skus.filter((s) => !ctx.derived.has(s));
    const known = await knownToClarus(
      held.filter((s) => withEntries.has(s) && !ctx.stock.bySku.has(s)),
      ctx.deadline,
    );
    const needVariant = held.filter(
      (s) => !withEntries.has(s) && ctx.stock.bySku.has(s) && !ctx.variantSkus.has(s),
    );
    const variantSkus = new Set(ctx.variantSkus);
    if (needVariant.length) for (const s of await gateway.skusWithVariants(needVariant)) variantSkus.add(s);

    const plan = planBatch({
      skus,
      channels: ctx.channels,
      entries,
      stock: ctx.stock.bySku,
      knownToClarus: known,
      variantSkus,
      inFlight: quantitiesForSkus(translator, skus, ctx.inFlightByCode),
      config: atsConfig(ctx.channelWarehouses),
      derived: ctx.derived,
      readAt: ctx.stock.readAt,
      readAtDefault: ctx.stock.startedAt,
    });
    const written = await writeEntries(
      { gateway, logger, concurrency: inventory.writeConcurrency, slots: ctx.writeSlots },
      plan.writes,
    );
    ctx.counts.unchanged += plan.unchanged + written.unchanged;
    ctx.counts.created += written.created;
    ctx.counts.updated += written.updated;
    ctx.counts.failed += written.failed;
    await recorder.batch(ctx, plan, written.failures, ctx.reportNotSold);
    const newer = sortedSkus([...plan.newer, ...written.newer].map((n) => n.sku));
    return { synced: plan.synced, notHeld: plan.notHeld, notSold: plan.notSold, newer };
  }

  return { atsConfig, resolveChannels, readInFlight, syncBatch };
}

export type BatchStages = ReturnType<typeof createBatchStages>;
