/*
 * BENCHMARK INSTRUMENT — not a commercetools emulator, never used by tests of behaviour.
 *
 * `@labdigital/commercetools-mock` scans every stored entry per query (about 1 s per query at 100,000
 * entries), so above 10,000 entries the inventory benchmark talks to this latency-modelled stand-in of the
 * few endpoints it needs: inventory query (by channel, paged by id; by `sku in`), get, create and
 * changeQuantity; staged product projections by variant SKU (every seeded SKU is a variant); orders query
 * (answered empty: no order is in flight). Everything else (token, channels, custom objects for the job
 * lock, checkpoint and exceptions) is forwarded to the commercetools mock. Every call waits `latencyMs`
 * (`latencyModel`, see `bench/lib/latency-proxy.ts`).
 * Ids are issued in increasing order, so `sort=id asc` with `id > "…"` is a binary search.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest, type LatencyModel } from '../lib/latency-proxy';
import type { OrdersStandin } from './orders-standin';
import { quotedStrings, send, sendError } from './standin-http';

export interface StandinEntry {
  id: string;
  version: number;
  key?: string;
  sku: string;
  channelId: string;
  quantityOnStock: number;
  createdAt: string;
  lastModifiedAt: string;
}

export interface CommercetoolsStandin {
  url: string;
  /** Requests since the last reset: inventory reads (queries and gets), inventory writes, other. */
  counts(): { inventoryReads: number; inventoryWrites: number; projectionReads: number; forwarded: number };
  reset(): void;
  /**
   * Writes applied (a create, or an update that changed the entry) per entry id since `resetWritesPerEntry`,
   * kept across `reset()`: a run killed part-way and the next one must write no entry twice.
   */
  writesPerEntry(): ReadonlyMap<string, number>;
  resetWritesPerEntry(): void;
  /** Entries stored. */
  size(): number;
  /** Removes every entry (a cold start). */
  clear(): void;
  /**
   * Stores entries as a finished cold run would have left them (no request, no count): a warm run at full
   * size without the cold run's million creates first (`BENCH_INVENTORY_WARM_ONLY`).
   */
  seedEntries(
    entries: Iterable<{ key: string; sku: string; channelId: string; quantityOnStock: number }>,
  ): void;
  /** SKUs that exist as product variants (skusWithVariants answers from this). */
  setVariantSkus(skus: Iterable<string>): void;
  close(): Promise<void>;
}

const idOf = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export async function startCommercetoolsStandin(options: {
  /** The commercetools mock everything else is forwarded to. */
  forwardTo: string;
  latencyMs: number;
  /** `added` (default): wait, then answer; `response-time`: answer latencyMs after arrival (`LatencyModel`). */
  latencyModel?: LatencyModel;
  /** Serves the orders endpoints (the reconciliation benchmark, `orders-standin.ts`); absent: queries answer empty. */
  orders?: Pick<OrdersStandin, 'handle'>;
}): Promise<CommercetoolsStandin> {
  const to = new URL(options.forwardTo);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const ids: string[] = [];
  const byId = new Map<string, StandinEntry>();
  const byKey = new Map<string, string>();
  const bySku = new Map<string, string[]>();
  let variantSkus = new Set<string>();
  let seq = 0;
  const counts = { inventoryReads: 0, inventoryWrites: 0, projectionReads: 0, forwarded: 0 };
  const applied = new Map<string, number>();
  const countApplied = (id: string) => applied.set(id, (applied.get(id) ?? 0) + 1);

  const view = (e: StandinEntry) => ({
    id: e.id,
    version: e.version,
    ...(e.key ? { key: e.key } : {}),
    sku: e.sku,
    supplyChannel: { typeId: 'channel', id: e.channelId },
    quantityOnStock: e.quantityOnStock,
    availableQuantity: e.quantityOnStock,
    reservations: [],
    createdAt: e.createdAt,
    lastModifiedAt: e.lastModifiedAt,
  });
  const error = sendError;
  const strings = quotedStrings;

  function queryInventory(url: URL): unknown {
    const where = url.searchParams.getAll('where').join(' and ');
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const channelMatch = /supplyChannel\(id in \(([^)]*)\)\)/.exec(where);
    const channels = channelMatch ? new Set(strings(channelMatch[1]!)) : undefined;
    const skuMatch = /(?:^|\s)sku in \(([^)]*)\)/.exec(where);
    const after = /id > ("(?:[^"\\]|\\.)*")/.exec(where);
    let source: Iterable<string>;
    if (skuMatch) {
      source = strings(skuMatch[1]!)
        .flatMap((sku) => bySku.get(sku) ?? [])
        .sort();
    } else {
      let start = 0;
      if (after) {
        const cursor = JSON.parse(after[1]!) as string;
        let lo = 0;
        let hi = ids.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (ids[mid]! <= cursor) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
      // A generator, not ids.slice(start): copying a million ids per page made paging O(n²).
      source = (function* () {
        for (let i = start; i < ids.length; i++) yield ids[i]!;
      })();
    }
    const results = [];
    let skipped = 0;
    for (const id of source) {
      const e = byId.get(id);
      if (!e || (channels && !channels.has(e.channelId))) continue;
      if (skipped++ < offset) continue;
      results.push(view(e));
      if (results.length >= limit) break;
    }
    return { limit, offset, count: results.length, results };
  }

  function createEntry(body: Record<string, unknown>, res: http.ServerResponse): void {
    const key = typeof body.key === 'string' ? body.key : undefined;
    if (key && byKey.has(key)) {
      error(res, 400, 'DuplicateField', `An inventory entry with key '${key}' already exists.`, {
        field: 'key',
        duplicateValue: key,
      });
      return;
    }
    const entry = store(key, body);
    countApplied(entry.id);
    send(res, 201, view(entry));
  }

  function store(key: string | undefined, body: Record<string, unknown>): StandinEntry {
    const now = new Date().toISOString();
    const channel = body.supplyChannel as { id?: string } | undefined;
    const entry: StandinEntry = {
      id: idOf(++seq),
      version: 1,
      key,
      sku: String(body.sku),
      channelId: channel?.id ?? '',
      quantityOnStock: Number(body.quantityOnStock ?? 0),
      createdAt: now,
      lastModifiedAt: now,
    };
    ids.push(entry.id);
    byId.set(entry.id, entry);
    if (key) byKey.set(key, entry.id);
    const list = bySku.get(entry.sku);
    if (list) list.push(entry.id);
    else bySku.set(entry.sku, [entry.id]);
    return entry;
  }

  function updateEntry(id: string, body: Record<string, unknown>, res: http.ServerResponse): void {
    const entry = byId.get(id);
    if (!entry) return error(res, 404, 'ResourceNotFound', `The Resource with ID '${id}' was not found.`);
    if (body.version !== entry.version) {
      return error(res, 409, 'ConcurrentModification', 'Object has a different version than expected.', {
        currentVersion: entry.version,
      });
    }
    for (const action of (body.actions as Record<string, unknown>[]) ?? []) {
      if (action.action === 'changeQuantity') entry.quantityOnStock = Number(action.quantity);
    }
    entry.version += 1;
    entry.lastModifiedAt = new Date().toISOString();
    countApplied(entry.id);
    send(res, 200, view(entry));
  }

  function projections(url: URL): unknown {
    const where = url.searchParams.getAll('where').join(' and ');
    const skuList = /masterVariant\(sku in \(([^)]*)\)\)/.exec(where);
    const results = skuList
      ? strings(skuList[1]!)
          .filter((sku) => variantSkus.has(sku))
          .map((sku, i) => ({ id: idOf(i + 1), version: 1, masterVariant: { id: 1, sku }, variants: [] }))
      : [];
    return { limit: 500, offset: 0, count: results.length, results };
  }

  function forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    counts.forwarded += 1;
    forwardRequest(to, agent, req, body, res);
  }

  function handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const parts = url.pathname.split('/').filter(Boolean); // [project, resource, id?]
    const resource = parts[1];
    const json = () => (body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {});
    if (resource === 'inventory') {
      if (req.method === 'GET' && parts.length === 2) {
        counts.inventoryReads += 1;
        return send(res, 200, queryInventory(url));
      }
      if (req.method === 'GET' && parts[2]) {
        counts.inventoryReads += 1;
        const e = byId.get(parts[2]);
        return e ? send(res, 200, view(e)) : error(res, 404, 'ResourceNotFound', 'not found');
      }
      if (req.method === 'POST' && parts.length === 2) {
        counts.inventoryWrites += 1;
        return createEntry(json(), res);
      }
      if (req.method === 'POST' && parts[2]) {
        counts.inventoryWrites += 1;
        return updateEntry(parts[2], json(), res);
      }
    }
    if (resource === 'product-projections' && req.method === 'GET') {
      counts.projectionReads += 1;
      return send(res, 200, projections(url));
    }
    if (options.orders?.handle(req, url, parts, body, res)) return;
    if (resource === 'orders' && req.method === 'GET' && parts.length === 2) {
      return send(res, 200, { limit: 200, offset: 0, count: 0, results: [] });
    }
    forward(req, body, res);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        try {
          handle(req, Buffer.concat(chunks), res);
        } catch (err) {
          error(res, 500, 'General', err instanceof Error ? err.message : 'stand-in error');
        }
      };
      if (options.latencyModel !== 'response-time') {
        setTimeout(answer, options.latencyMs);
        return;
      }
      // Answer no earlier than latencyMs after arrival: hold the end of the response, not the work.
      const answerAt = performance.now() + options.latencyMs;
      const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
      res.end = ((...args: unknown[]) => {
        setTimeout(() => end(...args), Math.max(0, answerAt - performance.now()));
        return res;
      }) as typeof res.end;
      answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts.inventoryReads = counts.inventoryWrites = counts.projectionReads = counts.forwarded = 0;
    },
    seedEntries: (entries) => {
      for (const e of entries) {
        store(e.key, { sku: e.sku, supplyChannel: { id: e.channelId }, quantityOnStock: e.quantityOnStock });
      }
    },
    writesPerEntry: () => applied,
    resetWritesPerEntry: () => applied.clear(),
    size: () => byId.size,
    clear: () => {
      ids.length = 0;
      byId.clear();
      byKey.clear();
      bySku.clear();
    },
    setVariantSkus: (skus) => {
      variantSkus = new Set(skus);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
