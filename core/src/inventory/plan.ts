import { createHash } from 'node:crypto';
import type { InventoryEntry, Order, ProductVariant } from '@commercetools/platform-sdk';
import { predicateString } from '../commercetools';
import type { InventoryConfig, MappingConfig } from '../config';
import { bundleComponentsOfVariant, warehouseUnitsOf } from '../orders';
import { modifiedAfterRead } from './freshness';
import {
  computeAtsTargets,
  type AtsTarget,
  type BundleDefinition,
  type SupplyChannel,
  type WarehouseQuantities,
} from './ats';

/*
 * Pure decisions of the inventory sync: which warehouses to read, what is in flight, which SKUs go together
 * in one request, and which writes bring the current entries to available-to-sell (stage 3, plan). Nothing
 * here does I/O; which Clarus stock belongs to which SKU is `clarus-stock.ts` over `mapping/sku-index.ts`.
 */

// ---------------------------------------------------------------------------------------------------
// Stock scope
// ---------------------------------------------------------------------------------------------------

/**
 * Which warehouses to read and which each channel draws from. Without INVENTORY_CHANNEL_WAREHOUSES for any
 * target channel, one pool: the account's stock in CLARUS_WAREHOUSE_ID (or in every warehouse when it is not
 * set), read with the `warehouse_id` filter. With narrowing, every warehouse of the account is read; a
 * narrowed channel sums its own warehouses and the others keep the default pool.
 */
export function stockScope(
  channelKeys: readonly string[],
  channelWarehouses: Readonly<Record<string, number[]>>,
  defaultWarehouseId: number | undefined,
): { warehouseFilter: number | undefined; channelWarehouses: Record<string, number[]> } {
  const narrowed = channelKeys.filter((key) => channelWarehouses[key] !== undefined);
  if (narrowed.length === 0) return { warehouseFilter: defaultWarehouseId, channelWarehouses: {} };
  const effective: Record<string, number[]> = {};
  for (const key of channelKeys) {
    const own = channelWarehouses[key];
    if (own) effective[key] = own;
    else if (defaultWarehouseId !== undefined) effective[key] = [defaultWarehouseId];
  }
  return { warehouseFilter: undefined, channelWarehouses: effective };
}

// ---------------------------------------------------------------------------------------------------
// In flight
// ---------------------------------------------------------------------------------------------------

/**
 * Units on orders Clarus has not allocated yet, per SKU: orders that are not cancelled and carry no syncInfo
 * for the Clarus channel (the query already asks for those; this checks again). Bundle lines count their
 * components in `expand` mode (that is what Clarus will allocate); in `native` mode the bundle SKU itself.
 */
export function inFlightQuantities(
  orders: readonly Order[],
  clarusChannelId: string,
  mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>,
): Map<string, number> {
  const quantities = new Map<string, number>();
  const add = (sku: string, quantity: number) => {
    if (quantity > 0) quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  };
  for (const order of orders) {
    if (order.orderState === 'Cancelled') continue;
    if (order.syncInfo?.some((s) => s.channel.id === clarusChannelId)) continue;
    for (const line of order.lineItems) {
      for (const unit of warehouseUnitsOf(line, mapping)) add(unit.sku, unit.quantity);
    }
  }
  return quantities;
}

// ---------------------------------------------------------------------------------------------------
// Bundles (BUNDLE_MODE=expand)
// ---------------------------------------------------------------------------------------------------

/**
 * The bundles among catalogue variants: those whose components attribute reads as a bundle (null components
 * when it is there but unreadable). One definition per SKU, sorted by SKU.
 */
export function bundleDefinitions(
  variants: readonly Pick<ProductVariant, 'sku' | 'attributes'>[],
  attribute: string | undefined,
): BundleDefinition[] {
  const bySku = new Map<string, BundleDefinition>();
  for (const variant of variants) {
    if (!variant.sku || bySku.has(variant.sku)) continue;
    const components = bundleComponentsOfVariant(variant, attribute);
    if (components !== undefined) bySku.set(variant.sku, { sku: variant.sku, components });
  }
  return [...bySku.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** Targets grouped for `planBatch`: SKU → channel id → quantity. */
export function targetsBySku(targets: readonly AtsTarget[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const t of targets) {
    let byChannel = out.get(t.sku);
    if (!byChannel) out.set(t.sku, (byChannel = new Map()));
    byChannel.set(t.channel.id, t.quantity);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------------

export interface BatchLimits {
  /** Entries one query may return (commercetools' page limit is 500). */
  maxEntries?: number;
  /** Most SKUs per batch (tests make batches small to exercise checkpoints). */
  maxSkus?: number;
  /** Characters of the `sku in (…)` list, so the query string stays well inside URL limits. */
  maxPredicateLength?: number;
}

export const DEFAULT_BATCH_LIMITS: Required<BatchLimits> = {
  maxEntries: 500,
  maxSkus: 500,
  maxPredicateLength: 6000,
};

/**
 * Consecutive groups of SKUs (in the order given) small enough that one `sku in (…)` query over all target
 * channels returns at most `maxEntries` entries (one per SKU and channel) and its URL stays short.
 */
export function skuBatches(
  skus: readonly string[],
  channelCount: number,
  limits: BatchLimits = {},
): string[][] {
  const maxEntries = limits.maxEntries ?? DEFAULT_BATCH_LIMITS.maxEntries;
  const maxSkus = limits.maxSkus ?? DEFAULT_BATCH_LIMITS.maxSkus;
  const maxPredicateLength = limits.maxPredicateLength ?? DEFAULT_BATCH_LIMITS.maxPredicateLength;
  const perBatch = Math.max(1, Math.min(maxSkus, Math.floor(maxEntries / Math.max(1, channelCount))));
  const batches: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const sku of skus) {
    const size = predicateString(sku).length + 1;
    if (current.length > 0 && (current.length >= perBatch || length + size > maxPredicateLength)) {
      batches.push(current);
      current = [];
      length = 0;
    }
    current.push(sku);
    length += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Sorted, distinct SKUs (UTF-16 code unit order, the order `>` compares in, so checkpoints resume exactly). */
export function sortedSkus(...sets: Iterable<string>[]): string[] {
  const all = new Set<string>();
  for (const set of sets) for (const sku of set) all.add(sku);
  return [...all].sort();
}

/** Deterministic key of the entry the connector creates for a SKU on a channel (^[A-Za-z0-9_-]+$, ≤ 256). */
export function inventoryEntryKey(channelId: string, sku: string): string {
  return `clarus-${createHash('sha256').update(`${channelId}\n${sku}`, 'utf8').digest('hex').slice(0, 48)}`;
}

// ---------------------------------------------------------------------------------------------------
// The write plan for one batch
// ---------------------------------------------------------------------------------------------------

export interface BatchFacts {
  skus: readonly string[];
  channels: readonly SupplyChannel[];
  /** Current entries of these SKUs on the target channels (duplicates included: each is brought to ATS). */
  entries: readonly InventoryEntry[];
  /** Clarus available per warehouse, for SKUs Clarus has a balance for. */
  stock: ReadonlyMap<string, WarehouseQuantities>;
  /** SKUs without a balance whose product Clarus nevertheless knows (held, with nothing available). */
  knownToClarus: ReadonlySet<string>;
  /** SKUs without entries that have a product variant in commercetools (so their entries get created). */
  variantSkus: ReadonlySet<string>;
  inFlight: ReadonlyMap<string, number>;
  config: Pick<InventoryConfig, 'safetyStock' | 'safetyStockOverrides' | 'channelWarehouses'>;
  /**
   * SKUs whose stock is derived, not held (bundles in BUNDLE_MODE=expand): SKU → channel id → target. They
   * get entries on every channel like held SKUs, whatever Clarus holds under their own code.
   */
  derived?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /**
   * Epoch ms of the Clarus read each SKU's target comes from (`readAtDefault` for SKUs without one: not
   * held, bundles). An entry modified after it is left alone and listed in `newer` (ADR 0007). Absent: no
   * freshness check.
   */
  readAt?: ReadonlyMap<string, number>;
  readAtDefault?: number;
}

/** `readAt`: epoch ms of the Clarus read the quantity comes from (checked again on a 409 or a duplicate). */
export type PlannedWrite =
  | {
      kind: 'update';
      sku: string;
      channel: SupplyChannel;
      quantity: number;
      entry: InventoryEntry;
      readAt?: number;
    }
  | { kind: 'create'; sku: string; channel: SupplyChannel; quantity: number; readAt?: number };

export interface BatchPlan {
  writes: PlannedWrite[];
  /** Entries already at their target. */
  unchanged: number;
  /** SKUs Clarus holds that commercetools sells: their entries carry ATS. */
  synced: string[];
  /** SKUs with entries that Clarus does not hold: set to 0 (never created on other channels). */
  notHeld: string[];
  /** SKUs Clarus holds with no entry on any target channel and no product variant: nothing is written. */
  notSold: string[];
  /** Derived SKUs (bundles): their entries carry the ATS of their components. */
  derived: string[];
  /** Entries modified after the Clarus read their target comes from: not written (a fresher value may be there). */
  newer: { sku: string; channel: SupplyChannel }[];
}

/** Decides, from what was read, the writes that make every entry of the batch equal to its ATS. */
export function planBatch(facts: BatchFacts): BatchPlan {
  const entriesBySku = new Map<string, InventoryEntry[]>();
  for (const entry of facts.entries) {
    const list = entriesBySku.get(entry.sku);
    if (list) list.push(entry);
    else entriesBySku.set(entry.sku, [entry]);
  }
  const derived = facts.derived ?? new Map<string, ReadonlyMap<string, number>>();
  const isHeld = (sku: string) => !derived.has(sku) && (facts.stock.has(sku) || facts.knownToClarus.has(sku));
  const heldAndSold = facts.skus.filter(
    (sku) => isHeld(sku) && (entriesBySku.has(sku) || facts.variantSkus.has(sku)),
  );
  const targets = new Map<string, number>();
  for (const t of computeAtsTargets(heldAndSold, facts.channels, facts.stock, facts.inFlight, facts.config)) {
    targets.set(pairKey(t.sku, t.channel.id), t.quantity);
  }

  const plan: BatchPlan = {
    writes: [],
    unchanged: 0,
    synced: [],
    notHeld: [],
    notSold: [],
    derived: [],
    newer: [],
  };
  const readAtOf = (sku: string) => facts.readAt?.get(sku) ?? facts.readAtDefault;
  const bringToTarget = (
    sku: string,
    entries: readonly InventoryEntry[],
    quantityOn: (channel: SupplyChannel) => number,
    createMissing: boolean,
  ) => {
    for (const channel of facts.channels) {
      const quantity = quantityOn(channel);
      const onChannel = entries.filter((e) => e.supplyChannel?.id === channel.id);
      const readAt = readAtOf(sku);
      for (const entry of onChannel) {
        if (entry.quantityOnStock === quantity) plan.unchanged += 1;
        else if (readAt !== undefined && modifiedAfterRead(entry, readAt)) plan.newer.push({ sku, channel });
        else plan.writes.push({ kind: 'update', sku, channel, quantity, entry, readAt });
      }
      if (onChannel.length === 0 && createMissing)
        plan.writes.push({ kind: 'create', sku, channel, quantity, readAt });
    }
  };
  for (const sku of facts.skus) {
    const entries = entriesBySku.get(sku) ?? [];
    const bundle = derived.get(sku);
    if (bundle) {
      plan.derived.push(sku);
      bringToTarget(sku, entries, (channel) => bundle.get(channel.id) ?? 0, true);
      continue;
    }
    const held = isHeld(sku);
    if (!held && entries.length === 0) continue; // neither side has it (any more)
    if (held && entries.length === 0 && !facts.variantSkus.has(sku)) {
      plan.notSold.push(sku);
      continue;
    }
    (held ? plan.synced : plan.notHeld).push(sku);
    bringToTarget(sku, entries, (channel) => (held ? (targets.get(pairKey(sku, channel.id)) ?? 0) : 0), held);
  }
  return plan;
}

const pairKey = (sku: string, channelId: string) => `${channelId}\n${sku}`;

// ---------------------------------------------------------------------------------------------------
// Time budget
// ---------------------------------------------------------------------------------------------------

/**
 * Whether to checkpoint instead of starting another batch: the batch limit is reached, or the budget left
 * would not cover twice the slowest batch so far (at least `minReserveMs`, for the bookkeeping at the end).
 */
export function shouldCheckpoint(state: {
  now: number;
  deadline: number;
  slowestBatchMs: number;
  batchesDone: number;
  maxBatches?: number;
  minReserveMs?: number;
}): boolean {
  if (state.maxBatches !== undefined && state.batchesDone >= state.maxBatches) return true;
  const reserve = Math.max(state.minReserveMs ?? 5000, 2 * state.slowestBatchMs);
  return state.now + reserve > state.deadline;
}
