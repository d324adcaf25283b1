import type { InventoryConfig } from '../config';
import type { BundleComponent } from '../orders';

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

/**
 * Available-to-sell of a bundle on one channel (BUNDLE_MODE=expand: Clarus holds the components, not the
 * bundle): min over its components of floor(ATS(component) / units of it per bundle). `componentAts` is the
 * components' ATS on that channel; a component missing from it (unknown to Clarus) makes the bundle 0, and so
 * does a bundle without components or with a component quantity that is not a positive number.
 */
export function bundleAvailableToSell(
  components: readonly BundleComponent[],
  componentAts: ReadonlyMap<string, number>,
): number {
  if (components.length === 0) return 0;
  let bundles = Infinity;
  for (const component of components) {
    const ats = componentAts.get(component.sku);
    if (ats === undefined || !Number.isFinite(ats) || !(component.quantity > 0)) return 0;
    bundles = Math.min(bundles, Math.floor(ats / component.quantity));
  }
  return Number.isFinite(bundles) && bundles > 0 ? bundles : 0;
}

/** A bundle variant sold in commercetools: its components, or null when its attribute cannot be read. */
export interface BundleDefinition {
  sku: string;
  components: readonly BundleComponent[] | null;
}

/**
 * ATS of every bundle on every channel, from its components' ATS on that channel (`computeAtsTargets`, so the
 * same stock, in-flight and safety-stock rules). An unreadable bundle gets 0 so it cannot be oversold.
 */
export function computeBundleTargets(
  bundles: readonly BundleDefinition[],
  channels: readonly SupplyChannel[],
  stock: ReadonlyMap<string, WarehouseQuantities>,
  inFlight: ReadonlyMap<string, number>,
  config: Pick<InventoryConfig, 'safetyStock' | 'safetyStockOverrides' | 'channelWarehouses'>,
): AtsTarget[] {
  const componentSkus = new Set(bundles.flatMap((b) => (b.components ?? []).map((c) => c.sku)));
  const held = [...componentSkus].filter((sku) => stock.has(sku));
  const byChannel = new Map<string, Map<string, number>>(channels.map((c) => [c.id, new Map()]));
  for (const t of computeAtsTargets(held, channels, stock, inFlight, config)) {
    byChannel.get(t.channel.id)?.set(t.sku, t.quantity);
  }
  const targets: AtsTarget[] = [];
  for (const bundle of bundles) {
    for (const channel of channels) {
      const quantity = bundle.components
        ? bundleAvailableToSell(bundle.components, byChannel.get(channel.id) ?? new Map())
        : 0;
      targets.push({ sku: bundle.sku, channel, quantity });
    }
  }
  return targets;
}
