import type { Order } from '@commercetools/platform-sdk';
import { allInventoryEntries } from '../sandbox/src/fixtures';
import type { SoakRun } from './context';
import { CATALOGUE, CHANNEL_KEYS, clarusCodeOf, FILLERS, NOT_IN_CLARUS, SOAK_SETTINGS } from './world';

/** Every SKU commercetools sells in the soak. */
export const SOLD_SKUS: readonly string[] = [...CATALOGUE, NOT_IN_CLARUS, ...FILLERS];

/**
 * Available-to-sell from first principles (DESIGN.md "Available-to-sell"), not from the product's code:
 *   ATS(sku, channel) = max(0, floor(available − in_flight − safety_stock))
 * - available: the simulator's `available` of our account for the SKU's Clarus code, summed over warehouses
 *   (the sandbox maps no channel to particular warehouses);
 * - in_flight: units on orders created within INFLIGHT_LOOKBACK_MINUTES (by the apps' clock) that are not
 *   cancelled and carry no syncInfo for the Clarus channel;
 * - safety_stock: `sku:` override, else `channel:` override, else SAFETY_STOCK.
 * Keyed `${sku}|${channelKey}`.
 */
export async function expectedAts(
  run: SoakRun,
  skus: readonly string[] = SOLD_SKUS,
): Promise<Map<string, number>> {
  const { stack, clock, clarusChannel } = run.world;
  const accountId = stack.clarus.accountId;
  const available = new Map<string, number>();
  for (const row of stack.clarus.stockBalances()) {
    if (row.account_id !== accountId) continue;
    available.set(row.product_code, (available.get(row.product_code) ?? 0) + row.available);
  }
  const lookbackMs = Number(SOAK_SETTINGS.INFLIGHT_LOOKBACK_MINUTES) * 60_000;
  const since = clock.now() - lookbackMs;
  const inFlight = new Map<string, number>();
  for (const order of await ordersWithSkus(run, skus)) {
    if (Date.parse(order.createdAt) < since) continue;
    if (order.orderState === 'Cancelled') continue;
    if (order.syncInfo.some((s) => s.channel.id === clarusChannel.id)) continue;
    for (const line of order.lineItems) {
      const sku = line.variant.sku;
      if (sku) inFlight.set(sku, (inFlight.get(sku) ?? 0) + line.quantity);
    }
  }
  const safetyDefault = Number(stack.env.SAFETY_STOCK);
  const overrides = JSON.parse(stack.env.SAFETY_STOCK_OVERRIDES ?? '{}') as Record<string, number>;
  const out = new Map<string, number>();
  for (const sku of skus) {
    const held = sku === NOT_IN_CLARUS ? 0 : (available.get(clarusCodeOf(sku)) ?? 0);
    for (const channel of CHANNEL_KEYS) {
      const safety = overrides[`sku:${sku}`] ?? overrides[`channel:${channel}`] ?? safetyDefault;
      out.set(`${sku}|${channel}`, Math.max(0, Math.floor(held - (inFlight.get(sku) ?? 0) - safety)));
    }
  }
  return out;
}

/** quantityOnStock of every entry, `${sku}|${channelKey}` → values (more than one = a duplicate entry). */
export async function entriesByKey(run: SoakRun): Promise<Map<string, number[]>> {
  const keyOf = new Map(run.world.supplyChannels.map((c) => [c.id, c.key]));
  const out = new Map<string, number[]>();
  for (const entry of await allInventoryEntries(run.world.stack.api)) {
    const channel = entry.supplyChannel ? keyOf.get(entry.supplyChannel.id) : undefined;
    if (!channel) continue;
    const key = `${entry.sku}|${channel}`;
    out.set(key, [...(out.get(key) ?? []), entry.quantityOnStock]);
  }
  return out;
}

/** Differences between entries and expected ATS, as readable lines (empty when they agree). */
export function atsDifferences(expected: Map<string, number>, entries: Map<string, number[]>): string[] {
  const out: string[] = [];
  for (const [key, want] of expected) {
    const got = entries.get(key) ?? [];
    if (got.length !== 1 || got[0] !== want) {
      out.push(`${key}: entry ${got.length ? got.join('+') : 'missing'}, ATS ${want}`);
    }
  }
  return out;
}

/** The soak's orders holding any of `skus` (by SKU for a few, else every order by id). */
async function ordersWithSkus(run: SoakRun, skus: readonly string[]): Promise<Order[]> {
  const wanted = new Set(skus);
  const wheres: string[] = [];
  if (skus.length <= 5) {
    wheres.push(`lineItems(variant(sku in (${skus.map((s) => `"${s}"`).join(', ')})))`);
  } else {
    const ids = run.orders.map((o) => o.id);
    for (let i = 0; i < ids.length; i += 100) {
      wheres.push(
        `id in (${ids
          .slice(i, i + 100)
          .map((id) => `"${id}"`)
          .join(', ')})`,
      );
    }
  }
  const orders: Order[] = [];
  for (const where of wheres) {
    for (let offset = 0; ; offset += 500) {
      const page = await run.world.stack.api
        .orders()
        .get({ queryArgs: { where, limit: 500, offset } })
        .execute();
      for (const order of page.body.results) {
        if (order.lineItems.some((l) => l.variant.sku && wanted.has(l.variant.sku))) orders.push(order);
      }
      if (page.body.results.length < 500) break;
    }
  }
  return orders;
}
