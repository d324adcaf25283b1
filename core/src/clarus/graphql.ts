import type { Logger } from '../logging';
import { ClarusGraphQLError, ClarusUnexpectedResponseError } from './errors';
import type { ApiCall } from './request';
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
   * A page without `pageInfo` is the last one.
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
      let after = options.after;
      for (;;) {
        const data = await run<Record<string, unknown>>(query, { filter, first, after }, callOptions, list);
        const resource = data[list];
        const connection = isRecord(resource) ? resource.all : undefined;
        if (!isRecord(connection)) {
          throw new ClarusUnexpectedResponseError(
            { operation: `POST /graphql ${list}` },
            `no ${list}.all connection`,
          );
        }
        const edges = Array.isArray(connection.edges) ? connection.edges.filter(isRecord) : [];
        const nodes = edges.map((edge) => edge.node).filter(isRecord) as TNode[];
        const pageInfo = isRecord(connection.pageInfo) ? connection.pageInfo : undefined;
        const lastCursor = edges.length ? edges[edges.length - 1]?.cursor : undefined;
        const endCursor =
          typeof pageInfo?.endCursor === 'string'
            ? pageInfo.endCursor
            : typeof lastCursor === 'string'
              ? lastCursor
              : null;
        let hasNextPage = pageInfo?.hasNextPage === true;
        if (hasNextPage && (endCursor === null || endCursor === after || nodes.length === 0)) {
          // A cursor that does not move would page forever: stop and say so.
          deps.logger.warn('clarus paging stopped: cursor did not advance', { list });
          hasNextPage = false;
        }
        yield { nodes, hasNextPage, endCursor };
        if (!hasNextPage || endCursor === null) return;
        after = endCursor;
      }
    },
  };
}
