import type { Logger } from '../logging';
import type { ExceptionStore, OpenExceptionCounts } from './exceptions';
import type { JobState, LastRun } from './job-state';

/*
 * The operations health report: when the jobs last ran and how that went, what is waiting, what is open,
 * and whether Clarus and commercetools answer. Every part is read independently with a short timeout: a
 * part that cannot be read says so (`error`) instead of failing the report.
 */

export interface JobRunHealth {
  /** When the last run finished (or was recorded). */
  at: string;
  startedAt?: string;
  /** `finished`, `checkpointed`, `failed`, `completed`, `partial` — as the job reports it. */
  outcome?: string;
  reason?: string;
  message?: string;
  durationMs?: number;
  /** Seconds since it finished: the lag of what it keeps in sync. */
  ageSeconds: number;
}

export interface Reachability {
  reachable: boolean;
  latencyMs: number;
  error?: string;
}

export interface WaitingOrders {
  /** Orders in the look-back window without Clarus syncInfo (not cancelled). */
  count: number;
  since: string;
  oldest: { orderId: string; orderNumber?: string; createdAt: string; ageMinutes: number } | null;
}

export interface HealthReport {
  /** `degraded`: a system is unreachable, or a job's last run failed or is missing. */
  status: 'ok' | 'degraded';
  checkedAt: string;
  inventory: { jobName: string; lastRun: JobRunHealth | null } | { jobName: string; error: string };
  reconciliation: { jobName: string; lastRun: JobRunHealth | null } | { jobName: string; error: string };
  ordersWaitingForExport: WaitingOrders | { error: string };
  exceptions: OpenExceptionCounts | { error: string };
  reachability: { clarus: Reachability; commercetools: Reachability };
  /** Why the status is degraded. */
  problems: string[];
}

export interface HealthDeps {
  jobState: Pick<JobState, 'getLastRun'>;
  exceptions: Pick<ExceptionStore, 'countsOpen'>;
  jobs: { inventory: string; reconciliation: string };
  /** Orders waiting for export since `since` (count and the oldest). */
  waitingOrders: (since: string) => Promise<{
    count: number;
    oldest?: { id: string; orderNumber?: string; createdAt: string };
  }>;
  /** RECONCILE_LOOKBACK_HOURS: the window "waiting" is counted in. */
  lookbackHours: number;
  /** A cheap read each; the report bounds them with `probeTimeoutMs`. */
  probes: { clarus: (signal: AbortSignal) => Promise<unknown>; commercetools: () => Promise<unknown> };
  probeTimeoutMs?: number;
  now: () => number;
  logger: Logger;
}

export function createHealthCheck(deps: HealthDeps) {
  const timeoutMs = deps.probeTimeoutMs ?? 3000;

  async function probe(call: (signal: AbortSignal) => Promise<unknown>): Promise<Reachability> {
    // Wall-clock timing: the injected clock may stand still in tests.
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        call(controller.signal),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`no answer within ${timeoutMs} ms`));
            controller.abort();
          }, timeoutMs);
        }),
      ]);
      return { reachable: true, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      return {
        reachable: false,
        latencyMs: Math.round(performance.now() - started),
        error: describe(err),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  const lastRunOf = async (jobName: string) => {
    try {
      const run = await deps.jobState.getLastRun<unknown>(jobName);
      return { jobName, lastRun: run ? jobRunHealth(run, deps.now()) : null };
    } catch (err) {
      return { jobName, error: describe(err) };
    }
  };

  return {
    async report(): Promise<HealthReport> {
      const now = deps.now();
      const since = new Date(now - deps.lookbackHours * 3_600_000).toISOString();
      const [inventory, reconciliation, waiting, exceptions, clarus, commercetools] = await Promise.all([
        lastRunOf(deps.jobs.inventory),
        lastRunOf(deps.jobs.reconciliation),
        deps.waitingOrders(since).then(
          (w): WaitingOrders => ({
            count: w.count,
            since,
            oldest: w.oldest
              ? {
                  orderId: w.oldest.id,
                  ...(w.oldest.orderNumber ? { orderNumber: w.oldest.orderNumber } : {}),
                  createdAt: w.oldest.createdAt,
                  ageMinutes: Math.max(0, Math.floor((now - Date.parse(w.oldest.createdAt)) / 60_000)),
                }
              : null,
          }),
          (err: unknown) => ({ error: describe(err) }),
        ),
        deps.exceptions.countsOpen().catch((err: unknown) => ({ error: describe(err) })),
        probe(deps.probes.clarus),
        probe(() => deps.probes.commercetools()),
      ]);
      const problems = healthProblems({ inventory, reconciliation, clarus, commercetools });
      if (problems.length) deps.logger.info('health degraded', { problems });
      return {
        status: problems.length ? 'degraded' : 'ok',
        checkedAt: new Date(now).toISOString(),
        inventory,
        reconciliation,
        ordersWaitingForExport: waiting,
        exceptions,
        reachability: { clarus, commercetools },
        problems,
      };
    },
  };
}

export type HealthCheck = ReturnType<typeof createHealthCheck>;

/** Pure: a stored last-run summary (any job's) → what health shows. */
export function jobRunHealth(run: LastRun<unknown>, now: number): JobRunHealth {
  const s = (run.summary ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const at = text(s.finishedAt) ?? run.savedAt;
  const durationMs = typeof s.durationMs === 'number' ? s.durationMs : undefined;
  const fields = {
    startedAt: text(s.startedAt),
    outcome: text(s.outcome),
    reason: text(s.reason),
    message: text(s.message) ?? text(s.error),
    durationMs,
  };
  return {
    at,
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    ageSeconds: Math.max(0, Math.floor((now - Date.parse(at)) / 1000)),
  };
}

/** Pure: why the report is degraded (empty = ok). */
export function healthProblems(parts: {
  inventory: { jobName: string; lastRun?: JobRunHealth | null; error?: string };
  reconciliation: { jobName: string; lastRun?: JobRunHealth | null; error?: string };
  clarus: Reachability;
  commercetools: Reachability;
}): string[] {
  const problems: string[] = [];
  if (!parts.clarus.reachable) problems.push(`Clarus unreachable: ${parts.clarus.error ?? 'no answer'}`);
  if (!parts.commercetools.reachable) {
    problems.push(`commercetools unreachable: ${parts.commercetools.error ?? 'no answer'}`);
  }
  for (const job of [parts.inventory, parts.reconciliation]) {
    if (job.error) problems.push(`${job.jobName}: last run unreadable (${job.error})`);
    else if (!job.lastRun) problems.push(`${job.jobName}: no run recorded yet`);
    else if (job.lastRun.outcome === 'failed' || job.lastRun.outcome === 'partial') {
      problems.push(
        `${job.jobName}: last run ${job.lastRun.outcome}${job.lastRun.reason ? ` (${job.lastRun.reason})` : ''}`,
      );
    }
  }
  return problems;
}

/** An error in a few words: a status and a reason, never a token or a body. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message.slice(0, 200);
  const o = err as { statusCode?: unknown; message?: unknown } | undefined;
  if (o && typeof o.statusCode === 'number') return `HTTP ${o.statusCode}`;
  return 'unknown error';
}
