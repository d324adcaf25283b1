/**
 * `npm run bench` (full size), `npm run bench -- --quick` (about a tenth, under 5 minutes on a 2-core
 * machine), `npm run bench -- --smoke` (every benchmark tiny, about a minute: CI's check that the bench code
 * still runs; exits non-zero when a benchmark throws). `--check` also exits non-zero when a ratio of
 * issue 11 is not met. Prints a table per benchmark, progress on stderr, and as the LAST line of stdout one
 * JSON object (see docs/benchmarks.md for how to read it). Benchmarks measure; tests never depend on timing.
 */
import { readFileSync } from 'node:fs';
import { benchColdStart } from './cold-start';
import { benchDispatch } from './dispatch';
import { benchInventory } from './inventory';
import { benchOrderBurst } from './order-burst';
import { benchReconciliation } from './reconciliation';
import { benchMode, printTable, progress } from './lib/util';

type Verdict = [string, boolean];

async function main(): Promise<void> {
  const mode = benchMode();
  const started = Date.now();
  progress(`mode ${mode}`);
  // Each result also goes to stderr as soon as it is measured, so a long run that is stopped keeps them.
  const logged = async <T>(name: string, work: Promise<T>): Promise<T> => {
    const result = await work;
    progress(`${name} result ${JSON.stringify(result)}`);
    return result;
  };
  // `--skip=a,b --results-from=<stderr log>`: take those benchmarks' results from an earlier run's log (a
  // long full run that was stopped after some of them) instead of measuring them again.
  const skip = new Set(argValue('--skip')?.split(',') ?? []);
  const earlier = argValue('--results-from');
  const measure = <T>(name: string, run: () => Promise<T>): Promise<T> =>
    skip.has(name) && earlier ? Promise.resolve(resultFromLog<T>(earlier, name)) : logged(name, run());
  const burst = await measure('orderBurst', () => benchOrderBurst(mode));
  const inventory = await measure('inventory', () => benchInventory(mode));
  const dispatch = await measure('dispatch', () => benchDispatch(mode));
  const reconciliation = await measure('reconciliation', () => benchReconciliation(mode));
  const coldStartMs = await measure('coldStartMs', () => benchColdStart(mode));
  if (skip.size) progress(`taken from ${earlier}: ${[...skip].join(', ')}`);

  const { detail: b, ...orderBurst } = burst;
  const { detail: inv, ...inventoryOut } = inventory;
  const { detail: d, ...dispatchOut } = dispatch;
  const { detail: r, ...reconciliationOut } = reconciliation;
  printTable(`Order burst (${b.ordersPerPhase} orders per phase, tenant limit ${b.tenantRatePerSecond}/s)`, [
    ['exported / lost / duplicates', `${burst.exported}/${burst.lost}/${burst.duplicates}`],
    [
      'drain ratio, 1 instance',
      burst.drainRatio,
      `${b.singleDrainMs} ms vs N·k/R ${b.singleIdealMs} ms (≤ 1.15)`,
    ],
    [
      'drain ratio, 3 instances',
      burst.multiInstanceDrainRatio,
      `${b.multiDrainMs} ms vs ${b.multiIdealMs} ms (≤ 1.3)`,
    ],
    ['429 share, 3 instances', burst.rate429Share, `${b.multi429} of ${b.multiClarusRequests} (≤ 0.05)`],
    ['k, Clarus requests per order', burst.clarusRequestsPerOrder, '(≤ 1.05)'],
    ['commercetools requests per order', b.commercetoolsRequestsPerOrder!],
    ['handler CPU ms per order', burst.cpuMsPerOrder, 'zero latency (≤ 2)'],
    ['peak RSS MB', burst.peakRssMb, '(≤ 256)'],
  ]);
  printTable(`Inventory (${inv.skus} SKUs × ${inv.channels} channels)`, [
    ['entries / changed / writes', `${inventory.entries}/${inventory.changed}/${inventory.writes}`],
    ['cold: writes, wall ms, wall ratio', `${inv.coldWrites}, ${inv.coldWallMs}, ${inv.coldWallRatio}`],
    [
      'warm: commercetools reads / minimum',
      `${inv.warmCtReads}/${inv.minCtReads}`,
      `ratio ${inventory.readRatio} (≤ 1.1)`,
    ],
    [
      'warm: Clarus reads / minimum',
      `${inv.warmClarusReads}/${inv.minClarusReads}`,
      `ratio ${inv.clarusReadRatio} (≤ 1.1)`,
    ],
    ['warm: wall ms, wall ratio', `${inv.warmWallMs}, ${inv.warmWallRatio}`, '(≤ 1.2)'],
    [
      'stopped at budget: writes (share)',
      `${inv.stoppedWrites ?? '-'} (${inv.stoppedShare ?? '-'})`,
      String(inv.stoppedOutcome ?? 'not run at this size'),
    ],
    [
      'resumed: writes, outcome',
      `${inv.resumedWrites ?? '-'}, ${inv.resumedOutcome ?? '-'}`,
      `resumed ok: ${inventory.resumed}`,
    ],
    [
      'killed (SIGKILL) at 50 %: writes applied (share)',
      `${inv.killedWrites ?? '-'} of ${inv.killEntries ?? '-'} (${inv.killedShare ?? '-'})`,
    ],
    [
      'next run: writes, unchanged; entries written / twice',
      `${inv.afterKillWrites ?? '-'}, ${inv.afterKillUnchanged ?? '-'}; ${inv.killEntriesWritten ?? '-'} / ${inv.killEntriesWrittenTwice ?? '-'}`,
      `ok: ${inv.killOk ?? 'not run'}`,
    ],
    ['peak RSS MB', inventory.peakRssMb, '(≤ 1024)'],
  ]);
  printTable(`Dispatch webhooks (${dispatch.perSecond}/s, ${d.webhooks} sent, ${d.repeats} repeats)`, [
    ['p50 / p99 ms', `${d.p50Ms} / ${dispatch.p99Ms}`, '(p99 ≤ 500)'],
    ['writes caused by repeats', dispatch.duplicateWrites, '(0)'],
    ['non-2xx answers', d.non2xx!],
    ['service CPU ms per webhook', d.serviceCpuMsPerWebhook!],
    [
      'Clarus / commercetools requests per webhook',
      `${d.clarusRequestsPerWebhook} / ${d.commercetoolsRequestsPerWebhook}`,
    ],
    [
      'bench process: CPU share, loop delay p99 / max ms',
      `${d.benchCpuShare}, ${d.benchLoopDelayP99Ms} / ${d.benchLoopDelayMaxMs}`,
      `(stand-ins; ct emulator CPU share ${d.emulatorCpuShare}, machine busy ${d.machineBusyShare})`,
    ],
  ]);
  printTable(`Reconciliation (${reconciliation.orders} orders in the window)`, [
    ['wall ms', reconciliation.wallMs, String(r.outcome)],
    ['runs (stopped at budget → resumed)', String(r.runs), `resumed: ${r.resumed}`],
    [
      'peak RSS MB / peak live heap MB',
      `${reconciliation.peakRssMb} / ${r.peakLiveHeapMb}`,
      'flat in orders',
    ],
    [
      'commercetools / Clarus requests per order',
      `${r.commercetoolsRequestsPerOrder} / ${r.clarusRequestsPerOrder}`,
    ],
    ['every order exported once', String(r.everyOrderOnce), `${r.exportedBySweep} by the sweep`],
  ]);
  printTable('Cold start to first 200 on /health (ms, ≤ 1000)', Object.entries(coldStartMs));
  const verdicts: Verdict[] = [
    ['orders exactly once, none lost', burst.duplicates === 0 && burst.lost === 0],
    ['drain ≤ 1.15', burst.drainRatio <= 1.15],
    ['3-instance drain ≤ 1.3', burst.multiInstanceDrainRatio <= 1.3],
    ['429 share ≤ 5 %', burst.rate429Share <= 0.05],
    ['k ≤ 1.05', burst.clarusRequestsPerOrder <= 1.05],
    ['CPU ≤ 2 ms/order', burst.cpuMsPerOrder <= 2],
    ['event app RSS ≤ 256 MB', burst.peakRssMb <= 256],
    ['inventory writes = changed', inventory.writes === inventory.changed],
    ['inventory reads ≤ 1.1 × min', inventory.readRatio <= 1.1 && Number(inv.clarusReadRatio) <= 1.1],
    ['inventory wall ≤ 1.2 × bound', inventory.wallRatio <= 1.2],
    ['inventory RSS ≤ 1 GB', inventory.peakRssMb <= 1024],
    ['inventory resumes after a stop and a kill', inventory.resumed !== false],
    ['dispatch p99 ≤ 500 ms', dispatch.p99Ms <= 500],
    ['dispatch repeats write nothing', dispatch.duplicateWrites === 0],
    [
      'reconciliation completes (or resumes), each order once',
      r.outcome === 'completed' && r.everyOrderOnce === true,
    ],
    ['cold start ≤ 1 s', Object.values(coldStartMs).every((ms) => ms <= 1000)],
  ];
  printTable(
    `Verdicts (${mode}, ${Math.round((Date.now() - started) / 1000)} s)`,
    verdicts.map(([name, ok]) => [name, ok ? 'met' : 'NOT MET']),
  );
  console.log(
    JSON.stringify({
      orderBurst,
      inventory: inventoryOut,
      dispatch: dispatchOut,
      reconciliation: reconciliationOut,
      coldStartMs,
    }),
  );
  if (process.argv.includes('--check') && verdicts.some(([, ok]) => !ok)) process.exitCode = 2;
}

function argValue(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The last `<name> result {…}` line of a bench stderr log. */
function resultFromLog<T>(file: string, name: string): T {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.reverse().find((l) => l.includes(`] ${name} result {`));
  if (!line) throw new Error(`no ${name} result in ${file}`);
  return JSON.parse(line.slice(line.indexOf('{'))) as T;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
