import type { ExceptionRecord } from './exceptions';

/*
 * Pure helpers behind the exceptions list of the operations API and the Clarus WMS application: ordering,
 * search by order number or SKU, paging, and the open count per day for the 14-day chart.
 */

/** Most recent first, then by key: the JSON pages and the CSV list the same rows in the same order. */
export function byMostRecent(a: ExceptionRecord, b: ExceptionRecord): number {
  if (a.lastSeenAt !== b.lastSeenAt) return a.lastSeenAt < b.lastSeenAt ? 1 : -1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Exceptions whose order number, order id or SKU contains `search` (case-insensitive, trimmed); all of them
 * when `search` is empty. Only identifiers are searched, never the message text.
 */
export function searchExceptions(
  records: readonly ExceptionRecord[],
  search: string | undefined,
): ExceptionRecord[] {
  const needle = (search ?? '').trim().toLowerCase();
  if (!needle) return [...records];
  return records.filter((r) =>
    [r.entity.orderNumber, r.entity.sku, r.entity.id].some(
      (v) => v !== undefined && v.toLowerCase().includes(needle),
    ),
  );
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** Rows `offset` … `offset + limit - 1` and the total before paging. */
export function pageOf<T>(rows: readonly T[], offset: number, limit: number): Page<T> {
  return { total: rows.length, offset, limit, items: rows.slice(offset, offset + limit) };
}

/**
 * Open exceptions at the end of each of the last `days` UTC days (oldest first), from first-seen and
 * resolved times: a record counts on day D when it was first seen by the end of D and not resolved by then.
 * A record reopened after a resolution counts from its latest first-seen time (that is all a record keeps).
 */
export function openExceptionsByDay(
  records: readonly ExceptionRecord[],
  days: number,
  now: number,
): { date: string; open: number }[] {
  const today = new Date(now);
  const out: { date: string; open: number }[] = [];
  for (let back = days - 1; back >= 0; back--) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back));
    const date = day.toISOString().slice(0, 10);
    const end = back === 0 ? new Date(now).toISOString() : `${date}T23:59:59.999Z`;
    const open = records.filter(
      (r) =>
        r.firstSeenAt <= end && (r.status === 'open' || (r.resolvedAt !== undefined && r.resolvedAt > end)),
    ).length;
    out.push({ date, open });
  }
  return out;
}
