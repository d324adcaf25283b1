/*
 * BENCHMARK INSTRUMENT — not a commercetools emulator, never used by tests of behaviour.
 *
 * The orders endpoints a reconciliation pass needs, for windows of 10,000–100,000 orders, where the
 * commercetools mock (which scans every stored order per query) is too slow. Served through
 * `commercetools-standin.ts` (which adds the modelled latency and forwards everything else to the mock):
 * - `GET /orders` with the pass's predicates — createdAt bounds, orderState/shipmentState exclusions,
 *   `[not] syncInfo(channel(id = …))`, `completedAt`, `id > "…"`, `id in (…)` — sorted by id, `limit`,
 *   `offset`; the predicate is read by pattern, not parsed: only the shapes the product sends are known;
 * - `GET /orders/{id}`;
 * - `POST /orders/{id}` with `updateSyncInfo`, `changeShipmentState`, `changeOrderState` (versioned, 409 on
 *   a stale version); any other action answers 400 so a benchmark that needs more fails loudly.
 * Orders are kept slim (id, number, times, states, syncInfo) and rendered from a template order (one real
 * order of the mock) when answered. Ids are issued in increasing order, so `id > "…"` is a binary search.
 */
import type http from 'node:http';
import type { Order } from '@commercetools/platform-sdk';
import { quotedStrings, send, sendError } from './standin-http';

export interface SlimOrder {
  id: string;
  version: number;
  orderNumber: string;
  createdAt: string;
  lastModifiedAt: string;
  orderState: string;
  shipmentState?: string;
  syncInfo: { channelId: string; externalId: string; syncedAt: string }[];
}

export interface OrdersStandin {
  /** Adds orders (ids must sort after every stored id: use `orderId`). */
  add(orders: SlimOrder[]): void;
  size(): number;
  /** Requests since the last reset: order queries, gets by id, updates. */
  counts(): { queries: number; gets: number; writes: number };
  reset(): void;
  /** Answers an orders request; false when it is not one (the caller forwards it). */
  handle(
    req: http.IncomingMessage,
    url: URL,
    parts: string[],
    body: Buffer,
    res: http.ServerResponse,
  ): boolean;
}

/** The n-th order id: increasing in string order. */
export const orderId = (n: number) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;

export function createOrdersStandin(template: Order): OrdersStandin {
  const ids: string[] = [];
  const byId = new Map<string, SlimOrder>();
  const counts = { queries: 0, gets: 0, writes: 0 };
  const { syncInfo: _s, ...base } = template;

  const view = (o: SlimOrder) => ({
    ...base,
    id: o.id,
    version: o.version,
    orderNumber: o.orderNumber,
    createdAt: o.createdAt,
    lastModifiedAt: o.lastModifiedAt,
    orderState: o.orderState,
    ...(o.shipmentState ? { shipmentState: o.shipmentState } : {}),
    syncInfo: o.syncInfo.map((s) => ({
      channel: { typeId: 'channel', id: s.channelId },
      externalId: s.externalId,
      syncedAt: s.syncedAt,
    })),
  });
  const error = sendError;
  const strings = quotedStrings;
  const one = (where: string, re: RegExp) => {
    const m = re.exec(where);
    return m ? (JSON.parse(m[1]!) as string) : undefined;
  };

  /** The predicate's tests, read once per query. */
  function matcher(where: string): (o: SlimOrder) => boolean {
    const from = one(where, /createdAt >= ("(?:[^"\\]|\\.)*")/);
    const to = one(where, /createdAt <= ("(?:[^"\\]|\\.)*")/);
    const unsynced = /not\(syncInfo\(channel\(id = ("(?:[^"\\]|\\.)*")\)\)\)/.exec(where);
    const synced = unsynced ? null : /syncInfo\(channel\(id = ("(?:[^"\\]|\\.)*")\)\)/.exec(where);
    const notStates = [...where.matchAll(/orderState != "(\w+)"/g)].map((m) => m[1]!);
    const shipmentIn = /not\(shipmentState in \(([^)]*)\)\)/.exec(where);
    const notShipment = shipmentIn ? new Set(strings(shipmentIn[1]!)) : undefined;
    const channel = (m: RegExpExecArray | null) => (m ? (JSON.parse(m[1]!) as string) : undefined);
    const unsyncedChannel = channel(unsynced);
    const syncedChannel = channel(synced);
    return (o) => {
      if (from !== undefined && o.createdAt < from) return false;
      if (to !== undefined && o.createdAt > to) return false;
      if (notStates.includes(o.orderState)) return false;
      if (notShipment && o.shipmentState && notShipment.has(o.shipmentState)) return false;
      const has = (c: string) => o.syncInfo.some((s) => s.channelId === c && s.externalId);
      if (unsyncedChannel !== undefined && has(unsyncedChannel)) return false;
      if (syncedChannel !== undefined && !has(syncedChannel)) return false;
      return true;
    };
  }

  function query(url: URL): unknown {
    const where = url.searchParams.getAll('where').join(' and ');
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const idList = /(?:^|\s|\()id in \(([^)]*)\)/.exec(where);
    const results = [];
    if (idList) {
      for (const id of strings(idList[1]!).sort()) {
        const o = byId.get(id);
        if (o) results.push(view(o));
      }
      return { limit, offset: 0, count: results.length, results: results.slice(0, limit) };
    }
    const after = one(where, /id > ("(?:[^"\\]|\\.)*")/);
    let start = 0;
    if (after !== undefined) {
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ids[mid]! <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const matches = matcher(where);
    let skipped = 0;
    for (let i = start; i < ids.length && results.length < limit; i++) {
      const o = byId.get(ids[i]!)!;
      if (!matches(o)) continue;
      if (skipped++ < offset) continue;
      results.push(view(o));
    }
    return { limit, offset, count: results.length, results };
  }

  function update(id: string, body: Record<string, unknown>, res: http.ServerResponse): void {
    const o = byId.get(id);
    if (!o) return error(res, 404, 'ResourceNotFound', `The Resource with ID '${id}' was not found.`);
    if (body.version !== o.version) {
      return error(res, 409, 'ConcurrentModification', 'Object has a different version than expected.', {
        currentVersion: o.version,
      });
    }
    for (const action of (body.actions as Record<string, unknown>[]) ?? []) {
      switch (action.action) {
        case 'updateSyncInfo':
          o.syncInfo.push({
            channelId: (action.channel as { id: string }).id,
            externalId: String(action.externalId),
            syncedAt: String(action.syncedAt ?? new Date().toISOString()),
          });
          break;
        case 'changeShipmentState':
          o.shipmentState = String(action.shipmentState);
          break;
        case 'changeOrderState':
          o.orderState = String(action.orderState);
          break;
        default:
          return error(
            res,
            400,
            'InvalidOperation',
            `orders stand-in: action ${String(action.action)} not modelled`,
          );
      }
    }
    o.version += 1;
    o.lastModifiedAt = new Date().toISOString();
    send(res, 200, view(o));
  }

  return {
    add(orders) {
      for (const o of orders) {
        if (ids.length && o.id <= ids[ids.length - 1]!) throw new Error('orders stand-in: ids must increase');
        ids.push(o.id);
        byId.set(o.id, o);
      }
    },
    size: () => ids.length,
    counts: () => ({ ...counts }),
    reset() {
      counts.queries = counts.gets = counts.writes = 0;
    },
    handle(req, url, parts, body, res) {
      if (parts[1] !== 'orders') return false;
      if (req.method === 'GET' && parts.length === 2) {
        counts.queries += 1;
        send(res, 200, query(url));
        return true;
      }
      if (req.method === 'GET' && parts.length === 3) {
        counts.gets += 1;
        const o = byId.get(parts[2]!);
        if (o) send(res, 200, view(o));
        else error(res, 404, 'ResourceNotFound', `The Resource with ID '${parts[2]}' was not found.`);
        return true;
      }
      if (req.method === 'POST' && parts.length === 3) {
        counts.writes += 1;
        update(
          parts[2]!,
          body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
          res,
        );
        return true;
      }
      return false;
    },
  };
}
