import { ClarusUnexpectedResponseError } from './errors';
import { nextCursor, readConnection } from './paging';
import { CLARUS_LIST_FILTER_TYPES, type ClarusFilter, type ClarusList } from './types';

/** One list of a multi-list read: its node selection and filter (already account-scoped by the caller). */
export interface ListPart {
  list: ClarusList;
  fields: string;
  filter?: ClarusFilter;
}

/** The first page of one list of a multi-list read, and whether it was the whole list. */
export interface FirstPage {
  /** Nodes as Clarus sent them (ids are strings): callers validate and map. */
  nodes: Record<string, unknown>[];
  /** False when Clarus announced more pages: read the list on with its own paged read. */
  complete: boolean;
}

/**
 * Pure: one GraphQL operation selecting the first page of several lists, each list as its own root field
 * (`<list> { all(filter: $f<i>, first: $first) { … } }`), with the same connection selection as a paged
 * read (`graphql.ts#paginate`). clarus-api.json documents every list as a root field of `POST /graphql`, and
 * a GraphQL operation may select several root fields; nothing beyond the documented lists, filters and node
 * fields is asked for. Throws a `RangeError` when a list appears twice (its root fields would conflict).
 */
export function multiListQuery(
  parts: readonly ListPart[],
  first: number,
): { query: string; variables: Record<string, unknown> } {
  const seen = new Set<ClarusList>();
  for (const { list } of parts) {
    if (seen.has(list)) throw new RangeError(`multi-list read names ${list} twice`);
    seen.add(list);
  }
  const declarations = parts.map((p, i) => `$f${i}: ${CLARUS_LIST_FILTER_TYPES[p.list]}`);
  const selections = parts.map(
    (p, i) =>
      `${p.list} { all(filter: $f${i}, first: $first) { edges { cursor node { ${p.fields} } } ` +
      `pageInfo { hasNextPage endCursor } } }`,
  );
  const variables: Record<string, unknown> = { first };
  parts.forEach((p, i) => {
    variables[`f${i}`] = p.filter;
  });
  return {
    query: `query(${[...declarations, '$first: Int'].join(', ')}) { ${selections.join(' ')} }`,
    variables,
  };
}

/**
 * Pure: each list's first page from the answer `data` of a `multiListQuery`, checked like a page of a paged
 * read (`paging.ts`): a missing connection or node throws `ClarusUnexpectedResponseError`, a first page that
 * proves the list unreadable (more announced without a cursor, a full page without `pageInfo`) throws
 * `ClarusPartialReadError`.
 */
export function firstPages(
  data: unknown,
  parts: readonly ListPart[],
  first: number,
): Map<ClarusList, FirstPage> {
  if (data === null || typeof data !== 'object') {
    throw new ClarusUnexpectedResponseError({ operation: 'POST /graphql' }, 'no data in the GraphQL answer');
  }
  const out = new Map<ClarusList, FirstPage>();
  for (const { list } of parts) {
    const page = readConnection(data as Record<string, unknown>, list);
    const next = nextCursor(page, {
      list,
      pageSize: first,
      after: undefined,
      seenCursors: new Set(),
      nodesRead: 0,
    });
    out.set(list, { nodes: page.nodes, complete: next === null });
  }
  return out;
}
