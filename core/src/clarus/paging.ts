import { ClarusPartialReadError, ClarusUnexpectedResponseError } from './errors';
import { isRecord } from './transport';

/** One page of a relay connection as Clarus sent it, checked for shape (nodes as sent: ids are strings). */
export interface ConnectionPage {
  nodes: Record<string, unknown>[];
  hasNextPage: boolean;
  /** `pageInfo.endCursor`, else the last edge's cursor; null when neither is there. */
  endCursor: string | null;
  /** Whether the answer carried `pageInfo` at all. */
  hasPageInfo: boolean;
}

/**
 * Reads `data.<list>.all` of a GraphQL answer. Throws `ClarusUnexpectedResponseError` when the connection,
 * its `edges` array or an edge's `node` is missing: a node dropped silently would make the list look
 * shorter than it is.
 */
export function readConnection(data: Record<string, unknown>, list: string): ConnectionPage {
  const operation = { operation: `POST /graphql ${list}` };
  const resource = data[list];
  const connection = isRecord(resource) ? resource.all : undefined;
  if (!isRecord(connection)) throw new ClarusUnexpectedResponseError(operation, `no ${list}.all connection`);
  if (!Array.isArray(connection.edges)) {
    throw new ClarusUnexpectedResponseError(operation, `no edges array in ${list}.all`);
  }
  const edges = connection.edges as unknown[];
  const nodes = edges.map((edge, i) => {
    const node = isRecord(edge) ? edge.node : undefined;
    if (!isRecord(node))
      throw new ClarusUnexpectedResponseError(operation, `edge ${i} of ${list} has no node`);
    return node;
  });
  const pageInfo = isRecord(connection.pageInfo) ? connection.pageInfo : undefined;
  const last = edges.at(-1);
  const lastCursor = isRecord(last) && typeof last.cursor === 'string' ? last.cursor : null;
  return {
    nodes,
    hasNextPage: pageInfo?.hasNextPage === true,
    endCursor: typeof pageInfo?.endCursor === 'string' ? pageInfo.endCursor : lastCursor,
    hasPageInfo: pageInfo !== undefined,
  };
}

/** What paging has seen so far (the caller keeps it across pages). */
export interface PagingState {
  list: string;
  /** `first` asked for. */
  pageSize: number;
  /** The cursor this page was asked for with (`after`), undefined for the first page. */
  after: string | undefined;
  /** Every cursor a page of this read has ended on so far. */
  seenCursors: Set<string>;
  /** Nodes read before this page. */
  nodesRead: number;
}

/**
 * Decides whether a page ends the list, continues it, or proves the read cannot be completed.
 * Returns the cursor to ask for next, or null when the list is complete. Throws `ClarusPartialReadError`
 * when more is announced but cannot be reached (cursor missing, stalled or repeated, an empty page), or
 * when a full page comes without `pageInfo` (whether more follow cannot be told). A short page without
 * `pageInfo` is the last one: Clarus had fewer nodes than asked for.
 */
export function nextCursor(page: ConnectionPage, state: PagingState): string | null {
  const fail = (reason: ClarusPartialReadError['reason']) => {
    throw new ClarusPartialReadError(
      { operation: `POST /graphql ${state.list}` },
      state.list,
      reason,
      state.nodesRead + page.nodes.length,
    );
  };
  if (!page.hasPageInfo) {
    if (page.nodes.length >= state.pageSize) fail('page_info_missing');
    return null;
  }
  if (!page.hasNextPage) return null;
  if (page.endCursor === null) return fail('cursor_missing');
  if (page.nodes.length === 0) return fail('empty_page');
  if (page.endCursor === state.after) return fail('cursor_stalled');
  if (state.seenCursors.has(page.endCursor)) return fail('cursor_repeated');
  return page.endCursor;
}
