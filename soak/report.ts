import { CHECKS } from './context';
import type { SeedResult } from './scenario';

/** How many violations of each check are printed in full (the rest are counted). */
const SHOWN = 8;

/** The summary: per seed, what was driven, which faults fired, outcomes, and each invariant's result. */
export function formatSummary(
  results: SeedResult[],
  durationMs: number,
): { text: string; passed: number; failed: number } {
  const lines: string[] = [];
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const fmt = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    lines.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  };
  const seeds = results.map((r) => `seed ${r.seed}`);
  const column = (pick: (r: SeedResult) => number | string) => results.map((r) => String(pick(r)));

  lines.push('', `Fault-matrix soak: ${results.length} seed(s), ${(durationMs / 1000).toFixed(1)} s`, '');
  table(
    ['driven', ...seeds],
    [
      ['orders placed', ...column((r) => r.orders)],
      ['messages published', ...column((r) => r.deliveries.published)],
      ['deliveries (incl. redeliveries)', ...column((r) => r.deliveries.deliveries)],
      ['  acknowledged', ...column((r) => r.deliveries.acked)],
      ['  nacked', ...column((r) => r.deliveries.nacked)],
      ['  duplicate copies', ...column((r) => r.deliveries.duplicates)],
      ['  delivered concurrently (pairs)', ...column((r) => r.deliveries.concurrent)],
      ['seconds', ...column((r) => (r.durationMs / 1000).toFixed(1))],
    ],
  );
  lines.push('');
  const faultNames = [...new Set(results.flatMap((r) => [...r.faults.keys()]))].sort();
  table(
    ['faults fired', ...seeds],
    faultNames.map((f) => [f, ...column((r) => r.faults.get(f) ?? 0)]),
  );
  lines.push('');
  const sceneNames = [...new Set(results.flatMap((r) => [...r.scenes.keys()]))].sort();
  table(
    ['scenes', ...seeds],
    sceneNames.map((s) => [s, ...column((r) => r.scenes.get(s) ?? 0)]),
  );
  lines.push('');
  table(
    ['outcomes', ...seeds],
    [
      ['orders with a live goods out', ...column((r) => r.outcomes.exported)],
      ['orders with an open exception', ...column((r) => r.outcomes.openException)],
      ['orders cancelled', ...column((r) => r.outcomes.cancelled)],
      ['historical imports', ...column((r) => r.outcomes.historical)],
      ['goods outs in our account', ...column((r) => r.outcomes.goodsOuts)],
      ...[...new Set(results.flatMap((r) => Object.keys(r.outcomes.byStatus)))]
        .sort()
        .map((s) => [`  ${s}`, ...column((r) => r.outcomes.byStatus[s] ?? 0)]),
      ['shipments dispatched', ...column((r) => r.outcomes.dispatchedShipments)],
    ],
  );
  lines.push('');
  let passed = 0;
  let failed = 0;
  table(
    ['invariant', ...seeds],
    CHECKS.map((name) => [
      name,
      ...results.map((r) => {
        const v = r.checks.find((c) => c.name === name)?.violations ?? [];
        if (v.length) failed += 1;
        else passed += 1;
        return v.length ? `FAIL (${v.length})` : 'pass';
      }),
    ]),
  );
  for (const r of results) {
    if (r.missing.length)
      lines.push('', `seed ${r.seed}: not exercised (simulator lacks): ${r.missing.join(', ')}`);
    for (const check of r.checks) {
      if (!check.violations.length) continue;
      lines.push('', `seed ${r.seed} ✗ ${check.name} (${check.violations.length}):`);
      for (const v of check.violations.slice(0, SHOWN)) lines.push(`  - ${v}`);
      if (check.violations.length > SHOWN) lines.push(`  … and ${check.violations.length - SHOWN} more`);
    }
  }
  lines.push('');
  return { text: lines.join('\n'), passed, failed };
}
