import type { Channel } from '@commercetools/platform-sdk';
import type { ClarusReads } from '../clarus';
import type { AppConfig } from '../config';
import type { DispatchSync } from '../fulfilment';
import type { Logger } from '../logging';
import type {
  AlertFlushResult,
  AlertSender,
  ExceptionStore,
  JobLock,
  JobState,
  PurgeReport,
} from '../operations';
import type { ExportOutcome, OrderExport, SkipCode } from '../orders';
import type { Audits, MasterDataAuditReport, StockAuditReport } from './audits';
import type { ReconciliationGateway } from './gateway';
import type { SweepWindow } from './plan';
import type { PassPosition } from './pass-checkpoint';
import type { RequestOrigins } from './request-count';

export const RECONCILIATION_JOB_NAME = 'reconciliation';
export const DEFAULT_RECONCILIATION_LEASE_MS = 2 * 60_000;
/** Orders per page of the window (orders are large documents; one page is what the pass holds). */
export const DEFAULT_RECONCILIATION_PAGE_SIZE = 200;

/** Orders named one by one in the summary (the rest are counted). */
export const LISTED_ORDERS = 50;

export interface ReconciliationDeps {
  gateway: ReconciliationGateway;
  clarus: Pick<ClarusReads, 'findGoodsOutsByReferences'>;
  orderExport: Pick<OrderExport, 'exportOrder'>;
  dispatchSync: Pick<DispatchSync, 'readGoodsOuts' | 'applyGoodsOut'>;
  audits: Pick<Audits, 'runIfDue' | 'stockAlignment' | 'masterData'>;
  exceptions: ExceptionStore;
  jobLock: JobLock;
  jobState: JobState;
  clarusChannel: () => Promise<Channel>;
  alerts: Pick<AlertSender, 'flush'>;
  config: Pick<AppConfig, 'reconciliation'>;
  logger: Logger;
  now: () => number;
  leaseMs?: number;
  /** Deletes Custom Objects past their retention (ADR 0017); absent: nothing is purged. */
  purge?: (between: () => Promise<void>) => Promise<PurgeReport>;
  /** Where commercetools and Clarus live, to count the pass's requests per order; absent: not counted. */
  requestOrigins?: RequestOrigins;
}

export interface ReconciliationRunOptions {
  /** Orders exported at once (default 4). */
  exportConcurrency?: number;
  /**
   * Time after which no new page, order, goods out or audit is started (default 20 min; Connect jobs get
   * 30). The pass then saves its position and the next run resumes there.
   */
  timeBudgetMs?: number;
  /** Time one order export may take (default 20 s, inside the 30 s export claim lease). */
  exportBudgetMs?: number;
  /** Orders per page of the window (default 200, the most commercetools returns is 500). */
  pageSize?: number;
}

export interface StepReport {
  status: 'ok' | 'failed';
  error?: string;
}

/** How a paged step went through its part of the window. */
export interface PagingReport {
  /** Pages read by this run. */
  pages: number;
  /** Orders read by this run (the window's orders: what the pass's requests are counted against). */
  ordersRead: number;
  /** Set when this run continued a pass a time budget stopped: the order id it resumed after. */
  resumedAfter?: string;
}

export interface SweepReport extends StepReport, PagingReport {
  /** Creation times swept (never before the connector was installed: the clarus-wms channel's createdAt). */
  window: SweepWindow;
  /** Orders in the window without syncInfo (not cancelled). */
  candidates: number;
  /**
   * Left alone: an open order-validation-failed, sku-unknown-to-clarus or shipping-method-unmapped
   * exception says what to fix before a resend.
   */
  withOpenException: number;
  exported: number;
  alreadyExported: number;
  invalid: number;
  /** Refused for good by Clarus or commercetools this pass: an exception names each (acknowledged, not retried). */
  rejected: number;
  inProgress: number;
  retryLater: number;
  skipped: number;
  /** Skipped orders by reason (shipped, complete, historical import, …): counted, never sent. */
  skippedBy: Partial<Record<SkipCode, number>>;
  /** Read but not started: the pass ran out of time (the next run resumes with them). */
  deferred: number;
  /** An unexpected error (a bug): recorded as order-export-failing; see the logs for the order. */
  failed: number;
  orders: {
    orderId: string;
    orderNumber?: string;
    outcome: ExportOutcome['kind'] | 'error';
    reason?: string;
  }[];
}

export interface DispatchReport extends StepReport, PagingReport {
  /** Exported, not shipped orders old enough for the catch-up or the stuck check. */
  orders: number;
  goodsOutsFound: number;
  /** Goods outs whose lines and shipments were read (COMPLETED or PICK). */
  goodsOutsRead: number;
  written: number;
  unchanged: number;
  notDispatched: number;
  rejected: number;
  retryLater: number;
  deferred: number;
  /** Orders whose dispatch was written by this pass. */
  writtenOrders: { orderId: string; orderNumber?: string; goodsOutId: number }[];
}

export interface StuckReport extends StepReport {
  stuck: number;
  raised: number;
  resolved: number;
}

export interface CleanupReport extends StepReport {
  resolved: number;
}

export type AuditStep<T> =
  | { status: 'ran'; day: string; report: T }
  | { status: 'not_due'; day: string; lastRunAt?: string }
  | { status: 'failed'; day?: string; error: string }
  | { status: 'deferred' };

/** HTTP requests the pass made (retries and token requests included), and per order of the window read. */
export interface RequestsReport {
  commercetools: number;
  clarus: number;
  /** Orders read by the sweep and the dispatch checks this run. */
  ordersRead: number;
  commercetoolsPerOrder: number;
  clarusPerOrder: number;
}

export interface ReconciliationSummary {
  runId: string;
  /**
   * `partial`: a step failed (see its `error`); the others did their work. `checkpointed`: the time budget
   * stopped the pass part-way through its window; `checkpoint` says where the next run resumes.
   */
  outcome: 'completed' | 'checkpointed' | 'partial' | 'failed';
  error?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Orders per page this run read. */
  pageSize: number;
  /** Set when this run continued a pass stopped by its time budget (its start and position). */
  resumed?: { passStartedAt: string; from: PassPosition };
  /** Where the next run resumes (saved in `clarus-jobs`), when this run stopped part-way. */
  checkpoint?: PassPosition;
  orderSweep: SweepReport;
  dispatchCatchUp: DispatchReport;
  stuckFulfilment: StuckReport;
  clearedExceptions: CleanupReport;
  /** Finished claims and resolved exceptions deleted after their retention, by container. */
  purge: StepReport & { deleted: PurgeReport };
  stockAudit: AuditStep<StockAuditReport>;
  masterDataAudit: AuditStep<MasterDataAuditReport>;
  alerts: AlertFlushResult;
  /** Absent when the job was built without request origins. */
  requests?: RequestsReport;
}

export type ReconciliationResult =
  { kind: 'skipped'; reason: 'locked' } | { kind: 'ran'; summary: ReconciliationSummary };

/** A summary with every count at zero and every step `ok` (audits `deferred` until they run). */
export function emptyPassSummary(
  runId: string,
  startedAt: number,
  window: SweepWindow,
  pageSize: number,
): ReconciliationSummary {
  const at = new Date(startedAt).toISOString();
  return {
    runId,
    outcome: 'completed',
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    pageSize,
    orderSweep: {
      status: 'ok',
      window,
      pages: 0,
      ordersRead: 0,
      candidates: 0,
      withOpenException: 0,
      exported: 0,
      alreadyExported: 0,
      invalid: 0,
      rejected: 0,
      inProgress: 0,
      retryLater: 0,
      skipped: 0,
      skippedBy: {},
      deferred: 0,
      failed: 0,
      orders: [],
    },
    dispatchCatchUp: {
      status: 'ok',
      pages: 0,
      ordersRead: 0,
      orders: 0,
      goodsOutsFound: 0,
      goodsOutsRead: 0,
      written: 0,
      unchanged: 0,
      notDispatched: 0,
      rejected: 0,
      retryLater: 0,
      deferred: 0,
      writtenOrders: [],
    },
    stuckFulfilment: { status: 'ok', stuck: 0, raised: 0, resolved: 0 },
    clearedExceptions: { status: 'ok', resolved: 0 },
    purge: { status: 'ok', deleted: {} },
    stockAudit: { status: 'deferred' },
    masterDataAudit: { status: 'deferred' },
    alerts: { exceptions: 0, outcome: 'empty' },
  };
}
