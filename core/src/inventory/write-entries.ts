import type { InventoryEntry, InventoryEntryUpdateAction } from '@commercetools/platform-sdk';
import { isClarusError } from '../clarus';
import {
  commercetoolsErrorInfo,
  ConcurrentModificationExhaustedError,
  isTransientCommercetoolsError,
  updateWithRecompute,
} from '../commercetools';
import type { Logger } from '../logging';
import type { SupplyChannel } from './ats';
import { modifiedAfterRead } from './freshness';
import type { InventoryGateway } from './inventory-gateway';
import { inventoryEntryKey, type PlannedWrite } from './plan';

/*
 * Stage 4, write: brings entries to their planned quantity with versioned `changeQuantity` (re-decided on
 * the fresh entry after a 409) and deterministic-key creates. An entry found modified after the Clarus read
 * of its quantity — on the 409 re-read, or as the entry another writer created first — is left alone
 * (`newer`, ADR 0007).
 */

export type WriteResult = 'created' | 'updated' | 'unchanged' | 'newer';

export interface WriteFailure {
  channel: SupplyChannel;
  /** False for failures a later run can fix (timeouts, 5xx, an entry that kept changing). */
  permanent: boolean;
  detail: string;
}

/** What writing a batch's plan did. */
export interface WritesOutcome {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** SKU → the writes that failed. */
  failures: Map<string, WriteFailure[]>;
  /** Entries left alone because they changed after the Clarus read (SKU and channel). */
  newer: { sku: string; channel: SupplyChannel }[];
}

export interface WriteDeps {
  gateway: Pick<InventoryGateway, 'getEntry' | 'changeQuantity' | 'createEntry' | 'entriesFor'>;
  logger: Logger;
  /** Writes in flight at once (INVENTORY_WRITE_CONCURRENCY). */
  concurrency: number;
  /**
   * Slots shared with other batches writing at the same time (the job keeps several batches in flight so
   * the writes of one do not wait for the last write of the one before); `concurrency` bounds them.
   */
  slots?: Slots;
}

/** Runs a task when one of a fixed number of slots is free (FIFO); the answer is the task's. */
export type Slots = <T>(task: () => Promise<T>) => Promise<T>;

/** `count` slots (at least 1). */
export function createSlots(count: number): Slots {
  let free = Math.max(1, count);
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

/** Runs every planned write; a failing write is counted and listed, never thrown. */
export async function writeEntries(deps: WriteDeps, writes: readonly PlannedWrite[]): Promise<WritesOutcome> {
  const outcome: WritesOutcome = {
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    failures: new Map(),
    newer: [],
  };
  const slots = deps.slots ?? createSlots(deps.concurrency);
  await forEachConcurrently(writes, deps.slots ? writes.length : deps.concurrency, (w) =>
    slots(async () => {
      try {
        const result = await writeOne(deps, w);
        if (result === 'newer') outcome.newer.push({ sku: w.sku, channel: w.channel });
        else outcome[result] += 1;
      } catch (err) {
        outcome.failed += 1;
        const permanent = !(
          isTransientCommercetoolsError(err) || err instanceof ConcurrentModificationExhaustedError
        );
        const detail = describeFailure(err);
        deps.logger.warn('inventory write failed', {
          sku: w.sku,
          channel: w.channel.key,
          permanent,
          error: detail,
        });
        const list = outcome.failures.get(w.sku) ?? [];
        list.push({ channel: w.channel, permanent, detail });
        outcome.failures.set(w.sku, list);
      }
    }),
  );
  return outcome;
}

async function update(
  deps: WriteDeps,
  entry: InventoryEntry,
  quantity: number,
  readAt: number | undefined,
): Promise<WriteResult> {
  let newer = false;
  const result = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
    initial: entry,
    load: () => deps.gateway.getEntry(entry.id),
    // Re-decided on the fresh entry after a 409: another writer may already have set the value, or have
    // written one read from Clarus after ours.
    decide: (fresh) => {
      if (fresh.quantityOnStock === quantity) return [];
      if (fresh !== entry && readAt !== undefined && modifiedAfterRead(fresh, readAt)) {
        newer = true;
        return [];
      }
      return [{ action: 'changeQuantity', quantity }];
    },
    apply: (fresh) => deps.gateway.changeQuantity(fresh, quantity),
    label: 'inventory-entry',
    logger: deps.logger,
  });
  if (newer) return 'newer';
  return result.changed ? 'updated' : 'unchanged';
}

async function writeOne(deps: WriteDeps, w: PlannedWrite): Promise<WriteResult> {
  if (w.kind === 'update') return update(deps, w.entry, w.quantity, w.readAt);
  try {
    await deps.gateway.createEntry({
      // Deterministic: the real API refuses a second entry with this key (or for this SKU and channel),
      // so a create repeated by a retry or a concurrent webhook fails instead of duplicating.
      key: inventoryEntryKey(w.channel.id, w.sku),
      sku: w.sku,
      supplyChannel: { typeId: 'channel', id: w.channel.id },
      quantityOnStock: w.quantity,
    });
    return 'created';
  } catch (err) {
    const { statusCode } = commercetoolsErrorInfo(err);
    if (statusCode !== 400 && statusCode !== 409) throw err;
    // DuplicateField and friends: someone created it since we read. Bring that entry to the target,
    // unless it was written after our Clarus read.
    const [existing] = await deps.gateway.entriesFor([w.sku], [w.channel.id]);
    if (!existing) throw err;
    if (existing.quantityOnStock === w.quantity) return 'unchanged';
    if (w.readAt !== undefined && modifiedAfterRead(existing, w.readAt)) return 'newer';
    return update(deps, existing, w.quantity, w.readAt);
  }
}

/** A short description of a write or read failure (status, code, API message); never a request body. */
export function describeFailure(err: unknown): string {
  if (isClarusError(err)) return err.message;
  if (err instanceof ConcurrentModificationExhaustedError) return err.message;
  const info = commercetoolsErrorInfo(err);
  if (info.statusCode !== undefined) {
    return [`HTTP ${info.statusCode}`, info.code, info.message].filter(Boolean).join(' ');
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs `fn` over `items` with at most `concurrency` in flight; `fn` handles its own errors. */
async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
