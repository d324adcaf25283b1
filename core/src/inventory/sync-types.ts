import type { Channel, ByProjectKeyRequestBuilder } from '@commercetools/platform-sdk';
import { isClarusError, type ClarusReads } from '../clarus';
import { commercetoolsErrorInfo, isTransientCommercetoolsError } from '../commercetools';
import type { AppConfig, ClarusConfig } from '../config';
import type { Logger } from '../logging';
import type { SkuCollision, SkuTranslator } from '../mapping';
import { LeaseLostError, type ExceptionStore, type JobLock, type JobState } from '../operations';
import type { InventoryGateway } from './inventory-gateway';
import { describeFailure } from './write-entries';

/* The inventory sync's public shapes: dependencies, options, the run summary and the one-SKU result. */

export const INVENTORY_JOB_NAME = 'inventory-sync';

/** Default job lease: renewed while the run works, so the lock of a crashed run frees within minutes. */
export const DEFAULT_INVENTORY_LEASE_MS = 2 * 60_000;

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
  /** Clarus codes two or more commercetools SKUs translate to (`sku-collision`): those SKUs were skipped. */
  collisions: number;
  /**
   * Entries left alone because they were modified after this run's Clarus read and still were after a
   * fresh read of their SKU (ADR 0007): the next run brings them to ATS.
   */
  skippedNewer: number;
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
  /** Product codes (syncProductCodes) no SKU of the catalogue translates to. */
  unmappedCodes: string[];
  /** Codes two or more SKUs translate to: reported (`sku-collision`), none of those SKUs written. */
  collisions: SkuCollision[];
  /** SKUs with an entry modified after every Clarus read of this call (ADR 0007): left to the next run. */
  skippedNewer: string[];
}

export interface SkuSyncOptions {
  /** Epoch ms by which Clarus calls must have finished (the webhook's answer budget). */
  deadline?: number;
  /**
   * Clarus reads per SKU when its entry turns out to have been written after the read (default 2: one
   * fresh re-read). Each re-read makes the value fresher than whatever was written before it.
   */
  reads?: number;
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
   * `syncSkus` for Clarus product codes (a stock webhook names a code), translated through the catalogue
   * index (`codesCatalogueIndex`: the SKUs with entries or variants among the code's candidates whose
   * forward translation is the code). A code several SKUs share raises `sku-collision` and writes nothing.
   * Bundles (BUNDLE_MODE=expand) whose components these are keep their stock until the next full run.
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

/** A summary with nothing done yet (a run that fails before it starts reports this). */
export function emptySummary(runId: string, startedAt: string): InventoryRunSummary {
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
    collisions: 0,
    skippedNewer: 0,
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
      message: `commercetools answered HTTP ${info.statusCode}: ${describeFailure(err)}`,
    };
  }
  return { reason: 'internal-error', message: 'unexpected error; see the inventory-job logs' };
}
