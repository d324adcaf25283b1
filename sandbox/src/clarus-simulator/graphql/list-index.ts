import type { Store } from '../store';
import { matches } from './filters';
import type { ListDefinition } from './lists';

/**
 * Answers a list query with the records in list order that match every filter, without scanning the whole
 * list for every page: a benchmark pages through 250,000 stock balances 100 at a time, and a dispatch
 * webhook looks up one goods out by reference among thousands. A real Clarus answers from database indexes;
 * the simulator's cost per page must not grow with the tenant.
 *
 * - The list's records (in list order) are built once per store revision, not per request.
 * - `eq`/`in` on a field the definition lists in `indexed` looks its candidates up in a map (value → records
 *   in list order); every candidate is then checked against the whole filter, exactly as a scan would.
 * - When every filtered field is indexed, the matching records depend only on the revision, so the result
 *   is kept for the next page of the same query (a page then costs O(page), not O(list)).
 *
 * Indexed fields change only where the store's revision is bumped (`store.touch()`: records added or removed,
 * goods outs and products updated). Fields changed elsewhere (stock quantities, statuses, carriers) are never
 * indexed and always evaluated on the current record. Lists without `indexed` are scanned as before.
 */
export function selectRecords<R>(
  def: ListDefinition<R>,
  store: Store,
  filter: [string, Record<string, unknown>][],
): R[] {
  if (!def.indexed) return def.records(store).filter((record) => matchesAll(def, store, record, filter));
  const index = indexOf(def, store);
  if (filter.length === 0) return index.records;
  const cacheable = filter.every(([name]) => index.indexed.has(name));
  const key = cacheable ? JSON.stringify(filter) : '';
  const cached = cacheable ? index.results.get(key) : undefined;
  if (cached) return cached;
  const selected = candidates(index, def, store, filter).filter((record) =>
    matchesAll(def, store, record, filter),
  );
  if (cacheable) remember(index.results, key, selected);
  return selected;
}

/** The spec's filter semantics: every named filter holds; an array-valued field matches when any element does. */
function matchesAll<R>(
  def: ListDefinition<R>,
  store: Store,
  record: R,
  filter: [string, Record<string, unknown>][],
): boolean {
  return filter.every(([name, operators]) => {
    const spec = def.filters[name];
    if (!spec) return true; // unreachable: the schema rejects unknown filter names
    const value = spec.get(record, store);
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => matches(spec.kind, v, operators));
  });
}

interface ListIndex<R> {
  revision: number;
  records: R[];
  indexed: ReadonlySet<string>;
  /** Field → index key → records in list order; built on first use. */
  byField: Map<string, Map<string, R[]>>;
  /** Record → its position in `records`, to merge the candidates of an `in` back into list order. */
  position: Map<R, number> | undefined;
  /** Matching records of recent queries on indexed fields only, by query. */
  results: Map<string, R[]>;
}

/** Enough for the concurrent cursor chains of a benchmark; oldest query forgotten first. */
const MAX_RESULTS = 64;

const indexes = new WeakMap<Store, Map<string, ListIndex<unknown>>>();

function indexOf<R>(def: ListDefinition<R>, store: Store): ListIndex<R> {
  let perList = indexes.get(store);
  if (!perList) indexes.set(store, (perList = new Map()));
  const existing = perList.get(def.field) as ListIndex<R> | undefined;
  if (existing?.revision === store.revision) return existing;
  const fresh: ListIndex<R> = {
    revision: store.revision,
    records: def.records(store),
    indexed: new Set(def.indexed),
    byField: new Map(),
    position: undefined,
    results: new Map(),
  };
  perList.set(def.field, fresh as ListIndex<unknown>);
  return fresh;
}

function remember<R>(results: Map<string, R[]>, key: string, value: R[]): void {
  if (results.size >= MAX_RESULTS) results.delete(results.keys().next().value as string);
  results.set(key, value);
}

/**
 * Index key of a field value as the `eq` operators compare it: ids as their string form (`IdInputType`
 * compares `String(value) === String(operand)`), strings as themselves; null and absent values match no
 * `eq`/`in` and get no key.
 */
function keyOf(kind: 'id' | 'string', value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (kind === 'id') return String(value);
  return typeof value === 'string' ? value : undefined;
}

function fieldIndex<R>(
  index: ListIndex<R>,
  spec: ListDefinition<R>['filters'][string],
  store: Store,
  name: string,
): Map<string, R[]> {
  let byKey = index.byField.get(name);
  if (byKey) return byKey;
  byKey = new Map<string, R[]>();
  const kind = spec.kind === 'id' ? 'id' : 'string';
  for (const record of index.records) {
    const value = spec.get(record, store);
    const keys = new Set((Array.isArray(value) ? value : [value]).map((v) => keyOf(kind, v)));
    for (const key of keys) {
      if (key === undefined) continue;
      const list = byKey.get(key);
      if (list) list.push(record);
      else byKey.set(key, [record]);
    }
  }
  index.byField.set(name, byKey);
  return byKey;
}

/** Operands of `eq` (preferred) or `in` as index keys; undefined when neither is given. */
function lookupKeys(kind: 'id' | 'string', operators: Record<string, unknown>): string[] | undefined {
  const toKey = (operand: unknown) => (kind === 'id' ? String(operand) : operand);
  if (operators.eq !== null && operators.eq !== undefined) {
    const key = toKey(operators.eq);
    return typeof key === 'string' ? [key] : [];
  }
  if (Array.isArray(operators.in)) {
    return [...new Set(operators.in.map(toKey))].filter((k): k is string => typeof k === 'string');
  }
  return undefined;
}

/** The smallest candidate set an indexed `eq`/`in` gives, in list order; all records when none applies. */
function candidates<R>(
  index: ListIndex<R>,
  def: ListDefinition<R>,
  store: Store,
  filter: [string, Record<string, unknown>][],
): R[] {
  let best: R[] | undefined;
  for (const [name, operators] of filter) {
    const spec = def.filters[name];
    // Only these kinds compare `eq`/`in` by identity; a date `eq` is a range, a decimal has no `in`.
    if (!spec || !index.indexed.has(name) || (spec.kind !== 'id' && spec.kind !== 'string')) continue;
    const keys = lookupKeys(spec.kind, operators);
    if (keys === undefined) continue;
    const byKey = fieldIndex(index, spec, store, name);
    const found = keys.length === 1 ? (byKey.get(keys[0] as string) ?? []) : union(index, keys, byKey);
    if (!best || found.length < best.length) best = found;
  }
  return best ?? index.records;
}

function union<R>(index: ListIndex<R>, keys: string[], byKey: Map<string, R[]>): R[] {
  const found = new Set<R>();
  for (const key of keys) for (const record of byKey.get(key) ?? []) found.add(record);
  if (!index.position) index.position = new Map(index.records.map((record, i) => [record, i]));
  const position = index.position;
  return [...found].sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
}
