import { GraphQLError } from 'graphql';

/** Relay-style connection paging: forward only (`first`, `after`), opaque offset cursors. */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

const PREFIX = 'clarus-sim:';

export const encodeCursor = (index: number): string => Buffer.from(`${PREFIX}${index}`).toString('base64');

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const index = Number(text.slice(PREFIX.length));
  if (!text.startsWith(PREFIX) || !Number.isInteger(index) || index < 0) {
    throw new GraphQLError(`Invalid cursor: ${cursor}`);
  }
  return index;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** `first` above the maximum is clamped (as graphql-ruby's max_page_size does); negative is an error. */
export function paginate<R, N>(
  records: R[],
  args: { first?: number | null; after?: string | null },
  toNode: (record: R) => N,
): Connection<N> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (first < 0) throw new GraphQLError('Argument "first" must be a non-negative integer');
  const size = Math.min(first, MAX_PAGE_SIZE);
  const start = args.after ? decodeCursor(args.after) + 1 : 0;
  const page = records.slice(start, start + size);
  const edges = page.map((record, i) => ({ cursor: encodeCursor(start + i), node: toNode(record) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + page.length < records.length,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
