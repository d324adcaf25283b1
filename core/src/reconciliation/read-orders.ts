import type { Order } from '@commercetools/platform-sdk';

/*
 * The read stage of a reconciliation step: one window of orders, page by page in id order, each page handled
 * (plan → act → record) before the next is read, so the pass holds one page whatever the window's size.
 */

/** Reads the page after `after` (`id > after`, sorted by id, at most `limit`; absent: the first page). */
export type ReadOrderPage = (after: string | undefined, limit: number) => Promise<Order[]>;

/** The id range a page covers: (after, upTo]; on the last page `upTo` is absent (the range is open). */
export interface PageRange {
  after?: string;
  upTo?: string;
  last: boolean;
}

/** What the handler of a page did: `deferredFrom` is the first order id it did not start (time budget). */
export interface PageOutcome {
  deferredFrom?: string;
}

export interface WalkResult {
  /** The whole window was handled. */
  completed: boolean;
  /** When not completed: the last order id finished (absent: nothing finished); the next run resumes after it. */
  afterId?: string;
  pages: number;
  ordersRead: number;
}

/** Pure: whether `id` lies in the page's range (string order, as commercetools sorts ids). */
export function inRange(id: string, range: Pick<PageRange, 'after' | 'upTo'>): boolean {
  return (range.after === undefined || id > range.after) && (range.upTo === undefined || id <= range.upTo);
}

/**
 * Pure: the cursor after a page: its largest id, or — when the budget stopped the page at `deferredFrom` —
 * the largest id below it (absent when none: the page's own start is the cursor).
 */
export function cursorAfter(ids: readonly string[], deferredFrom?: string): string | undefined {
  let max: string | undefined;
  for (const id of ids) {
    if (deferredFrom !== undefined && id >= deferredFrom) continue;
    if (max === undefined || id > max) max = id;
  }
  return max;
}

/**
 * Walks a window: reads a page, hands it to `handle`, saves the position, renews the lease, reads the next.
 * Stops before a page when `overBudget()` says so, or when `handle` deferred part of its page.
 * Errors of `read`, `handle` or `saveProgress` propagate (the step fails; its position was saved).
 */
export async function walkWindow(
  read: ReadOrderPage,
  options: {
    after?: string;
    pageSize: number;
    overBudget: () => boolean;
    between: () => Promise<void>;
  },
  handle: (page: Order[], range: PageRange) => Promise<PageOutcome>,
  saveProgress: (afterId: string) => Promise<void>,
): Promise<WalkResult> {
  let after = options.after;
  let pages = 0;
  let ordersRead = 0;
  const stopped = () => ({
    completed: false,
    ...(after !== undefined ? { afterId: after } : {}),
    pages,
    ordersRead,
  });
  for (;;) {
    if (options.overBudget()) return stopped();
    const page = await read(after, options.pageSize);
    pages += 1;
    ordersRead += page.length;
    const last = page.length < options.pageSize;
    const ids = page.map((o) => o.id);
    const upTo = last ? undefined : cursorAfter(ids);
    const { deferredFrom } = await handle(page, {
      ...(after !== undefined ? { after } : {}),
      ...(upTo ? { upTo } : {}),
      last,
    });
    if (deferredFrom !== undefined) {
      after = cursorAfter(ids, deferredFrom) ?? after;
      return stopped();
    }
    if (last) return { completed: true, pages, ordersRead };
    after = upTo;
    await saveProgress(after!);
    await options.between();
  }
}
