import { randomUUID } from 'node:crypto';
import type {
  ByProjectKeyRequestBuilder,
  Channel,
  InventoryEntry,
  InventoryEntryUpdateAction,
} from '@commercetools/platform-sdk';
import { z } from 'zod';
import { isClarusError, type ClarusReads } from '../clarus';
import {
  commercetoolsErrorInfo,
  ConcurrentModificationExhaustedError,
  isTransientCommercetoolsError,
  updateWithRecompute,
} from '../commercetools';
import type { AppConfig, ClarusConfig } from '../config';
import type { Logger } from '../logging';
import { createSkuIndex, type SkuTranslator } from '../mapping';
import {
  exceptionKey,
  holdLease,
  LeaseLostError,
  type ExceptionEntity,
  type ExceptionKind,
  type ExceptionStore,
  type JobLock,
  type JobState,
  type Lease,
} from '../operations';
import { computeBundleTargets, type SupplyChannel } from './ats';
import { createInventoryGateway, type BetweenPages, type InventoryGateway } from './inventory-gateway';
import {
  addBalances,
  bundleDefinitions,
  emptyClarusStock,
  inFlightQuantities,
  inventoryEntryKey,
  planBatch,
  shouldCheckpoint,
  skuBatches,
  skuForClarusCode,
  sortedSkus,
  stockScope,
  targetsBySku,
  type ClarusStock,
  type PlannedWrite,
} from './plan';

/*
 * Available-to-sell sync: Clarus stock_balances → commercetools inventory entries on every target channel.
 *
 * Inventory mode for merchants: carts should use `ReserveOnOrder`. This sync writes `quantityOnStock` = ATS;
 * commercetools derives `availableQuantity` = quantityOnStock − reservations and, under ReserveOnOrder,
 * refuses an order beyond it (OutOfStock). Orders placed under TrackOnly / ReserveOnOrder lower the entry
 * themselves (eventually consistent, up to ~10 s) so the storefront stays honest between runs; the next run
 * replaces the value with ATS, whose in-flight term covers orders Clarus has not allocated yet.
 *
 * Flow of a run: lock → checkpoint → channels → open exceptions → SKUs on the channels (discovery) → every
 * Clarus balance page → in-flight orders → bundles (BUNDLE_MODE=expand) → SKU batches in sorted order
 * (read entries → decide → write what differs → exceptions) → checkpoint or clear → summary → release. Clarus is read completely before anything
 * is written: a partial read would look like "Clarus no longer holds these SKUs" and zero them.
 */

export const INVENTORY_JOB_NAME = 'inventory-sync';

/** Default job lease: renewed while the run works, so the lock of a crashed run frees within minutes. */
export const DEFAULT_INVENTORY_LEASE_MS = 2 * 60_000;
/** A run in progress saves its position at least this often, so a crash loses little work. */
const CHECKPOINT_EVERY_MS = 60_000;

export interface InventorySyncDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: Pick<ClarusReads, 'stockBalances' | 'findProductsByCodes'>;
  exceptions: ExceptionStore;
  jobLock: JobLock;
  jobState: JobState;
  /** The `clarus-wms` channel whose syncInfo marks an order as exported. */
  clarusChannel: () => Promise<Channel>;
  skus: SkuTranslator;
  config: Pick<AppConfig, 'inventory' | 'mapping'> & {
    clarus: Pick<ClarusConfig, 'accountId' | 'warehouseId'>;
  };
  logger: Logger;
  /** Epoch ms clock (tests move leases and budgets on without sleeping). */
  now?: () => number;
  leaseMs?: number;
  /** Replaces the commercetools gateway (tests). */
  gateway?: InventoryGateway;
}

export interface InventoryRunOptions {
  /** Checkpoint after this many SKU batches: makes the time budget deterministic in tests. */
  maxBatches?: number;
  /** Overrides INVENTORY_TIME_BUDGET_SECONDS. */
  timeBudgetMs?: number;
  /** Most SKUs per batch (default: as many as fit one 500-entry page over all channels). */
  batchSize?: number;
}

export type InventoryFailureReason =
  | 'clarus-unavailable'
  | 'clarus-error'
  | 'commercetools-unavailable'
  | 'commercetools-error'
  | 'configuration'
  | 'lease-lost'
  | 'internal-error';

/** What one run did; stored as the job's last run and answered by the job endpoint. */
export interface InventoryRunSummary {
  runId: string;
  /** `checkpointed`: stopped at its time budget; the next run resumes after `checkpoint`. */
  outcome: 'finished' | 'checkpointed' | 'failed';
  reason?: InventoryFailureReason;
  message?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Target channel keys. */
  channels: string[];
  /** The run started after this SKU (a previous run's checkpoint). */
  resumedAfter?: string;
  /** Last SKU done, when the run checkpointed (or failed after some progress). */
  checkpoint?: string;
  /** Clarus stock_balances rows read. */
  clarusBalances: number;
  /** Distinct commercetools SKUs Clarus reported stock for. */
  skusRead: number;
  /** Bundle SKUs (BUNDLE_MODE=expand) whose stock is derived from their components' ATS. */
  bundles: number;
  /** Clarus product codes no commercetools SKU translates to. */
  unmappedCodes: number;
  /** SKUs Clarus holds or the channels sell, after the resume point. */
  skusInScope: number;
  skusProcessed: number;
  batches: number;
  inFlightOrders: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  exceptionsRaised: number;
  exceptionsResolved: number;
}

export type InventoryRunResult =
  { kind: 'skipped'; reason: 'locked' } | { kind: 'ran'; summary: InventoryRunSummary };

/** What `syncSkus` did (the stock webhook's one-SKU path). */
export interface SkuSyncResult {
  skus: string[];
  channels: string[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  exceptionsRaised: number;
  exceptionsResolved: number;
  /** SKUs whose entries now carry Clarus ATS. */
  synced: string[];
  /** SKUs with entries that Clarus does not hold: set to 0. */
  notHeld: string[];
  /** SKUs Clarus holds that have neither an entry nor a product variant: nothing written. */
  notSold: string[];
  /** Product codes (syncProductCodes) no SKU translates to. */
  unmappedCodes: string[];
}

export interface SkuSyncOptions {
  /** Epoch ms by which Clarus calls must have finished (the webhook's answer budget). */
  deadline?: number;
}

export interface InventorySync {
  /** One job run under the job lock: `skipped` when another run holds it. Never throws. */
  run(options?: InventoryRunOptions): Promise<InventoryRunResult>;
  /**
   * The shared ATS-and-write step for a few SKUs (the stock webhook): reads their Clarus balances with the
   * `product_code` filter, the in-flight orders, their entries on every target channel, and writes only what
   * differs, with the same rules and exceptions as the job. No job lock: writes are versioned and recomputed
   * on 409. Throws on a Clarus or commercetools read failure (ClarusError carries `retryable`).
   */
  syncSkus(skus: readonly string[], options?: SkuSyncOptions): Promise<SkuSyncResult>;
  /**
   * `syncSkus` for Clarus product codes (a stock webhook names a code), translated by the SKU rules. Bundles
   * (BUNDLE_MODE=expand) whose components these are keep their stock until the next full run.
   */
  syncProductCodes(codes: readonly string[], options?: SkuSyncOptions): Promise<SkuSyncResult>;
}

/** The target channels are missing or misnamed: nothing can be synced until the configuration is fixed. */
export class InventoryConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InventoryConfigurationError';
  }
}

const checkpointSchema = z.object({ afterSku: z.string(), passStartedAt: z.string() });
type InventoryCheckpoint = z.infer<typeof checkpointSchema>;

const KIND_NOT_HELD: ExceptionKind = 'sku-not-held-by-clarus';
const KIND_NOT_SOLD: ExceptionKind = 'sku-not-sold-in-commercetools';
const KIND_WRITE_FAILED: ExceptionKind = 'inventory-write-failed';

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  exceptionsRaised: number;
  exceptionsResolved: number;
}

interface WriteFailure {
  channel: SupplyChannel;
  permanent: boolean;
  detail: string;
}

/** Which exceptions are open, so a steady condition is not re-raised every run and clearing is cheap. */
interface ExceptionTracker {
  isOpen(kind: ExceptionKind, id: string): Promise<boolean>;
  set(kind: ExceptionKind, id: string, open: boolean): void;
  /** Every open id of a kind, when known (the job preloads them). */
  openIds(kind: ExceptionKind): string[] | undefined;
}

interface BatchContext {
  channels: SupplyChannel[];
  stock: ClarusStock;
  inFlight: ReadonlyMap<string, number>;
  channelWarehouses: Record<string, number[]>;
  tracker: ExceptionTracker;
  counts: Counts;
  /** The job knows every SKU commercetools sells; the one-SKU path does not, so it never claims "not sold". */
  reportNotSold: boolean;
  /** Bundle SKUs (BUNDLE_MODE=expand, full run only) → channel id → ATS derived from their components. */
  derived: ReadonlyMap<string, ReadonlyMap<string, number>>;
  deadline?: number;
}

interface BatchOutcome {
  synced: string[];
  notHeld: string[];
  notSold: string[];
  derived: string[];
}

export function createInventorySync(deps: InventorySyncDeps): InventorySync {
  const { config, logger, skus: translator } = deps;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? DEFAULT_INVENTORY_LEASE_MS;
  const gateway = deps.gateway ?? createInventoryGateway(deps.api);
  const inventory = config.inventory;
  const iso = (ms: number) => new Date(ms).toISOString();

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

  async function readInFlight(skus: readonly string[] | undefined, between?: BetweenPages) {
    if (inventory.inflightLookbackMinutes <= 0) return { quantities: new Map<string, number>(), orders: 0 };
    const clarusChannel = await deps.clarusChannel();
    const since = new Date(now() - inventory.inflightLookbackMinutes * 60_000);
    // A bundle line names the bundle SKU, not its components: with bundles expanded, filter after reading.
    const expandsBundles =
      config.mapping.bundleMode === 'expand' && !!config.mapping.bundleComponentsAttribute;
    const orders = await gateway.ordersInFlight(since, clarusChannel.id, {
      skus: expandsBundles ? undefined : skus,
      between,
    });
    return {
      quantities: inFlightQuantities(orders, clarusChannel.id, config.mapping),
      orders: orders.length,
    };
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

  // ---- writes --------------------------------------------------------------------------------------

  async function update(entry: InventoryEntry, quantity: number): Promise<'updated' | 'unchanged'> {
    const result = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
      initial: entry,
      load: () => gateway.getEntry(entry.id),
      // Re-decided on the fresh entry after a 409: another writer may already have set the value.
      decide: (fresh) => (fresh.quantityOnStock === quantity ? [] : [{ action: 'changeQuantity', quantity }]),
      apply: (fresh) => gateway.changeQuantity(fresh, quantity),
      label: 'inventory-entry',
      logger,
    });
    return result.changed ? 'updated' : 'unchanged';
  }

  async function write(w: PlannedWrite): Promise<'created' | 'updated' | 'unchanged'> {
    if (w.kind === 'update') return update(w.entry, w.quantity);
    try {
      await gateway.createEntry({
        // Deterministic: the real API refuses a second entry with this key (or for this SKU and channel),
        // so a create repeated by a retry or a concurrent webhook fails instead of duplicating.
        key: inventoryEntryKey(w.channel.id, w.sku),
        sku: w.sku,
        supplyChannel: { typeId: 'channel', id: w.channel.id },
        quantityOnStock: w.quantity,
      });
      return 'created';
    } catch (err) {
      const { statusCode } = commercetoolsErrorInfo(err);
      if (statusCode !== 400 && statusCode !== 409) throw err;
      // DuplicateField and friends: someone created it since we read. Bring that entry to the target.
      const [existing] = await gateway.entriesFor([w.sku], [w.channel.id]);
      if (!existing) throw err;
      return update(existing, w.quantity);
    }
  }

  // ---- exceptions ----------------------------------------------------------------------------------

  async function raise(
    ctx: BatchContext,
    kind: ExceptionKind,
    entity: ExceptionEntity,
    message: string,
    details: Record<string, unknown>,
    options: { onlyIfNotOpen: boolean },
  ): Promise<void> {
    try {
      if (options.onlyIfNotOpen && (await ctx.tracker.isOpen(kind, entity.id))) return;
      const { isNew } = await deps.exceptions.raise({ kind, entity, message, details });
      ctx.tracker.set(kind, entity.id, true);
      if (isNew) ctx.counts.exceptionsRaised += 1;
    } catch (err) {
      logger.warn('could not record an inventory exception', { kind, id: entity.id, error: describe(err) });
    }
  }

  async function resolve(
    ctx: { tracker: ExceptionTracker; counts: Counts },
    kind: ExceptionKind,
    id: string,
  ) {
    try {
      if (!(await ctx.tracker.isOpen(kind, id))) return;
      if (await deps.exceptions.resolve(kind, { type: 'sku', id })) ctx.counts.exceptionsResolved += 1;
      ctx.tracker.set(kind, id, false);
    } catch (err) {
      logger.warn('could not resolve an inventory exception', { kind, id, error: describe(err) });
    }
  }

  // ---- one batch: read → decide → write → exceptions -------------------------------------------------

  async function syncBatch(skus: readonly string[], ctx: BatchContext): Promise<BatchOutcome> {
    const channelIds = ctx.channels.map((c) => c.id);
    const entries = await gateway.entriesFor(skus, channelIds);
    const withEntries = new Set(entries.map((e) => e.sku));
    const held = skus.filter((s) => !ctx.derived.has(s));
    const known = await knownToClarus(
      held.filter((s) => withEntries.has(s) && !ctx.stock.bySku.has(s)),
      ctx.deadline,
    );
    const needVariant = held.filter((s) => !withEntries.has(s) && ctx.stock.bySku.has(s));
    const variantSkus = needVariant.length ? await gateway.skusWithVariants(needVariant) : new Set<string>();

    const plan = planBatch({
      skus,
      channels: ctx.channels,
      entries,
      stock: ctx.stock.bySku,
      knownToClarus: known,
      variantSkus,
      inFlight: ctx.inFlight,
      config: {
        safetyStock: inventory.safetyStock,
        safetyStockOverrides: inventory.safetyStockOverrides,
        channelWarehouses: ctx.channelWarehouses,
      },
      derived: ctx.derived,
    });
    ctx.counts.unchanged += plan.unchanged;

    const failures = new Map<string, WriteFailure[]>();
    await forEachConcurrently(plan.writes, inventory.writeConcurrency, async (w) => {
      try {
        ctx.counts[await write(w)] += 1;
      } catch (err) {
        ctx.counts.failed += 1;
        const permanent = !(
          isTransientCommercetoolsError(err) || err instanceof ConcurrentModificationExhaustedError
        );
        const detail = describe(err);
        logger.warn('inventory write failed', {
          sku: w.sku,
          channel: w.channel.key,
          permanent,
          error: detail,
        });
        const list = failures.get(w.sku) ?? [];
        list.push({ channel: w.channel, permanent, detail });
        failures.set(w.sku, list);
      }
    });

    for (const sku of plan.notHeld) {
      const code = translator.toClarus(sku);
      await raise(
        ctx,
        KIND_NOT_HELD,
        { type: 'sku', id: sku, sku },
        `SKU ${sku} has inventory entries (target ${channelList(ctx.channels)}) but Clarus holds no product` +
          ` ${code} (its code by CLARUS_SKU_RULES); its stock was set to 0 so it cannot be oversold.`,
        { clarusCode: code },
        { onlyIfNotOpen: true },
      );
    }
    for (const sku of plan.notSold) {
      if (!ctx.reportNotSold) continue;
      const code = translator.toClarus(sku);
      await raise(
        ctx,
        KIND_NOT_SOLD,
        { type: 'sku', id: code, sku },
        `Clarus holds product ${code} (commercetools SKU ${sku} by CLARUS_SKU_RULES) but commercetools has no` +
          ` product variant with that SKU and no inventory entry on ${channelList(ctx.channels)}.`,
        { clarusCode: code, sku },
        { onlyIfNotOpen: true },
      );
    }
    for (const [sku, list] of failures) {
      const permanent = list.filter((f) => f.permanent);
      if (permanent.length === 0) continue; // transient: the next run retries; no exception yet
      await raise(
        ctx,
        KIND_WRITE_FAILED,
        { type: 'sku', id: sku, sku },
        `Writing available-to-sell for SKU ${sku} failed on ${permanent
          .map((f) => `${f.channel.key} (${f.detail})`)
          .join('; ')}.`,
        { channels: permanent.map((f) => f.channel.key) },
        { onlyIfNotOpen: false },
      );
    }
    // Conditions that cleared. A bundle is derived, not held: never "not held" or "not sold".
    for (const sku of [...plan.synced, ...plan.derived]) await resolve(ctx, KIND_NOT_HELD, sku);
    for (const sku of [...plan.synced, ...plan.notHeld, ...plan.derived]) {
      await resolve(ctx, KIND_NOT_SOLD, translator.toClarus(sku));
      if (!failures.has(sku)) await resolve(ctx, KIND_WRITE_FAILED, sku);
    }
    return { synced: plan.synced, notHeld: plan.notHeld, notSold: plan.notSold, derived: plan.derived };
  }

  // ---- trackers ------------------------------------------------------------------------------------

  async function preloadedTracker(): Promise<ExceptionTracker> {
    const open = new Map<ExceptionKind, Set<string>>();
    for (const kind of [KIND_NOT_HELD, KIND_NOT_SOLD, KIND_WRITE_FAILED]) {
      const records = await deps.exceptions.list({ kind, status: 'open' });
      open.set(kind, new Set(records.map((r) => r.entity.id)));
    }
    const setOf = (kind: ExceptionKind) => {
      let ids = open.get(kind);
      if (!ids) open.set(kind, (ids = new Set()));
      return ids;
    };
    return {
      isOpen: async (kind, id) => setOf(kind).has(id),
      set: (kind, id, isOpen) => void (isOpen ? setOf(kind).add(id) : setOf(kind).delete(id)),
      openIds: (kind) => [...setOf(kind)],
    };
  }

  function lazyTracker(): ExceptionTracker {
    const known = new Map<string, boolean>();
    const key = (kind: ExceptionKind, id: string) => exceptionKey(kind, { type: 'sku', id });
    return {
      async isOpen(kind, id) {
        const k = key(kind, id);
        let open = known.get(k);
        if (open === undefined) {
          open = (await deps.exceptions.get(k))?.status === 'open';
          known.set(k, open);
        }
        return open;
      },
      set: (kind, id, open) => void known.set(key(kind, id), open),
      openIds: () => undefined,
    };
  }

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
    const keepAlive = held.keepAlive;
    let checkpoint: InventoryCheckpoint | undefined;
    try {
      checkpoint = await readCheckpoint();
      await execute(summary, options, startedAt, checkpoint, state, keepAlive);
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
    const channelIds = channels.map((c) => c.id);
    const tracker = await preloadedTracker();
    const counts: Counts = summary;

    // Every SKU the channels sell: SKUs Clarus may not hold, and the exact index for reverse translation.
    const sold = await gateway.skusOnChannels(channelIds, keepAlive);
    const index = createSkuIndex(translator, sold);
    const scope = stockScope(summary.channels, inventory.channelWarehouses, config.clarus.warehouseId);
    const stock = emptyClarusStock();
    for await (const page of deps.clarus.stockBalances(
      { accountId: config.clarus.accountId, warehouseId: scope.warehouseFilter },
      { deadline },
    )) {
      addBalances(stock, page.nodes, (code) => skuForClarusCode(code, index, translator));
      await keepAlive();
    }
    summary.clarusBalances = stock.rows;
    summary.skusRead = stock.bySku.size;
    summary.unmappedCodes = stock.unmapped.size;

    const inFlight = await readInFlight(undefined, keepAlive);
    summary.inFlightOrders = inFlight.orders;

    const derived = await bundleTargets(
      channels,
      stock,
      inFlight.quantities,
      scope.channelWarehouses,
      keepAlive,
    );
    summary.bundles = derived.size;

    const ctx: BatchContext = {
      channels,
      stock,
      inFlight: inFlight.quantities,
      channelWarehouses: scope.channelWarehouses,
      tracker,
      counts,
      reportNotSold: true,
      derived,
      deadline,
    };
    await codeLevelExceptions(ctx);

    const universe = sortedSkus(stock.bySku.keys(), sold, derived.keys()).filter(
      (s) => resumeAfter === undefined || s > resumeAfter,
    );
    summary.skusInScope = universe.length;
    const batches = skuBatches(universe, channels.length, { maxSkus: options.batchSize });
    const processed = new Set<string>();
    let slowestBatchMs = 0;
    let savedAt = now();
    let savedDuringRun = false;
    let stopped = false;
    for (const batch of batches) {
      const stop =
        options.maxBatches === 0 ||
        (summary.batches > 0 &&
          shouldCheckpoint({
            now: now(),
            deadline,
            slowestBatchMs,
            batchesDone: summary.batches,
            maxBatches: options.maxBatches,
          }));
      if (stop) {
        stopped = true;
        break;
      }
      const began = now();
      await syncBatch(batch, ctx);
      for (const sku of batch) processed.add(sku);
      state.lastDone = batch[batch.length - 1];
      summary.batches += 1;
      summary.skusProcessed += batch.length;
      slowestBatchMs = Math.max(slowestBatchMs, now() - began);
      await keepAlive();
      if (now() - savedAt >= CHECKPOINT_EVERY_MS && state.lastDone !== undefined) {
        await saveCheckpoint(state.lastDone, checkpoint?.passStartedAt ?? iso(startedAt));
        savedAt = now();
        savedDuringRun = true;
      }
    }

    // Open SKU exceptions in the range this run covered whose SKU is no longer in scope at all.
    const upper = stopped ? state.lastDone : undefined;
    const inRange = (sku: string) =>
      (resumeAfter === undefined || sku > resumeAfter) && (!stopped || (upper !== undefined && sku <= upper));
    for (const kind of [KIND_NOT_HELD, KIND_WRITE_FAILED]) {
      for (const sku of tracker.openIds(kind) ?? []) {
        if (inRange(sku) && !processed.has(sku)) await resolve(ctx, kind, sku);
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
   * BUNDLE_MODE=expand: Clarus holds a bundle's components, not the bundle. Every bundle variant gets, per
   * channel, the ATS its components allow (`computeBundleTargets`). Native mode: none (Clarus holds the
   * bundle as a bill-of-materials product, synced like any SKU).
   */
  async function bundleTargets(
    channels: readonly SupplyChannel[],
    stock: ClarusStock,
    inFlight: ReadonlyMap<string, number>,
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
    return targetsBySku(
      computeBundleTargets(bundles, channels, stock.bySku, inFlight, {
        safetyStock: inventory.safetyStock,
        safetyStockOverrides: inventory.safetyStockOverrides,
        channelWarehouses,
      }),
    );
  }

  /** Codes that map to no SKU raise "not sold"; "not sold" exceptions for codes Clarus dropped resolve. */
  async function codeLevelExceptions(ctx: BatchContext): Promise<void> {
    for (const code of [...ctx.stock.unmapped].sort()) {
      await raise(
        ctx,
        KIND_NOT_SOLD,
        { type: 'sku', id: code },
        `Clarus holds product ${code}, which no commercetools SKU translates to under CLARUS_SKU_RULES` +
          ' (check the prefix, suffix and padding rules).',
        { clarusCode: code },
        { onlyIfNotOpen: true },
      );
    }
    for (const code of ctx.tracker.openIds(KIND_NOT_SOLD) ?? []) {
      if (!ctx.stock.codes.has(code)) await resolve(ctx, KIND_NOT_SOLD, code);
    }
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
      logger.warn(`could not ${what}`, { error: describe(err) });
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

  // ---- the shared one-SKU path ---------------------------------------------------------------------

  async function syncSkus(skus: readonly string[], options: SkuSyncOptions = {}): Promise<SkuSyncResult> {
    const wanted = sortedSkus(skus.filter((s) => s !== ''));
    const channels = await resolveChannels();
    const channelKeys = channels.map((c) => c.key);
    const scope = stockScope(channelKeys, inventory.channelWarehouses, config.clarus.warehouseId);
    const index = createSkuIndex(translator, wanted);
    const stock = emptyClarusStock();
    if (wanted.length) {
      for await (const page of deps.clarus.stockBalances(
        {
          accountId: config.clarus.accountId,
          warehouseId: scope.warehouseFilter,
          productCodes: [...index.keys()],
        },
        { deadline: options.deadline },
      )) {
        addBalances(stock, page.nodes, (code) => index.get(code));
      }
    }
    const inFlight = wanted.length ? await readInFlight(wanted) : { quantities: new Map<string, number>() };
    const counts: Counts = {
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      exceptionsRaised: 0,
      exceptionsResolved: 0,
    };
    const ctx: BatchContext = {
      channels,
      stock,
      inFlight: inFlight.quantities,
      channelWarehouses: scope.channelWarehouses,
      tracker: lazyTracker(),
      counts,
      reportNotSold: false,
      // Bundles (BUNDLE_MODE=expand) are left to the next full run: their stock derives from all their
      // components, which this path does not read. A webhook names a Clarus product, i.e. a component.
      derived: new Map(),
      deadline: options.deadline,
    };
    const result: SkuSyncResult = {
      skus: wanted,
      channels: channelKeys,
      ...counts,
      synced: [],
      notHeld: [],
      notSold: [],
      unmappedCodes: [],
    };
    for (const batch of skuBatches(wanted, channels.length)) {
      const outcome = await syncBatch(batch, ctx);
      result.synced.push(...outcome.synced);
      result.notHeld.push(...outcome.notHeld);
      result.notSold.push(...outcome.notSold);
    }
    Object.assign(result, counts);
    logger.info('inventory synced for SKUs', {
      skus: wanted.length,
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      failed: counts.failed,
    });
    return result;
  }

  async function syncProductCodes(
    codes: readonly string[],
    options: SkuSyncOptions = {},
  ): Promise<SkuSyncResult> {
    const skus: string[] = [];
    const unmapped: string[] = [];
    for (const code of new Set(codes)) {
      const sku = skuForClarusCode(code, new Map(), translator);
      if (sku === undefined) unmapped.push(code);
      else skus.push(sku);
    }
    const result = await syncSkus(skus, options);
    return { ...result, unmappedCodes: unmapped.sort() };
  }

  return { run, syncSkus, syncProductCodes };
}

export type InventorySyncUseCase = ReturnType<typeof createInventorySync>;

function emptySummary(runId: string, startedAt: string): InventoryRunSummary {
  return {
    runId,
    outcome: 'failed',
    startedAt,
    finishedAt: startedAt,
    durationMs: 0,
    channels: [],
    clarusBalances: 0,
    skusRead: 0,
    bundles: 0,
    unmappedCodes: 0,
    skusInScope: 0,
    skusProcessed: 0,
    batches: 0,
    inFlightOrders: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    exceptionsRaised: 0,
    exceptionsResolved: 0,
  };
}

/** Why a run failed, in words an operator can act on; never a token or a request body. */
export function classifyFailure(err: unknown): { reason: InventoryFailureReason; message: string } {
  if (err instanceof LeaseLostError) return { reason: 'lease-lost', message: err.message };
  if (err instanceof InventoryConfigurationError) return { reason: 'configuration', message: err.message };
  if (isClarusError(err)) {
    return { reason: err.retryable ? 'clarus-unavailable' : 'clarus-error', message: err.message };
  }
  const info = commercetoolsErrorInfo(err);
  if (isTransientCommercetoolsError(err)) {
    return {
      reason: 'commercetools-unavailable',
      message: `commercetools did not answer (${info.statusCode ? `HTTP ${info.statusCode}` : 'no response'})`,
    };
  }
  if (info.statusCode !== undefined) {
    return {
      reason: 'commercetools-error',
      message: `commercetools answered HTTP ${info.statusCode}: ${describe(err)}`,
    };
  }
  return { reason: 'internal-error', message: 'unexpected error; see the inventory-job logs' };
}

/** A short description of a write or read failure (status, code, API message). */
function describe(err: unknown): string {
  if (isClarusError(err)) return err.message;
  if (err instanceof ConcurrentModificationExhaustedError) return err.message;
  const info = commercetoolsErrorInfo(err);
  if (info.statusCode !== undefined) {
    return [`HTTP ${info.statusCode}`, info.code, info.message].filter(Boolean).join(' ');
  }
  return err instanceof Error ? err.message : String(err);
}

const channelList = (channels: readonly SupplyChannel[]) =>
  channels.length === 1 ? `channel ${channels[0]?.key}` : `channels ${channels.map((c) => c.key).join(', ')}`;

/** Runs `fn` over `items` with at most `concurrency` in flight; `fn` handles its own errors. */
async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
