import { randomUUID } from 'node:crypto';
import type { Channel } from '@commercetools/platform-sdk';
import { classifyFailure, singleFlight } from '../inventory';
import { holdLease, LeaseLostError, type Lease } from '../operations';
import { MASTER_DATA_AUDIT, STOCK_AUDIT } from './audits';
import { createDispatchStage } from './dispatch-check';
import { checkpointAt, parseCheckpoint, planRun, type PassPosition, type RunPlan } from './pass-checkpoint';
import {
  DEFAULT_RECONCILIATION_LEASE_MS,
  DEFAULT_RECONCILIATION_PAGE_SIZE,
  emptyPassSummary,
  RECONCILIATION_JOB_NAME,
  type AuditStep,
  type ReconciliationDeps,
  type ReconciliationResult,
  type ReconciliationRunOptions,
  type ReconciliationSummary,
  type StepReport,
} from './pass-types';
import { dispatchWindowStart, sinceInstalled, sweepWindow } from './plan';
import { walkWindow } from './read-orders';
import { countRequests } from './request-count';
import { createPassRecorder } from './record';
import { createSweepStage } from './sweep';

export * from './pass-types';

/*
 * One reconciliation pass, the safety net between commercetools and Clarus:
 *   lock → checkpoint → order sweep (orders that never reached Clarus, exported through the event app's use
 *   case) → dispatch catch-up (dispatches whose webhook never came, applied through the webhook's use case)
 *   and stuck fulfilment → exceptions whose condition cleared → purge → daily audits (stock alignment, SKU
 *   master data) → alerts → summary → release.
 * The two order steps stream their windows (read-orders.ts): a page is read, planned, acted on and recorded
 * (sweep.ts, dispatch-check.ts) before the next is read, so memory does not grow with the window. A pass the
 * time budget stops saves its position (pass-checkpoint.ts) and the next run resumes there.
 * Steps are independent: one failing (Clarus down) is reported and the others still run.
 */

export function createReconciliation(deps: ReconciliationDeps) {
  const { logger, gateway } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_RECONCILIATION_LEASE_MS;
  const config = deps.config.reconciliation;
  const iso = (ms: number) => new Date(ms).toISOString();
  const sweepStage = createSweepStage(deps);
  const recorder = createPassRecorder(deps);
  const { clearOrderExceptions, finish, swallow } = recorder;
  const dispatchStage = createDispatchStage({ ...deps, config });

  async function run(options: ReconciliationRunOptions = {}): Promise<ReconciliationResult> {
    const runId = randomUUID();
    const startedAt = deps.now();
    const deadline = startedAt + (options.timeBudgetMs ?? 20 * 60_000);
    const pageSize = options.pageSize ?? DEFAULT_RECONCILIATION_PAGE_SIZE;
    const summary = emptyPassSummary(runId, startedAt, sweepWindow(startedAt, config), pageSize);
    const requests = deps.requestOrigins ? countRequests(deps.requestOrigins) : undefined;

    let lease: Lease | null;
    try {
      lease = await deps.jobLock.acquire(RECONCILIATION_JOB_NAME, {
        holder: `reconciliation-job:${runId}`,
        leaseMs,
      });
    } catch (err) {
      summary.outcome = 'failed';
      summary.error = `could not take the job lock: ${classifyFailure(err).message}`;
      return { kind: 'ran', summary: await finish(summary, startedAt, false, requests) };
    }
    if (!lease) {
      requests?.stop();
      logger.info('reconciliation skipped: another pass holds the lock');
      return { kind: 'skipped', reason: 'locked' };
    }
    logger.info('reconciliation started', { runId });

    const held = holdLease(deps.jobLock, lease, { leaseMs, now: deps.now, logger });
    // Export workers renew side by side: one renewal at a time (two at once conflict on the lease's version).
    const keepAlive = singleFlight(held.keepAlive);
    const overBudget = () => deps.now() >= deadline;
    let stoppedAt: PassPosition | undefined;
    let plan: (RunPlan & { stored: boolean }) | undefined;
    /** Steps that went through (the rest of) their window this run; one that threw keeps its saved position. */
    const through = { sweep: false, dispatch: false };

    try {
      const channel = await deps.clarusChannel();
      plan = await readPlan(startedAt, channel);
      summary.orderSweep.window = plan.sweepWindow;
      if (plan.resumed) summary.resumed = { passStartedAt: plan.passStartedAt, from: plan.resumed };
      const save = savePosition(plan);
      const walk = { pageSize, overBudget, between: keepAlive };

      through.sweep = plan.sweep.skip;
      if (!plan.sweep.skip) {
        const report = summary.orderSweep;
        if (plan.sweep.after) report.resumedAfter = plan.sweep.after;
        await step(report, async () => {
          const ctx = {
            channelId: channel.id,
            openByOrderId: await sweepStage.openBlocking(),
            exportConcurrency: options.exportConcurrency ?? 4,
            exportBudgetMs: options.exportBudgetMs ?? 20_000,
            overBudget,
            keepAlive,
          };
          const window = plan!.sweepWindow;
          const result = await walkWindow(
            (after, limit) => gateway.ordersWithoutExport(window, channel.id, { after, limit }),
            { ...walk, ...(plan!.sweep.after ? { after: plan!.sweep.after } : {}) },
            (page) => sweepStage.sweepPage(counted(report, page), report, ctx),
            (afterId) => save({ stage: 'sweep', afterId }),
          );
          sweepStage.finishSweep(report);
          through.sweep = result.completed;
          if (!result.completed) stoppedAt = { stage: 'sweep', ...pick(result.afterId) };
        });
      }

      if (!stoppedAt) {
        const report = summary.dispatchCatchUp;
        if (plan.dispatch.after) report.resumedAfter = plan.dispatch.after;
        await step(report, async () => {
          const ctx = {
            channelId: channel.id,
            open: await dispatchStage.openExceptions(),
            overBudget,
            keepAlive,
          };
          const from = plan!.dispatchFrom;
          const result = await walkWindow(
            (after, limit) => gateway.exportedNotShipped(from, channel.id, { after, limit }),
            { ...walk, ...(plan!.dispatch.after ? { after: plan!.dispatch.after } : {}) },
            (page, range) =>
              dispatchStage.checkPage(counted(report, page), range, report, summary.stuckFulfilment, ctx),
            (afterId) => save({ stage: 'dispatch', afterId }),
          );
          dispatchStage.finishDispatch(report, summary.stuckFulfilment);
          through.dispatch = result.completed;
          if (!result.completed) stoppedAt = { stage: 'dispatch', ...pick(result.afterId) };
        });
        if (summary.dispatchCatchUp.status === 'failed') {
          summary.stuckFulfilment.status = 'failed';
          summary.stuckFulfilment.error = 'not checked: the dispatch read failed';
        }
      }

      await step(summary.clearedExceptions, () => clearOrderExceptions(summary.clearedExceptions, channel));
      await step(summary.purge, async () => {
        if (deps.purge) summary.purge.deleted = await deps.purge(keepAlive);
      });
      summary.stockAudit = await audit(STOCK_AUDIT, () => deps.audits.stockAlignment(keepAlive), overBudget);
      summary.masterDataAudit = await audit(
        MASTER_DATA_AUDIT,
        () => deps.audits.masterData(keepAlive),
        overBudget,
      );
    } catch (err) {
      summary.outcome = 'failed';
      summary.error = err instanceof LeaseLostError ? err.message : classifyFailure(err).message;
      if (!(err instanceof LeaseLostError) && classifyFailure(err).reason === 'internal-error') {
        logger.error('reconciliation failed unexpectedly', { error: err });
      }
    }
    if (summary.outcome !== 'failed') {
      const failed = [
        summary.orderSweep,
        summary.dispatchCatchUp,
        summary.stuckFulfilment,
        summary.clearedExceptions,
        summary.purge,
        summary.stockAudit,
        summary.masterDataAudit,
      ].some((s) => s.status === 'failed');
      summary.outcome = failed ? 'partial' : stoppedAt ? 'checkpointed' : 'completed';
    }
    if (!held.lost && plan) await recordPosition(summary, plan, stoppedAt, through);
    await finish(summary, startedAt, !held.lost, requests);
    await held.release();
    return { kind: 'ran', summary };

    /** Runs a step; a failure is recorded on it (a lost lease ends the pass). */
    async function step(report: StepReport, work: () => Promise<void>): Promise<void> {
      try {
        await work();
      } catch (err) {
        if (err instanceof LeaseLostError) throw err;
        const { reason, message } = classifyFailure(err);
        report.status = 'failed';
        report.error = message;
        if (reason === 'internal-error')
          logger.error('reconciliation step failed unexpectedly', { error: err });
        else logger.warn('reconciliation step failed', { reason, message });
      }
    }

    async function audit<T>(
      name: typeof STOCK_AUDIT | typeof MASTER_DATA_AUDIT,
      work: () => Promise<T>,
      over: () => boolean,
    ): Promise<AuditStep<T>> {
      if (over()) return { status: 'deferred' };
      try {
        return await deps.audits.runIfDue(name, work);
      } catch (err) {
        if (err instanceof LeaseLostError) throw err;
        const { reason, message } = classifyFailure(err);
        if (reason === 'internal-error')
          logger.error('audit failed unexpectedly', { audit: name, error: err });
        else logger.warn('audit failed; it runs again on the next pass', { audit: name, reason, message });
        return { status: 'failed', error: message };
      }
    }
  }

  // ---- checkpoint ---------------------------------------------------------------------------------

  /** This run's windows and starting points: the checkpointed pass's, or a new pass's. */
  async function readPlan(startedAt: number, channel: Channel): Promise<RunPlan & { stored: boolean }> {
    let stored: unknown;
    try {
      stored = (await deps.jobState.getCheckpoint<unknown>(RECONCILIATION_JOB_NAME))?.data;
    } catch (err) {
      logger.warn('could not read the reconciliation checkpoint; starting a new pass', {
        error: classifyFailure(err).message,
      });
    }
    const checkpoint = parseCheckpoint(stored);
    if (stored !== undefined && !checkpoint) logger.warn('ignoring an unreadable reconciliation checkpoint');
    const plan = planRun(
      {
        startedAt: iso(startedAt),
        sweepWindow: sinceInstalled(sweepWindow(startedAt, config), channel.createdAt),
        dispatchFrom: dispatchWindowStart(startedAt, config),
      },
      checkpoint,
      config.lookbackHours,
    );
    // `stored`: a checkpoint is there, used or not (stale, unreadable): the pass clears it when it ends.
    return { ...plan, stored: stored !== undefined };
  }

  /** Saves the position after each page, so a run cut short (time budget, crash) loses at most a page. */
  function savePosition(plan: RunPlan) {
    return (position: PassPosition) =>
      swallow('save the reconciliation checkpoint', () =>
        deps.jobState.saveCheckpoint(RECONCILIATION_JOB_NAME, checkpointAt(plan, position)),
      );
  }

  /** After the run: the position to resume from, or no checkpoint once the pass went through its windows. */
  async function recordPosition(
    summary: ReconciliationSummary,
    plan: RunPlan & { stored: boolean },
    stoppedAt: PassPosition | undefined,
    through: { sweep: boolean; dispatch: boolean },
  ): Promise<void> {
    if (stoppedAt) {
      summary.checkpoint = stoppedAt;
      await swallow('save the reconciliation checkpoint', () =>
        deps.jobState.saveCheckpoint(RECONCILIATION_JOB_NAME, checkpointAt(plan, stoppedAt)),
      );
      return;
    }
    // A read that failed part-way keeps the position of its last page: the next run continues there.
    if (!through.sweep || !through.dispatch) return;
    // A checkpoint exists only when a page was saved (a window of more than one page) or one was there.
    if (summary.orderSweep.pages + summary.dispatchCatchUp.pages > 2 || plan.stored) {
      await swallow('clear the reconciliation checkpoint', () =>
        deps.jobState.clearCheckpoint(RECONCILIATION_JOB_NAME),
      );
    }
  }

  return { run };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

const pick = (afterId: string | undefined) => (afterId !== undefined ? { afterId } : {});

/** Counts a page on its step's report as it is handed over (kept when a later page fails). */
function counted<T>(report: { pages: number; ordersRead: number }, page: T[]): T[] {
  report.pages += 1;
  report.ordersRead += page.length;
  return page;
}
