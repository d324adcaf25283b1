/*
 * Inventory at scale: SKUs × 4 channels of entries, cold (every entry missing) then warm (2 % of the SKUs
 * changed in Clarus), 20 ms per API call, the inventory job in its own process. Then a run that cannot
 * finish inside its time budget stops cleanly and the next run resumes after its checkpoint; a run killed
 * (SIGKILL) half way through its writes is followed by one that finishes, no entry written twice.
 * commercetools is the benchmark stand-in (`instruments/commercetools-standin.ts`) in front of the mock.
 */
import { seedSupplyChannels } from '../sandbox/src/fixtures/inventory';
import { startClarusSimulator } from '../sandbox/src/clarus-simulator';
import { startCommercetoolsEmulator } from '../sandbox/src/commercetools-emulator';
import { createCommercetoolsClient, JOBS_CONTAINER, loadConfig, lockKey } from '../core/src';
import { inventoryEntryKey } from '../core/src/inventory/plan';
import { startCommercetoolsStandin } from './instruments/commercetools-standin';
import { startLatencyProxy } from './lib/latency-proxy';
import { startSubject } from './lib/subject';
import { postAndWait, progress, round, sleep, type BenchMode } from './lib/util';

/**
 * `resumeShare`: SKUs changed for the stop-and-resume pair (a full-size cold run twice would take too long);
 * `killShare`: SKUs changed for the killed-at-50-% pair.
 */
const SIZES: Record<BenchMode, { skus: number; resumeShare: number; killShare: number }> = {
  // Full size skips the stop-and-resume pair (about 5 more minutes of reads): the quick run shows it.
  full: { skus: 250_000, resumeShare: 0, killShare: 0.1 },
  quick: { skus: 25_000, resumeShare: 0.5, killShare: 0.25 }, // 25 %: keeps the quick run under 5 minutes
  smoke: { skus: 500, resumeShare: 1, killShare: 1 },
};
const CHANNELS = ['ch-a', 'ch-b', 'ch-c', 'ch-d'];
const LATENCY_MS = 20;
const WRITE_CONCURRENCY = 32;
const CT_PAGE = 500;
const CLARUS_PAGE = 100;
const ENTRY = 'inventory-job/src/index.ts';

interface RunMeasure {
  outcome: string;
  wallMs: number;
  ctReads: number;
  /** Inventory queries (the catalogue scan, one cursor chain) among ctReads; the rest are variant look-ups. */
  ctScanReads: number;
  ctWrites: number;
  /** Other commercetools calls (lock, checkpoint, exceptions, channels, token), forwarded to the mock. */
  ctOther: number;
  clarusReads: number;
  peakRssMb: number;
  /** CPU of the job process (user + system), ms: robust to a busy machine, unlike wall time. */
  cpuMs: number;
  summary: Record<string, unknown>;
}

export interface InventoryResult {
  entries: number;
  changed: number;
  writes: number;
  readRatio: number;
  wallRatio: number;
  peakRssMb: number;
  resumed: boolean | null;
  detail: Record<string, number | string | boolean | undefined>;
}

export async function benchInventory(mode: BenchMode): Promise<InventoryResult> {
  // BENCH_INVENTORY_SKUS: another size with the mode's other settings (iterating on the bench itself).
  const skus = Number(process.env.BENCH_INVENTORY_SKUS) || SIZES[mode].skus;
  const { resumeShare, killShare } = SIZES[mode];
  const entries = skus * CHANNELS.length;
  const ct = await startCommercetoolsEmulator();
  const sim = await startClarusSimulator();
  // Every API call takes LATENCY_MS: answered that long after it was sent, the stand-ins' own work
  // (the simulator executing GraphQL for a page, on the benchmark's cores) included (latency-proxy.ts).
  const standin = await startCommercetoolsStandin({
    forwardTo: ct.env().CTP_API_URL!,
    latencyMs: LATENCY_MS,
    latencyModel: 'response-time',
  });
  const clarus = await startLatencyProxy(sim.url, LATENCY_MS, 'response-time');
  try {
    const baseEnv = {
      ...ct.env(),
      CLARUS_API_URL: clarus.url,
      CLARUS_SUBDOMAIN: sim.subdomain,
      CLARUS_CLIENT_ID: sim.clientId,
      CLARUS_CLIENT_SECRET: sim.clientSecret,
      CLARUS_ACCOUNT_ID: String(sim.accountId),
      CLARUS_MAX_REQUESTS_PER_SECOND: '1000',
      SAFETY_STOCK: '0',
      INVENTORY_CHANNEL_KEYS: CHANNELS.join(','),
      INVENTORY_WRITE_CONCURRENCY: String(WRITE_CONCURRENCY),
      LOG_LEVEL: 'error',
    };
    const api = createCommercetoolsClient(loadConfig(baseEnv).commercetools);
    const channelIds = (await seedSupplyChannels(api, CHANNELS)).map((c) => c.id);
    const codes = Array.from({ length: skus }, (_, i) => `INV-${String(i).padStart(7, '0')}`);
    progress(`inventory: seeding ${skus} Clarus products and stock`);
    sim.seedProducts(codes.map((code) => ({ code })));
    sim.setStock(codes.map((code, i) => ({ productCode: code, available: 5 + (i % 50) })));
    standin.setVariantSkus(codes);
    const env = (budgetSeconds?: number) => ({
      ...baseEnv,
      CTP_API_URL: standin.url,
      CTP_AUTH_URL: standin.url,
      ...(budgetSeconds ? { INVENTORY_TIME_BUDGET_SECONDS: String(budgetSeconds) } : {}),
    });

    const run = async (label: string, budgetSeconds?: number): Promise<RunMeasure> => {
      standin.reset();
      sim.resetRequests();
      const job = await startSubject(ENTRY, env(budgetSeconds), 'job');
      progress(`inventory: ${label} run (${entries} entries)`);
      const started = Date.now();
      const { body: summary } = await postAndWait(`${job.url}/inventory-sync`);
      const wallMs = Date.now() - started;
      const stats = await job.stats();
      // SIGTERM lets the job write its CPU profile (BENCH_CPU_PROF); otherwise no need to wait for it.
      await job.kill(process.env.BENCH_CPU_PROF ? 'SIGTERM' : 'SIGKILL');
      const c = standin.counts();
      const measure = {
        outcome: String(summary.outcome ?? summary.skipped),
        wallMs,
        ctReads: c.inventoryReads + c.projectionReads,
        ctScanReads: c.inventoryReads,
        ctWrites: c.inventoryWrites,
        ctOther: c.forwarded,
        clarusReads: sim.requests.length,
        peakRssMb: stats.maxRssMb,
        cpuMs: Math.round(stats.cpuMs),
        summary,
      };
      progress(`inventory: ${label}: ${JSON.stringify({ ...measure, summary: undefined })}`);
      return measure;
    };

    // BENCH_INVENTORY_WARM_ONLY=1: the stand-in starts with the entries a cold run leaves (quantity = Clarus
    // available), so the warm run (and its memory) and the killed-at-50 % pair can be measured at full size
    // in minutes; the cold run and the stop-and-resume pair (it scales its budget from the cold run) do not run.
    const warmOnly = Boolean(process.env.BENCH_INVENTORY_WARM_ONLY);
    if (warmOnly) {
      standin.seedEntries(
        channelIds.flatMap((channelId) =>
          codes.map((sku, i) => ({
            key: inventoryEntryKey(channelId, sku),
            sku,
            channelId,
            quantityOnStock: 5 + (i % 50),
          })),
        ),
      );
    }
    const cold = warmOnly ? undefined : await run('cold');
    const changedCodes = codes.filter((_, i) => i % 50 === 0);
    sim.setStock(changedCodes.map((code, i) => ({ productCode: code, available: 500 + i })));
    const warm = await run('warm (2 % changed)');

    // `resumeShare` of the SKUs change; the first run's budget is about half the time their writes take
    // (scaled from the cold run), so it stops about half way; the next run resumes after its checkpoint.
    const pair = resumeShare > 0 && cold ? await stopAndResume(cold) : undefined;
    async function stopAndResume(cold: RunMeasure) {
      const every = Math.round(1 / resumeShare);
      const resumeCodes = codes.filter((_, i) => i % every === 0);
      sim.setStock(resumeCodes.map((code, i) => ({ productCode: code, available: 1000 + (i % 70) })));
      const resumeEntries = resumeCodes.length * CHANNELS.length;
      // Reading takes about a warm run; writing everything about (cold − warm): stop half way through.
      const writeMs = Math.max(0, cold.wallMs - warm.wallMs) * resumeShare;
      const budget = Math.max(10, Math.round((warm.wallMs + writeMs / 2) / 1000));
      const stopped = await run(`budget-stopped (${budget} s budget)`, budget);
      const resumedRun = await run('resumed');
      const ok =
        stopped.outcome === 'checkpointed' &&
        resumedRun.outcome === 'finished' &&
        resumedRun.summary.resumedAfter !== undefined &&
        stopped.ctWrites + resumedRun.ctWrites === resumeEntries;
      return { stopped, resumedRun, resumeEntries, ok };
    }

    // A run killed (SIGKILL) when half the writes of `killShare` of the SKUs changed are done, then the next
    // run. The stand-in counts writes applied per entry across both: none may be written twice, and all
    // must be written. Entries written after the killed run's last checkpoint (saved every 60 s) are planned
    // again by the next run and found unchanged.
    const kill = killShare > 0 ? await killAndFinish() : undefined;
    async function killAndFinish() {
      const every = Math.round(1 / killShare);
      const killCodes = codes.filter((_, i) => i % every === 0);
      // Values no earlier change used (base 5–54, warm 500 + i up to 5,499, resume 1,000–1,069): every entry
      // of these SKUs really changes. (2,000 + i % 70 met two SKUs' warm values at full size: 8 entries that
      // needed no write, which this check then counted as lost.)
      sim.setStock(killCodes.map((code, i) => ({ productCode: code, available: 10_000 + (i % 70) })));
      const killEntries = killCodes.length * CHANNELS.length;
      standin.reset();
      standin.resetWritesPerEntry();
      sim.resetRequests();
      const job = await startSubject(ENTRY, env(), 'job');
      progress(`inventory: run to be killed at 50 % of ${killEntries} writes`);
      const answer = postAndWait(`${job.url}/inventory-sync`).then(
        () => 'answered',
        () => 'killed',
      );
      let answered = false;
      void answer.then(() => (answered = true));
      while (!answered && standin.counts().inventoryWrites < killEntries / 2) await sleep(10);
      const stats = await job.stats();
      await job.kill('SIGKILL');
      const killedAnswer = await answer;
      await sleep(2 * LATENCY_MS); // writes the stand-in received before the kill land (they were sent)
      const killedWrites = [...standin.writesPerEntry().values()].reduce((a, b) => a + b, 0);
      progress(`inventory: killed after ${killedWrites} writes applied (${killedAnswer})`);
      // The next scheduled run starts after the killed run's lease expired (it renews every few minutes).
      await expireLock();
      const next = await run('after the kill');
      const perEntry = [...standin.writesPerEntry().values()];
      const writtenTwice = perEntry.filter((n) => n > 1).length;
      const ok =
        killedAnswer === 'killed' &&
        next.outcome === 'finished' &&
        perEntry.length === killEntries &&
        writtenTwice === 0;
      return { killedWrites, killEntries, next, writtenTwice, entriesWritten: perEntry.length, ok, stats };
    }
    async function expireLock() {
      const ids = { container: JOBS_CONTAINER, key: lockKey('inventory-sync') };
      const lock = (await api.customObjects().withContainerAndKey(ids).get().execute()).body;
      const value = { ...(lock.value as Record<string, unknown>), expiresAt: new Date(0).toISOString() };
      await api
        .customObjects()
        .post({ body: { ...ids, value, version: lock.version } })
        .execute();
    }

    // The physical limit. The catalogue scan and the Clarus read are cursor chains run side by side; variant look-ups and the
    // other calls are sequential; writes run WRITE_CONCURRENCY wide.
    const sequential = (m: RunMeasure) =>
      Math.max(m.ctScanReads, m.clarusReads) + (m.ctReads - m.ctScanReads) + m.ctOther;
    const bound = (m: RunMeasure) =>
      sequential(m) * LATENCY_MS + (m.ctWrites * LATENCY_MS) / WRITE_CONCURRENCY;
    const issueBound = (m: RunMeasure) =>
      ((m.ctReads + m.ctOther + m.clarusReads + m.ctWrites) * LATENCY_MS) / WRITE_CONCURRENCY;
    const minCtReads = Math.ceil(entries / CT_PAGE);
    const minClarusReads = Math.ceil(skus / CLARUS_PAGE);
    const changedEntries = changedCodes.length * CHANNELS.length;
    return {
      entries,
      changed: changedEntries,
      writes: warm.ctWrites,
      readRatio: round(warm.ctReads / minCtReads, 3),
      wallRatio: round(Math.max(cold ? cold.wallMs / bound(cold) : 0, warm.wallMs / bound(warm)), 3),
      peakRssMb: round(
        Math.max(
          cold?.peakRssMb ?? 0,
          warm.peakRssMb,
          pair?.stopped.peakRssMb ?? 0,
          pair?.resumedRun.peakRssMb ?? 0,
          kill?.stats.maxRssMb ?? 0,
          kill?.next.peakRssMb ?? 0,
        ),
        1,
      ),
      // The stop-and-resume pair is not run at full size: see SIZES.
      resumed: pair || kill ? (pair?.ok ?? true) && (kill?.ok ?? true) : null,
      detail: {
        skus,
        channels: CHANNELS.length,
        ...(cold
          ? {
              coldWrites: cold.ctWrites,
              coldCtReads: cold.ctReads,
              coldWallMs: cold.wallMs,
              coldWallRatio: round(cold.wallMs / bound(cold), 3),
              coldWallRatioIssueFormula: round(cold.wallMs / issueBound(cold), 3),
              coldPeakRssMb: cold.peakRssMb,
              coldCpuMs: cold.cpuMs,
            }
          : { warmOnly: true }),
        warmCtReads: warm.ctReads,
        minCtReads,
        warmClarusReads: warm.clarusReads,
        minClarusReads,
        clarusReadRatio: round(warm.clarusReads / minClarusReads, 3),
        warmWallMs: warm.wallMs,
        warmWallRatio: round(warm.wallMs / bound(warm), 3),
        warmWallRatioIssueFormula: round(warm.wallMs / issueBound(warm), 3),
        warmPeakRssMb: warm.peakRssMb,
        warmCpuMs: warm.cpuMs,
        ...(pair
          ? {
              stoppedOutcome: pair.stopped.outcome,
              stoppedWrites: pair.stopped.ctWrites,
              resumeEntries: pair.resumeEntries,
              stoppedShare: round(pair.stopped.ctWrites / pair.resumeEntries, 3),
              resumedWrites: pair.resumedRun.ctWrites,
              resumedCtReads: pair.resumedRun.ctReads,
              resumedClarusReads: pair.resumedRun.clarusReads,
              resumedOutcome: pair.resumedRun.outcome,
            }
          : {}),
        ...(kill
          ? {
              killEntries: kill.killEntries,
              killedWrites: kill.killedWrites,
              killedShare: round(kill.killedWrites / kill.killEntries, 3),
              afterKillWrites: kill.next.ctWrites,
              afterKillUnchanged: Number(kill.next.summary.unchanged),
              afterKillResumedAfter: kill.next.summary.resumedAfter as string | undefined,
              afterKillWallMs: kill.next.wallMs,
              killEntriesWritten: kill.entriesWritten,
              killEntriesWrittenTwice: kill.writtenTwice,
              killOk: kill.ok,
            }
          : {}),
      },
    };
  } finally {
    await Promise.all([standin.close(), clarus.close()]);
    await Promise.all([ct.close(), sim.close()]);
  }
}
