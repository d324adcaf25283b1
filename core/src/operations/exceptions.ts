import { z } from 'zod';
import { customObjectKey, type CustomObjects, type StoredObject } from '../commercetools';
import { redact, redactString, type Logger } from '../logging';
import {
  EXCEPTION_KINDS,
  EXCEPTION_KIND_NAMES,
  TEAMS,
  isExceptionKind,
  type ExceptionKind,
  type Team,
} from './exception-kinds';

export const EXCEPTIONS_CONTAINER = 'clarus-exceptions';

export const EXCEPTION_ENTITY_TYPES = ['order', 'sku', 'goods_out', 'message', 'job', 'product'] as const;
export type ExceptionEntityType = (typeof EXCEPTION_ENTITY_TYPES)[number];

/** What an exception is about: ids only (order id + number, SKU, Clarus id), never personal data. */
export interface ExceptionEntity {
  type: ExceptionEntityType;
  id: string;
  orderNumber?: string;
  sku?: string;
}

export type ExceptionStatus = 'open' | 'resolved';

export interface ExceptionRecord {
  key: string;
  kind: ExceptionKind;
  team: Team;
  entity: ExceptionEntity;
  /** Every detail needed to act (ids, codes, quantities, reasons), no personal data. */
  message: string;
  /** What the owning team should do. */
  action: string;
  details?: Record<string, unknown>;
  status: ExceptionStatus;
  /** Occurrences since it was (re)opened. */
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt?: string;
}

export interface RaiseExceptionInput {
  kind: ExceptionKind;
  entity: ExceptionEntity;
  message: string;
  /** Defaults to the kind's action. */
  action?: string;
  /** Defaults to the kind's team (e.g. a validation failure caused by master data goes to operations). */
  team?: Team;
  details?: Record<string, unknown>;
}

export interface ExceptionFilter {
  team?: Team;
  kind?: ExceptionKind;
  status?: ExceptionStatus;
}

export interface OpenExceptionCounts {
  total: number;
  byKind: Partial<Record<ExceptionKind, number>>;
  byTeam: Record<Team, number>;
}

export interface ExceptionStore {
  /** Records an occurrence. `isNew` is true for a first occurrence or one that reopens a resolved exception. */
  raise(input: RaiseExceptionInput): Promise<{ record: ExceptionRecord; isNew: boolean }>;
  /** Marks the exception resolved (the condition cleared). False when there was no open one. */
  resolve(kind: ExceptionKind, entity: Pick<ExceptionEntity, 'type' | 'id'>): Promise<boolean>;
  resolveByKey(key: string): Promise<boolean>;
  get(key: string): Promise<ExceptionRecord | undefined>;
  list(filter?: ExceptionFilter): Promise<ExceptionRecord[]>;
  countsOpen(): Promise<OpenExceptionCounts>;
}

export interface ExceptionStoreOptions {
  now?: () => Date;
  logger?: Logger;
  /** Container name (default `clarus-exceptions`). */
  container?: string;
}

const MAX_MESSAGE = 4000;
const MAX_ACTION = 1000;
// Many instances may raise or resolve the same exception at once (a burst of redeliveries): be patient.
const MAX_ATTEMPTS = 12;

const recordSchema: z.ZodType<ExceptionRecord> = z.object({
  key: z.string(),
  kind: z.enum(EXCEPTION_KIND_NAMES as [ExceptionKind, ...ExceptionKind[]]),
  team: z.enum(TEAMS),
  entity: z.object({
    type: z.enum(EXCEPTION_ENTITY_TYPES),
    id: z.string(),
    orderNumber: z.string().optional(),
    sku: z.string().optional(),
  }),
  message: z.string(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(['open', 'resolved']),
  count: z.number().int().min(1),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  resolvedAt: z.string().optional(),
});

/** Deterministic key: one record per kind and entity, whatever raised it. */
export function exceptionKey(kind: ExceptionKind, entity: Pick<ExceptionEntity, 'type' | 'id'>): string {
  return customObjectKey(kind, entity.type, entity.id);
}

/**
 * Open exceptions as Custom Objects (container `clarus-exceptions`), one per kind + entity, so a repeat
 * updates the same record. Every write is compare-and-set (create-only or versioned) through
 * `CustomObjects.modify`, so concurrent raisers never lose a count or a reopen.
 *
 * Messages and details pass through the log redaction (e-mail addresses, personal-data field names) as a
 * last line of defence; raisers are expected to put ids, codes and reasons only.
 */
export function createExceptionStore(
  objects: CustomObjects,
  options: ExceptionStoreOptions = {},
): ExceptionStore {
  const container = options.container ?? EXCEPTIONS_CONTAINER;
  const now = options.now ?? (() => new Date());
  const logger = options.logger;

  const parse = (stored: StoredObject<unknown> | undefined): ExceptionRecord | undefined => {
    if (!stored) return undefined;
    const parsed = recordSchema.safeParse(stored.value);
    if (parsed.success) return parsed.data;
    logger?.warn('ignoring malformed exception record', { container, key: stored.key });
    return undefined;
  };

  const raise: ExceptionStore['raise'] = async (input) => {
    if (!isExceptionKind(input.kind)) throw new RangeError(`unknown exception kind "${String(input.kind)}"`);
    if (!EXCEPTION_ENTITY_TYPES.includes(input.entity.type) || !input.entity.id) {
      throw new RangeError('an exception needs an entity with a known type and an id');
    }
    if (input.team && !TEAMS.includes(input.team))
      throw new RangeError(`unknown team "${String(input.team)}"`);
    const kindInfo = EXCEPTION_KINDS[input.kind];
    const key = exceptionKey(input.kind, input.entity);
    const message = redactString(input.message, []).slice(0, MAX_MESSAGE);
    const action = redactString(input.action ?? kindInfo.action, []).slice(0, MAX_ACTION);
    const details =
      input.details === undefined ? undefined : (redact(input.details) as Record<string, unknown>);
    const entity = clean(input.entity);
    let isNew = false;

    const result = await objects.modify<ExceptionRecord>(
      container,
      key,
      (current) => {
        const at = now().toISOString();
        const previous = parse(current);
        const common: Pick<ExceptionRecord, 'key' | 'kind' | 'team' | 'message' | 'action' | 'details'> = {
          key,
          kind: input.kind,
          team: input.team ?? kindInfo.team,
          message,
          action,
          details,
        };
        if (previous && previous.status === 'open') {
          isNew = false;
          return clean<ExceptionRecord>({
            ...common,
            entity: { ...previous.entity, ...entity },
            status: 'open',
            count: previous.count + 1,
            firstSeenAt: previous.firstSeenAt,
            lastSeenAt: at,
          });
        }
        // First occurrence, or the condition came back after it was resolved: a new episode.
        isNew = true;
        return clean<ExceptionRecord>({
          ...common,
          entity,
          status: 'open',
          count: 1,
          firstSeenAt: at,
          lastSeenAt: at,
        });
      },
      { maxAttempts: MAX_ATTEMPTS },
    );
    const record = parse(result.object);
    if (!record) throw new Error(`exception ${key} could not be read back`);
    if (isNew) logger?.info('exception opened', { kind: record.kind, team: record.team, key });
    return { record, isNew };
  };

  const resolveByKey: ExceptionStore['resolveByKey'] = async (key) => {
    const result = await objects.modify<ExceptionRecord>(
      container,
      key,
      (current) => {
        const previous = parse(current);
        if (!previous || previous.status !== 'open') return undefined;
        return { ...previous, status: 'resolved', resolvedAt: now().toISOString() };
      },
      { maxAttempts: MAX_ATTEMPTS },
    );
    if (result.changed) logger?.info('exception resolved', { key });
    return result.changed;
  };

  const list: ExceptionStore['list'] = async (filter = {}) => {
    // Filters may come straight from the operations API: only known values reach a query predicate.
    if (filter.status && filter.status !== 'open' && filter.status !== 'resolved') {
      throw new RangeError(`unknown exception status "${String(filter.status)}"`);
    }
    if (filter.team && !TEAMS.includes(filter.team))
      throw new RangeError(`unknown team "${String(filter.team)}"`);
    if (filter.kind && !isExceptionKind(filter.kind))
      throw new RangeError(`unknown exception kind "${String(filter.kind)}"`);
    const where: string[] = [];
    if (filter.status) where.push(`value(status = "${filter.status}")`);
    if (filter.team) where.push(`value(team = "${filter.team}")`);
    if (filter.kind) where.push(`value(kind = "${filter.kind}")`);
    const stored = await objects.queryAll<unknown>(container, {
      where: where.length ? [where.join(' and ')] : undefined,
    });
    return stored.map(parse).filter((r): r is ExceptionRecord => r !== undefined);
  };

  return {
    raise,
    resolve: (kind, entity) => resolveByKey(exceptionKey(kind, entity)),
    resolveByKey,
    get: async (key) => parse(await objects.get<unknown>(container, key)),
    list,
    countsOpen: async () => {
      const counts: OpenExceptionCounts = {
        total: 0,
        byKind: {},
        byTeam: { ecommerce: 0, operations: 0, finance: 0 },
      };
      for (const record of await list({ status: 'open' })) {
        counts.total += 1;
        counts.byKind[record.kind] = (counts.byKind[record.kind] ?? 0) + 1;
        counts.byTeam[record.team] += 1;
      }
      return counts;
    },
  };
}

/** Drops undefined fields: Custom Object values should not carry them (nor nulls, which the API drops). */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
