import type { Logger } from '../logging';
import { exampleSkuFor, skuCollisionMessage, type SkuCollision, type SkuTranslator } from '../mapping';
import { exceptionKey, type ExceptionEntity, type ExceptionKind, type ExceptionStore } from '../operations';
import type { SupplyChannel } from './ats';
import type { BatchPlan } from './plan';
import { describeFailure, type WriteFailure } from './write-entries';

/*
 * Stage 5, record: the operations exceptions of the inventory sync, raised when a condition appears and
 * resolved when it clears. Recording never fails a run: a store error is logged.
 */

export const KIND_NOT_HELD: ExceptionKind = 'sku-not-held-by-clarus';
export const KIND_NOT_SOLD: ExceptionKind = 'sku-not-sold-in-commercetools';
export const KIND_WRITE_FAILED: ExceptionKind = 'inventory-write-failed';
export const KIND_SKU_COLLISION: ExceptionKind = 'sku-collision';

/** Exceptions raised and resolved (a run's summary adds them up). */
export interface ExceptionCounts {
  exceptionsRaised: number;
  exceptionsResolved: number;
}

/** Which exceptions are open, so a steady condition is not re-raised every run and clearing is cheap. */
export interface ExceptionTracker {
  isOpen(kind: ExceptionKind, id: string): Promise<boolean>;
  set(kind: ExceptionKind, id: string, open: boolean): void;
  /** Every open id of a kind, when known (the job preloads them). */
  openIds(kind: ExceptionKind): string[] | undefined;
}

export interface RecordDeps {
  exceptions: ExceptionStore;
  translator: SkuTranslator;
  logger: Logger;
}

const channelList = (channels: readonly SupplyChannel[]) =>
  channels.length === 1 ? `channel ${channels[0]?.key}` : `channels ${channels.map((c) => c.key).join(', ')}`;

export function createInventoryRecorder(deps: RecordDeps) {
  const { exceptions, logger, translator } = deps;

  async function raise(
    ctx: { tracker: ExceptionTracker; counts: ExceptionCounts },
    kind: ExceptionKind,
    entity: ExceptionEntity,
    message: string,
    details: Record<string, unknown>,
    options: { onlyIfNotOpen: boolean },
  ): Promise<void> {
    try {
      if (options.onlyIfNotOpen && (await ctx.tracker.isOpen(kind, entity.id))) return;
      const { isNew } = await exceptions.raise({ kind, entity, message, details });
      ctx.tracker.set(kind, entity.id, true);
      if (isNew) ctx.counts.exceptionsRaised += 1;
    } catch (err) {
      logger.warn('could not record an inventory exception', {
        kind,
        id: entity.id,
        error: describeFailure(err),
      });
    }
  }

  async function resolve(
    ctx: { tracker: ExceptionTracker; counts: ExceptionCounts },
    kind: ExceptionKind,
    id: string,
  ): Promise<void> {
    try {
      if (!(await ctx.tracker.isOpen(kind, id))) return;
      if (await exceptions.resolve(kind, { type: 'sku', id })) ctx.counts.exceptionsResolved += 1;
      ctx.tracker.set(kind, id, false);
    } catch (err) {
      logger.warn('could not resolve an inventory exception', { kind, id, error: describeFailure(err) });
    }
  }

  /**
   * Codes no SKU of the catalogue translates to raise "not sold" (the full run only: it knows the whole
   * catalogue); codes two SKUs share raise `sku-collision` naming both (any path). Only the master-data
   * audit, which reads every variant, resolves a collision. `unmapped` undefined: no "not sold" bookkeeping.
   */
  async function codeLevel(
    ctx: { tracker: ExceptionTracker; counts: ExceptionCounts; channels: readonly SupplyChannel[] },
    unmapped: ReadonlySet<string> | undefined,
    collisions: readonly SkuCollision[],
  ): Promise<void> {
    for (const collision of collisions) {
      await raise(
        ctx,
        KIND_SKU_COLLISION,
        { type: 'sku', id: collision.code },
        skuCollisionMessage(collision),
        { clarusCode: collision.code, skus: collision.skus },
        { onlyIfNotOpen: true },
      );
    }
    if (!unmapped) return;
    for (const code of [...unmapped].sort()) {
      const example = exampleSkuFor(translator, code);
      await raise(
        ctx,
        KIND_NOT_SOLD,
        { type: 'sku', id: code, ...(example ? { sku: example } : {}) },
        `Clarus holds product ${code}, but no commercetools product variant or inventory entry on` +
          ` ${channelList(ctx.channels)} has a SKU that translates to it under CLARUS_SKU_RULES` +
          (example ? ` (e.g. SKU ${example}).` : ' (check the prefix, suffix and padding rules).'),
        { clarusCode: code },
        { onlyIfNotOpen: true },
      );
    }
    // Cleared: the code is sold now (by one SKU or in a collision) or Clarus no longer has a balance for it.
    for (const code of ctx.tracker.openIds(KIND_NOT_SOLD) ?? []) {
      if (!unmapped.has(code)) await resolve(ctx, KIND_NOT_SOLD, code);
    }
  }

  /**
   * A batch's SKU-level conditions: not held, write failures, and (`reportNotSold`: the full run, which knows
   * every SKU sold) a held SKU whose entries and variant are gone; then the ones that cleared.
   */
  async function batch(
    ctx: { tracker: ExceptionTracker; counts: ExceptionCounts; channels: readonly SupplyChannel[] },
    plan: Pick<BatchPlan, 'synced' | 'notHeld' | 'notSold' | 'derived'>,
    failures: ReadonlyMap<string, WriteFailure[]>,
    reportNotSold: boolean,
  ): Promise<void> {
    for (const sku of reportNotSold ? plan.notSold : []) {
      const code = translator.toClarus(sku);
      await raise(
        ctx,
        KIND_NOT_SOLD,
        { type: 'sku', id: code, sku },
        `Clarus holds product ${code} (commercetools SKU ${sku} by CLARUS_SKU_RULES) but commercetools has no` +
          ` product variant with that SKU and no inventory entry on ${channelList(ctx.channels)}.`,
        { clarusCode: code, sku },
        { onlyIfNotOpen: true },
      );
    }
    for (const sku of plan.notHeld) {
      const code = translator.toClarus(sku);
      await raise(
        ctx,
        KIND_NOT_HELD,
        { type: 'sku', id: sku, sku },
        `SKU ${sku} has inventory entries (target ${channelList(ctx.channels)}) but Clarus holds no product` +
          ` ${code} (its code by CLARUS_SKU_RULES); its stock was set to 0 so it cannot be oversold.`,
        { clarusCode: code },
        { onlyIfNotOpen: true },
      );
    }
    for (const [sku, list] of failures) {
      const permanent = list.filter((f) => f.permanent);
      if (permanent.length === 0) continue; // transient: the next run retries; no exception yet
      await raise(
        ctx,
        KIND_WRITE_FAILED,
        { type: 'sku', id: sku, sku },
        `Writing available-to-sell for SKU ${sku} failed on ${permanent
          .map((f) => `${f.channel.key} (${f.detail})`)
          .join('; ')}.`,
        { channels: permanent.map((f) => f.channel.key) },
        { onlyIfNotOpen: false },
      );
    }
    // Conditions that cleared. A bundle is derived, not held: never "not held".
    for (const sku of [...plan.synced, ...plan.derived]) await resolve(ctx, KIND_NOT_HELD, sku);
    for (const sku of [...plan.synced, ...plan.notHeld, ...plan.derived]) {
      if (!failures.has(sku)) await resolve(ctx, KIND_WRITE_FAILED, sku);
    }
  }

  /** Open ids of the job's kinds, read once per run. */
  async function preloadedTracker(): Promise<ExceptionTracker> {
    const open = new Map<ExceptionKind, Set<string>>();
    for (const kind of [KIND_NOT_HELD, KIND_NOT_SOLD, KIND_WRITE_FAILED, KIND_SKU_COLLISION]) {
      const records = await exceptions.list({ kind, status: 'open' });
      open.set(kind, new Set(records.map((r) => r.entity.id)));
    }
    const setOf = (kind: ExceptionKind) => {
      let ids = open.get(kind);
      if (!ids) open.set(kind, (ids = new Set()));
      return ids;
    };
    return {
      isOpen: async (kind, id) => setOf(kind).has(id),
      set: (kind, id, isOpen) => void (isOpen ? setOf(kind).add(id) : setOf(kind).delete(id)),
      openIds: (kind) => [...setOf(kind)],
    };
  }

  /** Looks each exception up when first needed (the one-SKU path touches a few). */
  function lazyTracker(): ExceptionTracker {
    const known = new Map<string, boolean>();
    const key = (kind: ExceptionKind, id: string) => exceptionKey(kind, { type: 'sku', id });
    return {
      async isOpen(kind, id) {
        const k = key(kind, id);
        let open = known.get(k);
        if (open === undefined) {
          open = (await exceptions.get(k))?.status === 'open';
          known.set(k, open);
        }
        return open;
      },
      set: (kind, id, open) => void known.set(key(kind, id), open),
      openIds: () => undefined,
    };
  }

  return { raise, resolve, codeLevel, batch, preloadedTracker, lazyTracker };
}

export type InventoryRecorder = ReturnType<typeof createInventoryRecorder>;
