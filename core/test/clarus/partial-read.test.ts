import { startClarusSimulator } from '@clarus-connector/sandbox';
import { ClarusPartialReadError, ClarusUnexpectedResponseError } from '@clarus-connector/core';
import { nextCursor, type ConnectionPage, type PagingState } from '../../src/clarus/paging';
import { clientFor, type Simulator } from './harness';

/** Reads every page; resolves to the nodes, or rejects with what paging threw. */
async function readAll<T>(pages: AsyncGenerator<{ nodes: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page.nodes);
  return out;
}

/** Rewrites the `data.<list>.all` of every GraphQL answer on its way back to the client. */
const rewriting =
  (edit: (all: Record<string, unknown>, request: { after?: string }) => void): typeof fetch =>
  async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).endsWith('/graphql')) return response;
    const request = JSON.parse(String(init?.body)) as { variables?: { after?: string } };
    const body = (await response.json()) as { data: Record<string, { all: Record<string, unknown> }> };
    for (const list of Object.values(body.data)) edit(list.all, request.variables ?? {});
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  };

describe('Clarus client: a partial read is never a complete one', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startClarusSimulator();
    const codes = Array.from({ length: 12 }, (_, i) => `PR-${String(i).padStart(2, '0')}`);
    sim.seedProducts(codes.map((code) => ({ code })));
    sim.setStock(codes.map((productCode, i) => ({ productCode, available: i + 1 })));
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.clearFaults());

  it('reads all 12 balances at 5 a page when nothing is wrong', async () => {
    const { client } = clientFor(sim, {}, { pageSize: 5 });
    expect(await readAll(client.stockBalances({}))).toHaveLength(12);
  });

  it('throws ClarusPartialReadError when the cursor stops advancing (simulator cursor_stall), never ends early', async () => {
    const { client } = clientFor(sim, {}, { pageSize: 5 });
    sim.injectFault({ kind: 'cursor_stall', list: 'stock_balances', count: 1 });
    const error = await readAll(client.stockBalances({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClarusPartialReadError);
    expect(error).toMatchObject({
      reason: 'cursor_stalled',
      list: 'stock_balances',
      nodesRead: 10,
      retryable: true,
    });
  });

  it('throws when more pages are announced without a cursor to reach them', async () => {
    const { client } = clientFor(
      sim,
      {},
      {
        pageSize: 5,
        fetch: rewriting((all) => {
          all.pageInfo = { hasNextPage: true, endCursor: null };
          for (const edge of all.edges as Record<string, unknown>[]) delete edge.cursor;
        }),
      },
    );
    await expect(readAll(client.stockBalances({}))).rejects.toMatchObject({ reason: 'cursor_missing' });
  });

  it('throws when a later page goes back to an earlier cursor', async () => {
    let first: string | undefined;
    const { client } = clientFor(
      sim,
      {},
      {
        pageSize: 3,
        fetch: rewriting((all, request) => {
          const info = all.pageInfo as { endCursor: string };
          first ??= info.endCursor;
          if (request.after && request.after !== first) info.endCursor = first;
        }),
      },
    );
    await expect(readAll(client.stockBalances({}))).rejects.toMatchObject({ reason: 'cursor_repeated' });
  });

  it('throws ClarusUnexpectedResponseError for an edge without a node instead of skipping it', async () => {
    const { client } = clientFor(
      sim,
      {},
      { fetch: rewriting((all) => ((all.edges as Record<string, unknown>[])[0]!.node = null)) },
    );
    await expect(readAll(client.stockBalances({}))).rejects.toBeInstanceOf(ClarusUnexpectedResponseError);
  });

  it('a page that fails fails the read (after the retries), it does not end the list', async () => {
    const { client } = clientFor(
      sim,
      {},
      { pageSize: 5, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
    );
    const pages = client.stockBalances({});
    const first = await pages.next();
    expect(first.done).toBe(false);
    sim.injectFault({ kind: 'server_error', status: 503, match: { path: '/graphql' } });
    await expect(pages.next()).rejects.toMatchObject({ retryable: true, status: 503 });
  });
});

describe('nextCursor (pure)', () => {
  const state = (over: Partial<PagingState> = {}): PagingState => ({
    list: 'stock_balances',
    pageSize: 2,
    after: 'c1',
    seenCursors: new Set(['c1']),
    nodesRead: 2,
    ...over,
  });
  const page = (over: Partial<ConnectionPage> = {}): ConnectionPage => ({
    nodes: [{}, {}],
    hasNextPage: true,
    endCursor: 'c2',
    hasPageInfo: true,
    ...over,
  });

  it('continues with a new cursor and ends on hasNextPage false', () => {
    expect(nextCursor(page(), state())).toBe('c2');
    expect(nextCursor(page({ hasNextPage: false, endCursor: null }), state())).toBeNull();
  });

  it.each([
    ['cursor_stalled', page({ endCursor: 'c1' }), state()],
    ['cursor_repeated', page({ endCursor: 'c0' }), state({ seenCursors: new Set(['c0', 'c1']) })],
    ['cursor_missing', page({ endCursor: null }), state()],
    ['empty_page', page({ nodes: [] }), state()],
    ['page_info_missing', page({ hasPageInfo: false, hasNextPage: false }), state()],
  ])('%s throws a ClarusPartialReadError', (reason, p, s) => {
    expect(() => nextCursor(p, s)).toThrow(
      expect.objectContaining({ reason, nodesRead: 2 + p.nodes.length }),
    );
  });

  it('a short page without pageInfo is the last one', () => {
    expect(nextCursor(page({ hasPageInfo: false, hasNextPage: false, nodes: [{}] }), state())).toBeNull();
  });
});
