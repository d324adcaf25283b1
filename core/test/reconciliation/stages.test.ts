import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Order } from '@commercetools/platform-sdk';
import {
  addClarusProducts,
  checkpointAt,
  countRequests,
  createSkuTranslator,
  cursorAfter,
  inRange,
  masterDataFindings,
  parseCheckpoint,
  perOrder,
  planRun,
  startScan,
  unsoldProductFindings,
  variantFindings,
  walkWindow,
  type CatalogueVariant,
  type FreshPass,
  type PageRange,
} from '../../src';
import { anOrder } from '../../testing';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const orders = (count: number) => Array.from({ length: count }, (_, i) => anOrder({ id: id(i + 1) }));

/** A reader over `all` that answers `id > after`, sorted, at most `limit`, and logs each request. */
function reader(all: Order[]) {
  const calls: { after?: string; limit: number }[] = [];
  return {
    calls,
    read: async (after: string | undefined, limit: number) => {
      calls.push({ ...(after !== undefined ? { after } : {}), limit });
      return all.filter((o) => after === undefined || o.id > after).slice(0, limit);
    },
  };
}

describe('reconciliation read stage: walking a window by id cursor', () => {
  it('hands every order to the handler once, one page at a time, and saves the position after each full page', async () => {
    const all = orders(7);
    const { read, calls } = reader(all);
    const seen: string[] = [];
    const ranges: PageRange[] = [];
    const saved: string[] = [];
    const result = await walkWindow(
      read,
      { pageSize: 3, overBudget: () => false, between: async () => {} },
      async (page, range) => {
        seen.push(...page.map((o) => o.id));
        ranges.push(range);
        return {};
      },
      async (afterId) => {
        saved.push(afterId);
      },
    );
    expect(seen).toEqual(all.map((o) => o.id));
    expect(result).toEqual({ completed: true, pages: 3, ordersRead: 7 });
    expect(calls).toEqual([{ limit: 3 }, { after: id(3), limit: 3 }, { after: id(6), limit: 3 }]);
    expect(saved).toEqual([id(3), id(6)]);
    // The last page's range is open: open exceptions of orders past the window's last id belong to it.
    expect(ranges).toEqual([
      { upTo: id(3), last: false },
      { after: id(3), upTo: id(6), last: false },
      { after: id(6), last: true },
    ]);
  });

  it('stops before a page once over budget and reports where the next run resumes', async () => {
    const { read, calls } = reader(orders(10));
    let pages = 0;
    const result = await walkWindow(
      read,
      { after: id(2), pageSize: 3, overBudget: () => pages >= 2, between: async () => {} },
      async () => {
        pages += 1;
        return {};
      },
      async () => {},
    );
    expect(result).toEqual({ completed: false, afterId: id(8), pages: 2, ordersRead: 6 });
    expect(calls.map((c) => c.after)).toEqual([id(2), id(5)]);
  });

  it('stops part-way through a page at the first order the handler deferred', async () => {
    const { read } = reader(orders(6));
    const result = await walkWindow(
      read,
      { pageSize: 4, overBudget: () => false, between: async () => {} },
      async () => ({ deferredFrom: id(3) }),
      async () => {},
    );
    expect(result).toEqual({ completed: false, afterId: id(2), pages: 1, ordersRead: 4 });
    // Deferred at the page's first order: the cursor stays where the page started.
    const first = await walkWindow(
      read,
      { after: id(4), pageSize: 4, overBudget: () => false, between: async () => {} },
      async () => ({ deferredFrom: id(5) }),
      async () => {},
    );
    expect(first.afterId).toBe(id(4));
  });

  it('an empty window is one read and completes', async () => {
    const { read, calls } = reader([]);
    const result = await walkWindow(
      read,
      { pageSize: 200, overBudget: () => false, between: async () => {} },
      async () => ({}),
      async () => {},
    );
    expect(result).toEqual({ completed: true, pages: 1, ordersRead: 0 });
    expect(calls).toHaveLength(1);
  });

  it('cursorAfter and inRange compare ids as commercetools sorts them', () => {
    expect(cursorAfter([id(3), id(1), id(2)])).toBe(id(3));
    expect(cursorAfter([id(1), id(2), id(3)], id(3))).toBe(id(2));
    expect(cursorAfter([id(1)], id(1))).toBeUndefined();
    expect(inRange(id(2), { after: id(1), upTo: id(2) })).toBe(true);
    expect(inRange(id(1), { after: id(1), upTo: id(2) })).toBe(false);
    expect(inRange(id(9), { after: id(1) })).toBe(true);
  });
});

describe('reconciliation checkpoint: resuming a pass', () => {
  const fresh: FreshPass = {
    startedAt: '2030-01-10T12:00:00.000Z',
    sweepWindow: { from: '2030-01-07T12:00:00.000Z', to: '2030-01-10T11:50:00.000Z' },
    dispatchFrom: '2030-01-04T12:00:00.000Z',
  };
  const stopped = {
    passStartedAt: '2030-01-10T11:30:00.000Z',
    position: { stage: 'sweep' as const, afterId: id(40) },
    sweepWindow: { from: '2030-01-07T11:30:00.000Z', to: '2030-01-10T11:20:00.000Z' },
    dispatchFrom: '2030-01-04T11:30:00.000Z',
  };

  it('starts a new pass without a checkpoint', () => {
    expect(planRun(fresh, undefined, 72)).toEqual({
      passStartedAt: fresh.startedAt,
      sweepWindow: fresh.sweepWindow,
      dispatchFrom: fresh.dispatchFrom,
      sweep: { skip: false },
      dispatch: {},
    });
  });

  it('resumes the stopped pass in its own windows after the last order it finished', () => {
    const plan = planRun(fresh, stopped, 72);
    expect(plan).toEqual({
      passStartedAt: stopped.passStartedAt,
      sweepWindow: stopped.sweepWindow,
      dispatchFrom: stopped.dispatchFrom,
      sweep: { skip: false, after: id(40) },
      dispatch: {},
      resumed: stopped.position,
    });
    // Stopped in the dispatch checks: the sweep of that pass is done.
    const inDispatch = planRun(fresh, { ...stopped, position: { stage: 'dispatch', afterId: id(7) } }, 72);
    expect(inDispatch.sweep).toEqual({ skip: true });
    expect(inDispatch.dispatch).toEqual({ after: id(7) });
    expect(checkpointAt(plan, { stage: 'dispatch', afterId: id(9) })).toEqual({
      ...stopped,
      position: { stage: 'dispatch', afterId: id(9) },
    });
  });

  it('drops a checkpoint older than the look-back and one it cannot read', () => {
    const old = { ...stopped, passStartedAt: '2030-01-07T11:59:59.000Z' };
    expect(planRun(fresh, old, 72).resumed).toBeUndefined();
    expect(parseCheckpoint({ afterSku: 'X' })).toBeUndefined();
    expect(parseCheckpoint(stopped)).toEqual(stopped);
  });
});

describe('master-data audit: one page of variants at a time', () => {
  const translator = createSkuTranslator({ padStart: { length: 6, char: '0' } });
  const variants: CatalogueVariant[] = [
    { sku: '123', barcode: '111', expandedBundle: false },
    { sku: '124', barcode: '222', expandedBundle: false },
    { sku: '125', expandedBundle: false },
    { sku: 'SET', expandedBundle: true },
    { sku: '123', barcode: '999', expandedBundle: false },
    { sku: '126', expandedBundle: false },
  ];
  const products = [
    { code: '000123', barcode: '0111' },
    { code: '000124', barcode: '223' },
    { code: '000126', barcode: '999' },
    { code: '000127', barcode: null },
    { code: '000129', barcode: null },
  ];

  it('finds, page by page, what the whole-catalogue rule finds', () => {
    const whole = masterDataFindings({
      variants,
      products,
      entrySkus: new Set(['129']),
      stockedCodes: new Set(['000127']),
      translator,
      compareBarcodes: true,
    });
    const clarus = new Map<string, string | null>();
    addClarusProducts(clarus, products.slice(0, 2));
    addClarusProducts(clarus, products.slice(2));
    const scan = startScan(translator, ['129']);
    const paged = [
      ...variantFindings(variants.slice(0, 2), clarus, scan, { translator, compareBarcodes: true }),
      ...variantFindings(variants.slice(2, 5), clarus, scan, { translator, compareBarcodes: true }),
      ...variantFindings(variants.slice(5), clarus, scan, { translator, compareBarcodes: true }),
      ...unsoldProductFindings(clarus, scan, new Set(['000127'])),
    ];
    expect(paged).toEqual(whole);
    expect(paged).toEqual([
      { kind: 'barcode-mismatch', sku: '124', code: '000124', commercetools: '222', clarus: '223' },
      { kind: 'missing-in-clarus', sku: '125', code: '000125' },
      { kind: 'not-in-commercetools', code: '000127', stocked: true },
    ]);
    // What outlives the pages: SKUs seen and the codes they sell (strings, not documents).
    expect([...scan.seenSkus]).toEqual(['123', '124', '125', 'SET', '126']);
  });
});

describe('requests per order', () => {
  it('counts the requests sent to each system by origin while counting, and stops', async () => {
    const server = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const count = countRequests({
        commercetools: [`${origin}/project`],
        clarus: ['http://clarus.invalid'],
      });
      await (await fetch(`${origin}/project/orders`)).text();
      await (await fetch(`${origin}/project/orders/1`)).text();
      expect(count.stop()).toEqual({ commercetools: 2, clarus: 0 });
      await (await fetch(`${origin}/project/orders`)).text();
      expect(count.commercetools).toBe(2);
    } finally {
      server.close();
    }
  });

  it('divides by the orders read, 3 decimals, 0 for an empty window', () => {
    expect(perOrder(123, 200)).toBe(0.615);
    expect(perOrder(5, 0)).toBe(0);
  });
});
