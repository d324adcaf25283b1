import { buildSkuIndex, resolveCode, type SkuCollision, type SkuTranslator } from '../mapping';
import type { Logger } from '../logging';
import type { SupplyChannel } from './ats';
import type { BatchContext, BatchStages, InventoryCounts } from './batch';
import { codesCatalogueIndex, sameProductSkus } from './catalogue';
import { assignStock } from './clarus-stock';
import type { InventoryGateway } from './inventory-gateway';
import { skuBatches, sortedSkus, stockScope } from './plan';
import { readClarusStock } from './read-stock';
import type { ExceptionTracker, InventoryRecorder } from './record-exceptions';
import type { InventorySyncDeps, SkuSyncOptions, SkuSyncResult } from './sync-types';

/*
 * The one-SKU path (the stock webhook's, and the job's re-read of entries written after its read): a few
 * SKUs or Clarus codes, read from Clarus with the `product_code` filter, through the shared batch stages.
 */

/** Clarus reads per SKU on the one-SKU path when its entry keeps being written after the read. */
const DEFAULT_SKU_READS = 2;

export interface SkuSyncDeps {
  stages: BatchStages;
  gateway: InventoryGateway;
  recorder: InventoryRecorder;
  translator: SkuTranslator;
  clarus: InventorySyncDeps['clarus'];
  config: InventorySyncDeps['config'];
  logger: Logger;
  now: () => number;
}

export function createSkuSync(deps: SkuSyncDeps) {
  const { stages, gateway, recorder, translator, config, logger, now } = deps;
  const inventory = config.inventory;
  const { resolveChannels, readInFlight, syncBatch } = stages;

  /**
   * Reads these SKUs' Clarus balances (`product_code` filter) and the orders in flight for their Clarus
   * products, then plans, writes and records per batch; SKUs whose entries were written after the read are
   * read again (up to `options.reads` reads in all). SKUs given together that share a code are a collision:
   * reported, not written.
   */
  async function syncSkuList(
    channels: SupplyChannel[],
    skus: readonly string[],
    options: SkuSyncOptions,
    tracker: ExceptionTracker = recorder.lazyTracker(),
  ): Promise<SkuSyncResult> {
    const wanted = sortedSkus(skus.filter((s) => s !== ''));
    const channelKeys = channels.map((c) => c.key);
    const scope = stockScope(channelKeys, inventory.channelWarehouses, config.clarus.warehouseId);
    const counts: InventoryCounts = {
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      exceptionsRaised: 0,
      exceptionsResolved: 0,
    };
    const result: SkuSyncResult = {
      skus: wanted,
      channels: channelKeys,
      ...counts,
      synced: [],
      notHeld: [],
      notSold: [],
      unmappedCodes: [],
      collisions: [],
      skippedNewer: [],
    };
    const index = buildSkuIndex(translator, wanted);
    result.collisions = [...index.collisions];
    await recorder.codeLevel({ tracker, counts, channels }, undefined, index.collisions);
    let pending = wanted.filter((s) => !index.isCollided(s));
    for (let read = 1; pending.length > 0; read += 1) {
      const stock = assignStock(
        await readClarusStock(
          { clarus: deps.clarus, now },
          {
            accountId: config.clarus.accountId,
            warehouseId: scope.warehouseFilter,
            productCodes: [...new Set(pending.map((s) => translator.toClarus(s)))],
          },
          { deadline: options.deadline },
        ),
        index,
      );
      // Orders for every SKU of these Clarus products count, whichever of them the order names.
      const inFlight = await readInFlight(sameProductSkus(translator, pending));
      const ctx: BatchContext = {
        channels,
        stock,
        inFlightByCode: inFlight.byCode,
        channelWarehouses: scope.channelWarehouses,
        tracker,
        counts,
        reportNotSold: false,
        // Bundles (BUNDLE_MODE=expand) are left to the next full run: their stock derives from all their
        // components, which this path does not read. A webhook names a Clarus product, i.e. a component.
        derived: new Map(),
        variantSkus: new Set(),
        deadline: options.deadline,
      };
      const newer: string[] = [];
      for (const batch of skuBatches(pending, channels.length)) {
        const outcome = await syncBatch(batch, ctx);
        result.synced.push(...outcome.synced.filter((s) => !outcome.newer.includes(s)));
        result.notHeld.push(...outcome.notHeld);
        result.notSold.push(...outcome.notSold);
        newer.push(...outcome.newer);
      }
      pending = newer;
      if (read >= (options.reads ?? DEFAULT_SKU_READS)) {
        result.skippedNewer = pending;
        break;
      }
    }
    result.synced = sortedSkus(result.synced);
    result.notHeld = sortedSkus(result.notHeld);
    Object.assign(result, counts);
    logger.info('inventory synced for SKUs', {
      skus: wanted.length,
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      failed: counts.failed,
      skippedNewer: result.skippedNewer.length,
    });
    return result;
  }

  async function syncSkus(skus: readonly string[], options: SkuSyncOptions = {}): Promise<SkuSyncResult> {
    return syncSkuList(await resolveChannels(), skus, options);
  }

  async function syncProductCodes(
    codes: readonly string[],
    options: SkuSyncOptions = {},
  ): Promise<SkuSyncResult> {
    const channels = await resolveChannels();
    const distinct = [...new Set(codes)].filter((c) => c !== '');
    const { index } = await codesCatalogueIndex(
      { gateway, translator },
      distinct,
      channels.map((c) => c.id),
    );
    const skus: string[] = [];
    const unmapped: string[] = [];
    const collisions: SkuCollision[] = [];
    for (const code of distinct) {
      const resolved = resolveCode(index, code);
      if (resolved.kind === 'sku') skus.push(resolved.sku);
      else if (resolved.kind === 'collision') collisions.push({ code, skus: resolved.skus });
      else unmapped.push(code);
    }
    const tracker = recorder.lazyTracker();
    const counts = { exceptionsRaised: 0, exceptionsResolved: 0 };
    await recorder.codeLevel({ tracker, counts, channels }, undefined, collisions);
    const result = await syncSkuList(channels, skus, options, tracker);
    return {
      ...result,
      exceptionsRaised: result.exceptionsRaised + counts.exceptionsRaised,
      unmappedCodes: unmapped.sort(),
      collisions: [...collisions, ...result.collisions].sort((a, b) => (a.code < b.code ? -1 : 1)),
    };
  }

  return { syncSkuList, syncSkus, syncProductCodes };
}

export type SkuSync = ReturnType<typeof createSkuSync>;
