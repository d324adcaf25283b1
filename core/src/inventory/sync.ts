import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { quantitiesForSkus } from '../mapping';
import { holdLease, LeaseLostError, type Lease } from '../operations';
import { computeBundleTargets, type SupplyChannel } from './ats';
import { createBatchStages, type BatchContext, type InventoryCounts } from './batch';
import { BATCHES_IN_FLIGHT, runBatchWindow } from './batch-window';
import { jobCatalogueIndex } from './catalogue';
import { assignStock, type SkuStock } from './clarus-stock';
import { createInventoryGateway, type BetweenPages } from './inventory-gateway';
import {
  bundleDefinitions,
  shouldCheckpoint,
  skuBatches,
  sortedSkus,
  stockScope,
  targetsBySku,
} from './plan';
import { readClarusStock } from './read-stock';
import { createInventoryRecorder, KIND_NOT_HELD, KIND_WRITE_FAILED } from './record-exceptions';
import { createSkuSync } from './sku-sync';
import {
  classifyFailure,
  DEFAULT_INVENTORY_LEASE_MS,
  emptySummary,
  INVENTORY_JOB_NAME,
  type InventoryRunOptions,
  type InventoryRunResult,
  type InventoryRunSummary,
  type InventorySync,
  type InventorySyncDeps,
} from './sync-types';
import { createSlots, describeFailure } from './write-entries';

export * from './sync-types';

/*
 * Available-to-sell sync: Clarus stock_balances → commercetools inventory entries on every target channel.
 *
 * Inventory mode for merchants: carts should use `ReserveOnOrder`. This sync writes `quantityOnStock` = ATS;
 * commercetools derives `availableQuantity` = quantityOnStock − reservations and, under ReserveOnOrder,
 * refuses an order beyond it (OutOfStock). Orders placed under TrackOnly / ReserveOnOrder lower the entry
 * themselves (eventually consistent, up to ~10 s) so the storefront stays honest between runs; the next run
 * replaces the value with ATS, whose in-flight term covers orders Clarus has not allocated yet.
 *
 * The use case composes named stages: read stock (`read-stock.ts`) → catalogue index (`catalogue.ts`,
 * `mapping/sku-index.ts`) → plan (`plan.ts`, `ats.ts`) → write (`write-entries.ts`) → record
 * (`record-exceptions.ts`). Flow of a run: lock → checkpoint → channels → open exceptions → every entry on
 * the channels (read once, packed: `scanned-entries.ts`, handed to the batches) alongside every Clarus balance
 * page → catalogue index → in-flight orders → bundles → SKU batches in sorted order, several writing at once
 * (`batch-window.ts`, ADR 0020) → checkpoint or clear → summary → release. Clarus is read completely before
 * anything is written: a partial read would look like "Clarus no longer holds these SKUs" and zero them. An
 * entry modified after the Clarus read of its value is not overwritten (ADR 0007): its SKU is read again. A
 * run stopped by its time budget saves the last SKU done; the next run reads Clarus and the catalogue again
 * (both are needed whole: "not held" and collisions) and writes only after that SKU, so no write is repeated
 * (docs/benchmarks.md). A killed run leaves the checkpoint of up to 60 s before; the next run finds what it
 * wrote since at the target ("unchanged") and writes it no more.
 */

/** A run in progress saves its position at least this often, so a crash loses little work. */
const CHECKPOINT_EVERY_MS = 60_000;

const checkpointSchema = z.object({ afterSku: z.string(), passStartedAt: z.string() });
type InventoryCheckpoint = z.infer<typeof checkpointSchema>;

export function createInventorySync(deps: InventorySyncDeps): InventorySync {
  const { config, logger, skus: translator } = deps;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? DEFAULT_INVENTORY_LEASE_MS;
  const gateway = deps.gateway ?? createInventoryGateway(deps.api);
  const inventory = config.inventory;
  const recorder = createInventoryRecorder({ exceptions: deps.exceptions, translator, logger });
  const iso = (ms: number) => new Date(ms).toISOString();
  const shared = { gateway, recorder, translator, clarus: deps.clarus, config, logger, now };
  const stages = createBatchStages({ ...shared, clarusChannel: deps.clarusChannel });
  const { atsConfig, resolveChannels, readInFlight, syncBatch } = stages;
  const { syncSkuList, syncSkus, syncProductCodes } = createSkuSync({ ...shared, stages });

  // ---- the job run ---------------------------------------------------------------------------------

  async function run(options: InventoryRunOptions = {}): Promise<InventoryRunResult> {
    const runId = randomUUID();
    const startedAt = now();
    const summary = emptySummary(runId, iso(startedAt));
    let lease: Lease | null;
    try {
      lease = await deps.jobLock.acquire(INVENTORY_JOB_NAME, { holder: `inventory-job:${runId}`, leaseMs });
    } catch (err) {
      fail(summary, err);
      return { kind: 'ran', summary: finish(summary, startedAt) };
    }
    if (!lease) {
      logger.info('inventory sync skipped: another run holds the lock');
      return { kind: 'skipped', reason: 'locked' };
    }
    logger.info('inventory sync started', { runId });

    const held = holdLease(deps.jobLock, lease, { leaseMs, now, logger });
    const state = { lastDone: undefined as string | undefined };
    let checkpoint: InventoryCheckpoint | undefined;
    try {
      checkpoint = await readCheckpoint();
      await execute(summary, options, startedAt, checkpoint, state, held.keepAlive);
    } catch (err) {
      fail(summary, err);
      if (!(err instanceof LeaseLostError) && state.lastDone !== undefined) {
        // Keep the progress this run made: the next run resumes after it.
        summary.checkpoint = state.lastDone;
        await saveCheckpoint(state.lastDone, checkpoint?.passStartedAt ?? iso(startedAt));
      }
    }
    finish(summary, startedAt);
    if (summary.outcome === 'failed') logger.warn('inventory sync failed', { ...summary });
    else logger.info('inventory sync finished', { ...summary });
    if (summary.reason !== 'lease-lost') {
      // The lock's new holder owns the job state now; otherwise record and let go.
      await swallow('save the inventory run summary', () =>
        deps.jobState.saveLastRun(INVENTORY_JOB_NAME, summary),
      );
      await held.release();
    }
    return { kind: 'ran', summary };
  }

  async function execute(
    summary: InventoryRunSummary,
    options: InventoryRunOptions,
    startedAt: number,
    checkpoint: InventoryCheckpoint | undefined,
    state: { lastDone: string | undefined },
    keepAlive: BetweenPages,
  ): Promise<void> {
    const deadline = startedAt + (options.timeBudgetMs ?? inventory.timeBudgetSeconds * 1000);
    const resumeAfter = checkpoint?.afterSku;
    summary.resumedAfter = resumeAfter;

    const channels = await resolveChannels();
    summary.channels = channels.map((c) => c.key);
    const tracker = await recorder.preloadedTracker();
    const counts: InventoryCounts = summary;

    const scope = stockScope(summary.channels, inventory.channelWarehouses, config.clarus.warehouseId);
    const { scanned, sold, index, variantSkus, stock } = await readStockAndCatalogue(
      channels,
      scope.warehouseFilter,
      keepAlive,
      deadline,
    );
    // A resumed run needs no entries of SKUs done before (the catalogue still needs every SKU: collisions).
    if (resumeAfter !== undefined) for (const sku of sold) if (sku <= resumeAfter) scanned.forget(sku);
    summary.clarusBalances = stock.rows;
    summary.skusRead = stock.bySku.size;
    summary.unmappedCodes = stock.unmapped.size;
    summary.collisions = index.collisions.length;

    const inFlight = await readInFlight(undefined, keepAlive);
    summary.inFlightOrders = inFlight.orders;

    const derived = await bundleTargets(channels, stock, inFlight.byCode, scope.channelWarehouses, keepAlive);
    summary.bundles = derived.size;

    const ctx: BatchContext = {
      channels,
      stock,
      inFlightByCode: inFlight.byCode,
      channelWarehouses: scope.channelWarehouses,
      tracker,
      counts,
      reportNotSold: true,
      derived,
      variantSkus,
      scanned,
      deadline,
      writeSlots: createSlots(inventory.writeConcurrency),
    };
    await recorder.codeLevel(ctx, stock.unmapped, index.collisions);

    // SKUs of a collision are skipped: neither gets the code's stock, neither is zeroed as "not held".
    const universe = sortedSkus(stock.bySku.keys(), sold, derived.keys()).filter(
      (s) => !index.isCollided(s) && (resumeAfter === undefined || s > resumeAfter),
    );
    summary.skusInScope = universe.length;
    const batches = skuBatches(universe, channels.length, { maxSkus: options.batchSize });
    const processed = new Set<string>();
    let savedAt = now();
    let savedDuringRun = false;
    const { stopped } = await runBatchWindow({
      batches,
      window: BATCHES_IN_FLIGHT,
      now,
      // The first batch always starts (unless maxBatches is 0): a run makes progress whatever its budget.
      shouldStop: ({ started, slowestBatchMs }) =>
        options.maxBatches === 0 ||
        (started > 0 &&
          shouldCheckpoint({
            now: now(),
            deadline,
            slowestBatchMs,
            batchesDone: started,
            maxBatches: options.maxBatches,
          })),
      run: async (batch) => {
        const outcome = await syncBatch(batch, ctx);
        await resyncNewer(outcome.newer, ctx, summary, deadline);
        summary.batches += 1;
      },
      onProgress: async (lastDone, skus) => {
        for (const sku of skus) processed.add(sku);
        state.lastDone = lastDone;
        summary.skusProcessed += skus.length;
        await keepAlive();
        if (now() - savedAt >= CHECKPOINT_EVERY_MS) {
          await saveCheckpoint(lastDone, checkpoint?.passStartedAt ?? iso(startedAt));
          savedAt = now();
          savedDuringRun = true;
        }
      },
    });

    // Open SKU exceptions in the range this run covered whose SKU is no longer in scope at all.
    const upper = stopped ? state.lastDone : undefined;
    const inRange = (sku: string) =>
      (resumeAfter === undefined || sku > resumeAfter) && (!stopped || (upper !== undefined && sku <= upper));
    for (const kind of [KIND_NOT_HELD, KIND_WRITE_FAILED]) {
      for (const sku of tracker.openIds(kind) ?? []) {
        if (inRange(sku) && !processed.has(sku)) await recorder.resolve(ctx, kind, sku);
      }
    }

    if (stopped) {
      summary.outcome = 'checkpointed';
      summary.checkpoint = state.lastDone ?? resumeAfter;
      if (summary.checkpoint !== undefined) {
        await saveCheckpoint(summary.checkpoint, checkpoint?.passStartedAt ?? iso(startedAt));
      }
    } else {
      summary.outcome = 'finished';
      if (checkpoint || savedDuringRun) await deps.jobState.clearCheckpoint(INVENTORY_JOB_NAME);
    }
  }

  /**
   * Stages 1 and 2 of a run: every entry on the channels and every Clarus balance (two independent cursor
   * chains, side by side: the run waits for the longer one, not both; Clarus is still read completely before
   * anything is written; one lease renewal at a time, two would conflict on its version), then the catalogue
   * index and the stock assigned to SKUs. The stock by Clarus code lives only here: it is garbage once
   * assigned (memory at 250,000 codes).
   */
  async function readStockAndCatalogue(
    channels: readonly SupplyChannel[],
    warehouseFilter: number | undefined,
    keepAlive: BetweenPages,
    deadline: number,
  ) {
    const between = singleFlight(keepAlive);
    const [scanned, read] = await Promise.all([
      gateway.entriesOnChannels(
        channels.map((c) => c.id),
        between,
      ),
      readClarusStock(
        { clarus: deps.clarus, now },
        { accountId: config.clarus.accountId, warehouseId: warehouseFilter },
        { deadline, between },
      ),
    ]);
    // Every SKU the channels sell: SKUs Clarus may not hold, and the catalogue the index is built from.
    const sold = new Set(scanned.skus());
    const { index, variantSkus } = await jobCatalogueIndex({ gateway, translator }, sold, read.byCode.keys());
    return { scanned, sold, index, variantSkus, stock: assignStock(read, index) };
  }

  /**
   * Entries written after this run's Clarus read keep their value (ADR 0007); their SKUs are read from
   * Clarus again through the one-SKU path, whose value is then the freshest. Bundles wait for the next run
   * (their stock derives from every component).
   */
  async function resyncNewer(
    newer: readonly string[],
    ctx: BatchContext,
    summary: InventoryRunSummary,
    deadline: number,
  ): Promise<void> {
    if (newer.length === 0) return;
    const held = newer.filter((sku) => !ctx.derived.has(sku));
    summary.skippedNewer += newer.length - held.length;
    if (held.length === 0) return;
    const again = await syncSkuList(ctx.channels, held, { deadline }, ctx.tracker);
    summary.created += again.created;
    summary.updated += again.updated;
    summary.unchanged += again.unchanged;
    summary.failed += again.failed;
    summary.exceptionsRaised += again.exceptionsRaised;
    summary.exceptionsResolved += again.exceptionsResolved;
    summary.skippedNewer += again.skippedNewer.length;
  }

  /**
   * BUNDLE_MODE=expand: Clarus holds a bundle's components, not the bundle. Every bundle variant gets, per
   * channel, the ATS its components allow (`computeBundleTargets`). Native mode: none (Clarus holds the
   * bundle as a bill-of-materials product, synced like any SKU).
   */
  async function bundleTargets(
    channels: readonly SupplyChannel[],
    stock: SkuStock,
    inFlightByCode: ReadonlyMap<string, number>,
    channelWarehouses: Record<string, number[]>,
    between: BetweenPages,
  ): Promise<Map<string, Map<string, number>>> {
    const attribute = config.mapping.bundleComponentsAttribute;
    if (config.mapping.bundleMode !== 'expand' || !attribute) return new Map();
    const bundles = bundleDefinitions(await gateway.variantsWithAttribute(attribute, between), attribute);
    const unreadable = bundles.filter((b) => b.components === null).map((b) => b.sku);
    if (unreadable.length) {
      logger.warn('bundles with an unreadable components attribute get stock 0', { skus: unreadable });
    }
    const components = bundles.flatMap((b) => (b.components ?? []).map((c) => c.sku));
    return targetsBySku(
      computeBundleTargets(
        bundles,
        channels,
        stock.bySku,
        quantitiesForSkus(translator, components, inFlightByCode),
        atsConfig(channelWarehouses),
      ),
    );
  }

  async function readCheckpoint(): Promise<InventoryCheckpoint | undefined> {
    const stored = await deps.jobState.getCheckpoint<unknown>(INVENTORY_JOB_NAME);
    if (!stored) return undefined;
    const parsed = checkpointSchema.safeParse(stored.data);
    if (!parsed.success) logger.warn('ignoring an unreadable inventory checkpoint; starting a new pass');
    return parsed.success ? parsed.data : undefined;
  }

  const saveCheckpoint = (afterSku: string, passStartedAt: string) =>
    swallow('save the inventory checkpoint', () =>
      deps.jobState.saveCheckpoint<InventoryCheckpoint>(INVENTORY_JOB_NAME, { afterSku, passStartedAt }),
    );

  async function swallow(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      logger.warn(`could not ${what}`, { error: describeFailure(err) });
    }
  }

  function fail(summary: InventoryRunSummary, err: unknown): void {
    const { reason, message } = classifyFailure(err);
    summary.outcome = 'failed';
    summary.reason = reason;
    summary.message = message;
    if (reason === 'internal-error') logger.error('inventory sync failed unexpectedly', { error: err });
  }

  function finish(summary: InventoryRunSummary, startedAt: number): InventoryRunSummary {
    const end = now();
    summary.finishedAt = iso(end);
    summary.durationMs = end - startedAt;
    return summary;
  }

  return { run, syncSkus, syncProductCodes };
}

export type InventorySyncUseCase = ReturnType<typeof createInventorySync>;

/** Callers arriving while a call is in flight share its promise instead of starting another. */
export function singleFlight(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () =>
    (running ??= fn().finally(() => {
      running = undefined;
    }));
}
