import { dateText } from './format';

/*
 * Pure: the inventory job's run summary (core `InventoryRunSummary`, answered by
 * GET /ops/jobs/inventory/last-run) in words operations and finance read: a few facts with plain labels,
 * the rest (internal counters, fields this UI does not know yet) as details.
 */

/** One labelled fact, e.g. `{ label: 'Took', value: '42 s' }`. */
export interface RunFact {
  label: string;
  value: string;
}

/** "850 ms", "42 s", "3 min 5 s", "1 h 2 min" from milliseconds. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const min = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${min ? ` ${min} min` : ''}`;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
/** A count given as a number or as the list of SKUs (`notHeld`/`notSold` of the one-SKU path). */
const count = (v: unknown): number | undefined => (Array.isArray(v) ? v.length : num(v));
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function outcomeText(s: Record<string, unknown>): string {
  const message = str(s.message);
  switch (s.outcome) {
    case 'finished':
      return 'Finished';
    case 'checkpointed':
      return `Stopped at its time budget; the next run carries on${str(s.checkpoint) ? ` after ${String(s.checkpoint)}` : ''}`;
    case 'failed':
      return `Failed${message ? `: ${message}` : str(s.reason) ? ` (${String(s.reason)})` : ''}`;
    default:
      return str(s.outcome) ?? 'Unknown';
  }
}

/** Plain labels of the fields shown under "details" (anything else keeps its own name there). */
const DETAIL_LABELS: Record<string, string> = {
  runId: 'Run id',
  finishedAt: 'Ended',
  channels: 'Channels',
  resumedAfter: 'Started after SKU',
  checkpoint: 'Last SKU done',
  reason: 'Failure kind',
  clarusBalances: 'Clarus stock rows read',
  skusRead: 'SKUs with Clarus stock',
  bundles: 'Bundles (stock from components)',
  batches: 'Batches',
  inFlightOrders: 'Orders not yet in Clarus (stock held back)',
  unchanged: 'Entries already right',
};

/** Fields the summary facts already say. */
const SHOWN = new Set([
  'startedAt',
  'outcome',
  'message',
  'durationMs',
  'created',
  'updated',
  'skusInScope',
  'skusProcessed',
  'notHeld',
  'notSold',
  'unmappedCodes',
  'collisions',
  'skippedNewer',
  'failed',
  'exceptionsRaised',
  'exceptionsResolved',
]);

/**
 * The summary as facts (when, how long, outcome, entries written, SKUs Clarus does not hold / not sold,
 * values left to the next run, errors) and details (every other field with a plain label where known).
 * `savedAt` stands in for the start when the summary has none. Counts absent from the summary are left out.
 */
export function inventoryRunFacts(
  summary: Record<string, unknown>,
  savedAt: string,
): { facts: RunFact[]; details: RunFact[] } {
  const s = summary;
  const facts: RunFact[] = [{ label: 'Ran', value: dateText(str(s.startedAt) ?? savedAt) }];
  const add = (label: string, value: number | undefined, text: (n: number) => string = String) => {
    if (value !== undefined) facts.push({ label, value: text(value) });
  };
  add('Took', num(s.durationMs), durationText);
  facts.push({ label: 'Outcome', value: outcomeText(s) });
  if (num(s.updated) !== undefined || num(s.created) !== undefined)
    facts.push({
      label: 'Stock entries written',
      value: `${num(s.updated) ?? 0} updated, ${num(s.created) ?? 0} created`,
    });
  if (num(s.skusProcessed) !== undefined)
    facts.push({
      label: 'SKUs checked',
      value: `${num(s.skusProcessed)}${num(s.skusInScope) !== undefined ? ` of ${num(s.skusInScope)}` : ''}`,
    });
  add('SKUs Clarus does not hold (set to 0)', count(s.notHeld));
  add('SKUs Clarus holds but no channel sells', count(s.notSold));
  add('Clarus products no SKU maps to', num(s.unmappedCodes));
  add('Clarus products several SKUs map to (not written)', num(s.collisions));
  add('Left to the next run (a fresher value was written meanwhile)', num(s.skippedNewer));
  const failed = num(s.failed);
  const raised = num(s.exceptionsRaised);
  if (failed !== undefined || raised !== undefined)
    facts.push({
      label: 'Errors',
      value: `${failed ?? 0} ${failed === 1 ? 'entry' : 'entries'} not written; ${raised ?? 0} exceptions raised, ${num(s.exceptionsResolved) ?? 0} resolved`,
    });
  const details = Object.entries(s)
    .filter(([k]) => !SHOWN.has(k))
    .map(([k, v]) => ({
      label: DETAIL_LABELS[k] ?? k,
      value:
        k === 'finishedAt' && typeof v === 'string'
          ? dateText(v)
          : Array.isArray(v)
            ? v.join(', ')
            : typeof v === 'object' && v !== null
              ? JSON.stringify(v)
              : String(v),
    }));
  return { facts, details };
}
