import type { Fault } from '../sandbox/src/clarus-simulator';
import type { SandboxService } from '../sandbox/src/runner/stack';
import type { Exchange, ProxyFault } from './fault-proxy';
import type { PlacedOrder } from './orders';
import type { Prng } from './prng';
import type { PubSubDriver } from './pubsub';
import type { SoakWorld } from './world';

/** The invariants, one check each per seed (docs/soak.md explains each). */
export const CHECKS = [
  'one-goods-out',
  'exports-current',
  'cancelled-not-live',
  'untouchable-orders',
  'account-scope',
  'states-forward',
  'tracking-once',
  'ats',
  'stock-webhook',
  'no-stale-overwrite',
  'partial-read-writes-nothing',
  'messages-acked',
  'logs-clean',
] as const;
export type CheckName = (typeof CHECKS)[number];

/** Shipment states by how far along they are; a write to a lower rank than already reached is a step back. */
export const SHIPMENT_RANK: Record<string, number> = {
  Pending: 0,
  Ready: 0,
  Backorder: 0,
  Delayed: 0,
  Partial: 1,
  Shipped: 2,
  Delivered: 3,
};

export interface StateWrite {
  orderId: string;
  state: string;
  by: string;
}

/** Everything one seed's run shares: the world, the schedule's randomness, what was done and seen. */
export interface SoakRun {
  seed: number;
  world: SoakWorld;
  prng: Prng;
  pubsub: PubSubDriver;
  orders: PlacedOrder[];
  /** Orders the soak cancelled in commercetools. */
  cancelled: Set<string>;
  /** Expected city / order number after an edit made while the export waited. */
  edits: Map<string, { city?: string; orderNumber?: string }>;
  /** Orders whose first dispatch webhook the soak makes fail (the reconciliation pass must catch it up). */
  failDispatchWebhook: Set<string>;
  /** Those whose webhook did fail: no later webhook is sent for them (only reconciliation may catch up). */
  missedDispatch: Set<string>;
  /** Goods outs the warehouse dispatched (Clarus ids). */
  dispatched: Set<number>;
  /** Another account's goods outs (Clarus ids) and their status when seeded. */
  foreignGoodsOuts: Map<number, string>;
  /** Every shipmentState write that landed, in order (apps through the proxies, the soak's own). */
  stateWrites: StateWrite[];
  /** App updates (any POST) to orders, by order id. */
  orderUpdates: Map<string, number>;
  violations: Map<CheckName, string[]>;
  /** Fault firings by class. */
  faults: Map<string, number>;
  /** Scenes played, by name. */
  scenes: Map<string, number>;
  /** Capabilities of the simulator found at start (faults another engineer may still be adding). */
  missing: Set<string>;
}

export function violate(run: SoakRun, check: CheckName, text: string): void {
  const list = run.violations.get(check) ?? [];
  list.push(text);
  run.violations.set(check, list);
}

export function count(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Injects a Clarus simulator fault and remembers its class for the summary. */
export function clarusFault(run: SoakRun, fault: Fault): boolean {
  try {
    run.world.stack.clarus.injectFault(fault);
    return true;
  } catch {
    run.missing.add(`clarus fault ${fault.kind}`);
    return false;
  }
}

/** Injects a commercetools fault in front of one app. */
export function ctFault(run: SoakRun, service: SandboxService, fault: ProxyFault): void {
  run.world.proxies.get(service)?.inject(fault);
}

export function clearFaults(run: SoakRun): void {
  run.world.stack.clarus.clearFaults();
  for (const proxy of run.world.proxies.values()) proxy.clearFaults();
}

const ORDER_UPDATE = /^\/[^/]+\/orders\/([0-9a-f-]{36})$/;

/** Records every order update an app made (and the shipment states it wrote), from the proxies. */
export function observeOrderWrites(run: SoakRun): void {
  run.world.onCommercetoolsExchange((service, e: Exchange) => {
    if (e.method !== 'POST' || e.status !== 200) return;
    const match = ORDER_UPDATE.exec(e.path);
    if (!match) return;
    const orderId = match[1]!;
    count(run.orderUpdates, orderId);
    const actions = (e.requestBody as { actions?: { action: string; shipmentState?: string }[] } | undefined)
      ?.actions;
    for (const action of actions ?? []) {
      if (action.action === 'changeShipmentState' && action.shipmentState) {
        run.stateWrites.push({ orderId, state: action.shipmentState, by: service });
      }
    }
  });
}
