import type { Logger } from '../logging';
import { ClarusGraphQLError, ClarusUnexpectedResponseError } from './errors';
import type { ApiCall } from './request';
import { nextCursor, readConnection, type PagingState } from './paging';
import { graphQLErrorsOf, isRecord } from './transport';
import {
  CLARUS_LIST_FILTER_TYPES,
  type ClarusCallOptions,
  type ClarusFilter,
  type ClarusList,
  type ClarusPage,
  type ClarusPageOptions,
} from './types';

export const DEFAULT_PAGE_SIZE = 100;

export interface ClarusGraphQL {
  /** Runs a GraphQL read (retried like every read); throws `ClarusGraphQLError` when the answer has `errors`. */
  query<T>(query: string, variables?: Record<string, unknown>, options?: ClarusCallOptions): Promise<T>;
  /**
   * Pages through `<list> { all(filter:, first:, after:) }`, one request per page, yielding each page as
   * it arrives. Nodes are returned as Clarus sends them (ids are strings): callers validate and map.
   * A read that cannot be completed throws `ClarusPartialReadError` instead of ending early (a cursor
   * that stalls, repeats or is missing while `hasNextPage` is set; a full page without `pageInfo`): see
   * `paging.ts#nextCursor`. A failed page request throws its ClarusError; it never ends the list.
   */
  paginate<TNode>(
    list: ClarusList,
    nodeFields: string,
    filter?: ClarusFilter,
    options?: ClarusPageOptions,
  ): AsyncGenerator<ClarusPage<TNode>, void, undefined>;
}

export function createGraphQL(deps: { call: ApiCall; logger: Logger; pageSize: number }): ClarusGraphQL {
  const run = async <T>(
    query: string,
    variables: Record<string, unknown> | undefined,
    options: ClarusCallOptions,
    label: string,
  ) => {
    const operation = `POST /graphql${label ? ` ${label}` : ''}`;
    const response = await deps.call(
      {
        method: 'POST',
        path: '/graphql',
        kind: 'read',
        operation,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
      },
      options,
    );
    const errors = graphQLErrorsOf(response.json);
    if (errors) throw new ClarusGraphQLError({ operation, status: response.status }, errors);
    if (!isRecord(response.json) || !isRecord(response.json.data)) {
      throw new ClarusUnexpectedResponseError(
        { operation, status: response.status },
        'no data in the GraphQL answer',
      );
    }
    return response.json.data as T;
  };

  return {
    query: (query, variables, options = {}) => run(query, variables, options, ''),

    async *paginate<TNode>(
      list: ClarusList,
      nodeFields: string,
      filter?: ClarusFilter,
      options: ClarusPageOptions = {},
    ) {
      const query =
        `query($filter: ${CLARUS_LIST_FILTER_TYPES[list]}, $first: Int, $after: String) { ${list} { ` +
        `all(filter: $filter, first: $first, after: $after) { edges { cursor node { ${nodeFields} } } ` +
        `pageInfo { hasNextPage endCursor } } } }`;
      const first = options.pageSize ?? deps.pageSize;
      const callOptions: ClarusCallOptions = { deadline: options.deadline, signal: options.signal };
      const state: PagingState = {
        list,
        pageSize: first,
        after: options.after,
        seenCursors: new Set(options.after === undefined ? [] : [options.after]),
        nodesRead: 0,
      };
      for (;;) {
        const data = await run<Record<string, unknown>>(
          query,
          { filter, first, after: state.after },
          callOptions,
          list,
        );
        const page = readConnection(data, list);
        // The page that proves the read incomplete is never yielded; callers write nothing before the last page.
        const next = nextCursor(page, state);
        yield { nodes: page.nodes as TNode[], hasNextPage: next !== null, endCursor: page.endCursor };
        if (next === null) return;
        state.seenCursors.add(next);
        state.nodesRead += page.nodes.length;
        state.after = next;
      }
    },
  };
}
