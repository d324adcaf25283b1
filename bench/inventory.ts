/*
 * Inventory at scale: SKUs × 4 channels of entries, cold (every entry missing) then warm (2 % of the SKUs
 * changed in Clarus), 20 ms per API call, the inventory job in its own process. Then a run that cannot
 * finish inside its time budget stops cleanly and the next run resumes after its checkpoint.
 * commercetools is the benchmark stand-in (`instruments/commercetools-standin.ts`) in front of the mock.
 */
import { seedSupplyChannels } from '../sandbox/src/fixtures/inventory';
import { startClarusSimulator } from '../sandbox/src/clarus-simulator';
import { startCommercetoolsEmulator } from '../sandbox/src/commercetools-emulator';
import { createCommercetoolsClient, loadConfig } from '../core/src';
import { startCommercetoolsStandin } from './instruments/commercetools-standin';
import { startSubject } from './lib/subject';
import { postAndWait, progress, round, type BenchMode } from './lib/util';

/** `resumeShare`: SKUs changed for the stop-and-resume pair (a full-size cold run twice would take too long). */
const SIZES: Record<BenchMode, { skus: number; resumeShare: number }> = {
  // Full size skips the stop-and-resume pair (about 5 more minutes of reads): the quick run shows it.
  full: { skus: 250_000, resumeShare: 0 },
  quick: { skus: 25_000, resumeShare: 0.5 },
  smoke: { skus: 500, resumeShare: 1 },
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
  const { skus, resumeShare } = SIZES[mode];
  const entries = skus * CHANNELS.length;
  const ct = await startCommercetoolsEmulator();
  const sim = await startClarusSimulator();
  const standin = await startCommercetoolsStandin({
    forwardTo: ct.env().CTP_API_URL!,
    latencyMs: LATENCY_MS,
  });
  try {
    const baseEnv = {
      ...ct.env(),
      CLARUS_API_URL: sim.url,
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
    await seedSupplyChannels(api, CHANNELS);
    const codes = Array.from({ length: skus }, (_, i) => `INV-${String(i).padStart(7, '0')}`);
    progress(`inventory: seeding ${skus} Clarus products and stock`);
    sim.seedProducts(codes.map((code) => ({ code })));
    sim.setStock(codes.map((code, i) => ({ productCode: code, available: 5 + (i % 50) })));
    standin.setVariantSkus(codes);
    sim.injectFault({ kind: 'latency', ms: LATENCY_MS });
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
      await job.kill();
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
        summary,
      };
      progress(`inventory: ${label}: ${JSON.stringify({ ...measure, summary: undefined })}`);
      return measure;
    };

    const cold = await run('cold');
    const changedCodes = codes.filter((_, i) => i % 50 === 0);
    sim.setStock(changedCodes.map((code, i) => ({ productCode: code, available: 500 + i })));
    const warm = await run('warm (2 % changed)');

    // `resumeShare` of the SKUs change; the first run's budget is about half the time their writes take
    // (scaled from the cold run), so it stops about half way; the next run resumes after its checkpoint.
    const pair = resumeShare > 0 ? await stopAndResume() : undefined;
    async function stopAndResume() {
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
      wallRatio: round(Math.max(cold.wallMs / bound(cold), warm.wallMs / bound(warm)), 3),
      peakRssMb: round(
        Math.max(
          cold.peakRssMb,
          warm.peakRssMb,
          pair?.stopped.peakRssMb ?? 0,
          pair?.resumedRun.peakRssMb ?? 0,
        ),
        1,
      ),
      // Not measured at full size (null): see SIZES.
      resumed: pair ? pair.ok : null,
      detail: {
        skus,
        channels: CHANNELS.length,
        coldWrites: cold.ctWrites,
        coldCtReads: cold.ctReads,
        coldWallMs: cold.wallMs,
        coldWallRatio: round(cold.wallMs / bound(cold), 3),
        coldWallRatioIssueFormula: round(cold.wallMs / issueBound(cold), 3),
        warmCtReads: warm.ctReads,
        minCtReads,
        warmClarusReads: warm.clarusReads,
        minClarusReads,
        clarusReadRatio: round(warm.clarusReads / minClarusReads, 3),
        warmWallMs: warm.wallMs,
        warmWallRatio: round(warm.wallMs / bound(warm), 3),
        warmWallRatioIssueFormula: round(warm.wallMs / issueBound(warm), 3),
        warmPeakRssMb: warm.peakRssMb,
        coldPeakRssMb: cold.peakRssMb,
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
      },
    };
  } finally {
    await standin.close();
    await Promise.all([ct.close(), sim.close()]);
  }
}
