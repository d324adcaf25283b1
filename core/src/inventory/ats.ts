import type { InventoryConfig } from '../config';

/** A supply channel the connector writes stock to. */
export interface SupplyChannel {
  id: string;
  key: string;
}

/** Clarus available stock of one product, per warehouse id. */
export type WarehouseQuantities = ReadonlyMap<number, number>;

/**
 * Safety stock for a SKU on a channel: `sku:<sku>` beats `channel:<key>` beats the default
 * (a SKU buffer is the more specific instruction: it is set for that product wherever it sells).
 */
export function safetyStockFor(
  sku: string,
  channelKey: string,
  config: Pick<InventoryConfig, 'safetyStock' | 'safetyStockOverrides'>,
): number {
  const overrides = config.safetyStockOverrides;
  return overrides[`sku:${sku}`] ?? overrides[`channel:${channelKey}`] ?? config.safetyStock;
}

/** Clarus available summed over the warehouses a channel draws from (all of them when it is not narrowed). */
export function availableForChannel(
  stock: WarehouseQuantities | undefined,
  channelKey: string,
  channelWarehouses: Readonly<Record<string, number[]>>,
): number {
  if (!stock) return 0;
  const narrowed = channelWarehouses[channelKey];
  let total = 0;
  for (const [warehouseId, available] of stock) {
    if (!narrowed || narrowed.includes(warehouseId)) total += Number.isFinite(available) ? available : 0;
  }
  return total;
}

/**
 * ATS(sku, channel) = max(0, floor(available − in-flight − safety stock)).
 * Clarus may report fractional or negative quantities (units of measure, over-allocation): the floor and the
 * zero floor keep the storefront from promising a part unit or a negative count.
 */
export function availableToSell(available: number, inFlight: number, safetyStock: number): number {
  const ats = Math.floor(available - inFlight - safetyStock);
  return Number.isFinite(ats) && ats > 0 ? ats : 0;
}

export interface AtsTarget {
  sku: string;
  channel: SupplyChannel;
  quantity: number;
}

/**
 * ATS for every SKU on every channel. `stock` is keyed by commercetools SKU; a SKU sold on a channel but
 * absent from `stock` gets 0 (Clarus does not hold it).
 */
export function computeAtsTargets(
  skus: Iterable<string>,
  channels: readonly SupplyChannel[],
  stock: ReadonlyMap<string, WarehouseQuantities>,
  inFlight: ReadonlyMap<string, number>,
  config: Pick<InventoryConfig, 'safetyStock' | 'safetyStockOverrides' | 'channelWarehouses'>,
): AtsTarget[] {
  const targets: AtsTarget[] = [];
  for (const sku of skus) {
    for (const channel of channels) {
      const available = availableForChannel(stock.get(sku), channel.key, config.channelWarehouses);
      targets.push({
        sku,
        channel,
        quantity: availableToSell(
          available,
          inFlight.get(sku) ?? 0,
          safetyStockFor(sku, channel.key, config),
        ),
      });
    }
  }
  return targets;
}
