/** A string literal for a commercetools query predicate. */
export function predicateString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** commercetools refuses an offset above 10,000. */
export const MAX_QUERY_OFFSET = 10_000;

export interface PageRequest {
  where: string[];
  limit: number;
  offset: number;
  sort: 'id asc';
}

/**
 * Every result of a query, page by page. Offset paging (sorted by id) while the offset stays within the API's
 * 10,000 cap, then id-cursor paging (`id > "<largest id so far>"`) for what lies beyond. Offset paging first
 * because emulators that ignore `sort` still return a stable order, so the common sizes page correctly
 * everywhere; beyond 10,000 only the real API (which sorts) is involved.
 */
export async function forEachPage<T extends { id: string }>(
  fetchPage: (request: PageRequest) => Promise<T[]>,
  options: { where: string[]; pageSize?: number; between?: () => Promise<void> },
  onPage: (page: T[]) => void | Promise<void>,
): Promise<void> {
  const limit = options.pageSize ?? 500;
  let offset = 0;
  let cursor: string | undefined;
  for (;;) {
    const where =
      cursor === undefined ? options.where : [...options.where, `id > ${predicateString(cursor)}`];
    const page = await fetchPage({ where, limit, offset: cursor === undefined ? offset : 0, sort: 'id asc' });
    await onPage(page);
    if (page.length < limit) return;
    if (cursor === undefined && offset + 2 * limit <= MAX_QUERY_OFFSET) offset += limit;
    else cursor = page.reduce((max, r) => (r.id > max ? r.id : max), cursor ?? page[0]!.id);
    await options.between?.();
  }
}
