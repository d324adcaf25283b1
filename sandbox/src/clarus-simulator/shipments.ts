import { requireGoodsOut } from './goods-outs';
import { consumeForDispatch, releaseLine } from './stock';
import type { GoodsOutState, LineState, Store } from './store';
import type { Carrier, DispatchShipmentSpec, Package, Shipment, ShipmentLine } from './types';

/**
 * Warehouse-side fulfilment driven by tests: picking, packing, labelling (a 'pending' shipment with
 * tracking numbers already on its packages) and dispatch (shipment 'dispatched', line
 * `dispatch_quantity` raised, stock consumed).
 */

export function carrierOf(store: Store, goodsOut: GoodsOutState): Carrier | null {
  const serviceId = goodsOut.attributes.carrier_service_id;
  const service = typeof serviceId === 'number' ? store.carrierServices.get(serviceId) : undefined;
  if (service) return service.carrier;
  const carrierId = goodsOut.attributes.carrier_id;
  return (typeof carrierId === 'number' && store.carriers.get(carrierId)) || null;
}

/** Creates the shipments; returns them. Throws (a test error, not an HTTP one) on impossible requests. */
export function createShipments(
  store: Store,
  goodsOutId: number,
  specs: DispatchShipmentSpec[] | undefined,
  complete: boolean | undefined,
): Shipment[] {
  const goodsOut = requireGoodsOut(store, goodsOutId);
  if (goodsOut.status === 'CANCELLED' || goodsOut.status === 'COMPLETED' || goodsOut.status === 'DRAFT') {
    throw new Error(
      `Clarus simulator: goods out ${goodsOutId} is ${goodsOut.status} and cannot be dispatched`,
    );
  }
  const created: Shipment[] = [];
  for (const spec of specs ?? [{}]) {
    const lines = resolveLines(store, goodsOut, spec.lines);
    const shipment = newShipment(store, goodsOut, lines, spec);
    store.shipments.set(shipment.id, shipment);
    store.touch();
    for (const planned of lines) {
      const line = goodsOut.lines.find((l) => l.id === planned.line_id) as LineState;
      line.pick_quantity += planned.quantity;
    }
    if (shipment.status === 'dispatched') applyDispatch(store, goodsOut, shipment);
    created.push(shipment);
  }
  settleStatus(store, goodsOut, complete);
  return created;
}

/** The carrier manifest closed for a shipment that was labelled earlier. */
export function dispatchPendingShipment(
  store: Store,
  shipmentId: number,
  complete: boolean | undefined,
): Shipment {
  const shipment = store.shipments.get(shipmentId);
  if (!shipment) throw new Error(`Clarus simulator: unknown shipment id ${shipmentId}`);
  if (shipment.status !== 'pending') {
    throw new Error(`Clarus simulator: shipment ${shipmentId} is ${shipment.status}, not pending`);
  }
  const goodsOut = requireGoodsOut(store, shipment.goods_out_id);
  shipment.status = 'dispatched';
  applyDispatch(store, goodsOut, shipment);
  settleStatus(store, goodsOut, complete);
  return shipment;
}

/**
 * A package re-labelled after dispatch (lost label, carrier swap): its `tracking_number` changes, and with
 * `carrierServiceCode` its shipment moves to that (seeded) carrier service and its carrier. Returns the
 * shipment.
 */
export function relabelPackage(
  store: Store,
  packageId: number,
  change: { trackingNumber?: string; carrierServiceCode?: string },
): Shipment {
  const shipment = [...store.shipments.values()].find((s) => s.packages.some((p) => p.id === packageId));
  if (!shipment) throw new Error(`Clarus simulator: unknown package id ${packageId}`);
  const pkg = shipment.packages.find((p) => p.id === packageId)!;
  if (change.carrierServiceCode !== undefined) {
    const service = [...store.carrierServices.values()].find((cs) => cs.code === change.carrierServiceCode);
    if (!service) throw new Error(`Clarus simulator: unknown carrier service ${change.carrierServiceCode}`);
    shipment.carrier = { ...service.carrier };
    shipment.carrier_service = { id: service.id, code: service.code, name: service.name };
  }
  if (change.trackingNumber !== undefined) pkg.tracking_number = change.trackingNumber;
  return shipment;
}

function applyDispatch(store: Store, goodsOut: GoodsOutState, shipment: Shipment): void {
  shipment.collection_datetime = store.isoNow();
  for (const planned of shipment.lines) {
    const line = goodsOut.lines.find((l) => l.id === planned.line_id);
    if (line) consumeForDispatch(store, line, planned.quantity, goodsOut.attributes.warehouse_id);
  }
  goodsOut.attributes.actual_date_of_dispatch = shipment.collection_datetime;
}

/** COMPLETED when everything left (or `complete` forces it: short-shipped lines); else PICK. */
function settleStatus(store: Store, goodsOut: GoodsOutState, complete: boolean | undefined): void {
  const fullyDispatched = goodsOut.lines.every((l) => l.dispatch_quantity >= l.order_quantity);
  const shouldComplete = complete ?? fullyDispatched;
  if (shouldComplete) {
    for (const line of goodsOut.lines) {
      if (line.dispatch_quantity < line.order_quantity) {
        line.short_status = 'short';
        releaseLine(store, line, goodsOut.attributes.warehouse_id);
      }
    }
    goodsOut.status = 'COMPLETED';
  } else {
    goodsOut.status = 'PICK';
  }
  goodsOut.updated_at = store.isoNow();
}

/** Quantity of a line not yet dispatched nor planned on a pending shipment. */
function remaining(store: Store, line: LineState): number {
  const planned = [...store.shipments.values()]
    .filter((s) => s.status === 'pending')
    .flatMap((s) => s.lines)
    .filter((l) => l.line_id === line.id)
    .reduce((sum, l) => sum + l.quantity, 0);
  return Math.max(0, line.order_quantity - line.dispatch_quantity - planned);
}

function resolveLines(
  store: Store,
  goodsOut: GoodsOutState,
  requested: { productCode: string; quantity: number }[] | undefined,
): ShipmentLine[] {
  const codeOf = (line: LineState) => store.products.get(line.product_id)?.code ?? '';
  if (!requested) {
    return goodsOut.lines
      .map((line) => ({ line_id: line.id, product_code: codeOf(line), quantity: remaining(store, line) }))
      .filter((l) => l.quantity > 0);
  }
  const result: ShipmentLine[] = [];
  const taken = new Map<number, number>();
  for (const { productCode, quantity } of requested) {
    let left = quantity;
    for (const line of goodsOut.lines.filter((l) => codeOf(l) === productCode)) {
      const free = remaining(store, line) - (taken.get(line.id) ?? 0);
      const take = Math.min(free, left);
      if (take <= 0) continue;
      taken.set(line.id, (taken.get(line.id) ?? 0) + take);
      result.push({ line_id: line.id, product_code: productCode, quantity: take });
      left -= take;
      if (left <= 0) break;
    }
    if (left > 0) {
      throw new Error(
        `Clarus simulator: goods out ${goodsOut.id} has no ${left} more of ${productCode} left to dispatch`,
      );
    }
  }
  return result;
}

function newShipment(
  store: Store,
  goodsOut: GoodsOutState,
  lines: ShipmentLine[],
  spec: DispatchShipmentSpec,
): Shipment {
  const id = store.nextId('shipment');
  const reference = `SHP-${String(id).padStart(6, '0')}`;
  const carrier = carrierOf(store, goodsOut);
  const serviceId = goodsOut.attributes.carrier_service_id;
  const service = typeof serviceId === 'number' ? store.carrierServices.get(serviceId) : undefined;
  const packageSpecs =
    typeof spec.packages === 'number'
      ? Array.from({ length: spec.packages }, () => ({}) as { tracking_number?: string })
      : (spec.packages ?? [{}]);
  const packages: Package[] = packageSpecs.map((p) => {
    const packageId = store.nextId('package');
    return {
      id: packageId,
      shipment_id: id,
      // Deterministic and unique, shaped like a carrier number so tests can predict it.
      tracking_number: p.tracking_number ?? `${carrier?.code ?? 'SIM'}${String(packageId).padStart(10, '0')}`,
      storage_unit_type: { id: 12, code: 'CARTON' },
    };
  });
  return {
    id,
    goods_out_id: goodsOut.id,
    reference,
    name: `Shipment for ${goodsOut.attributes.reference}`,
    status: spec.status ?? 'dispatched',
    delivery_notes: (goodsOut.attributes.delivery_notes as string | null | undefined) ?? null,
    collection_datetime: null,
    label_filename: `label-${reference}.pdf`,
    carrier: carrier ? { ...carrier } : null,
    carrier_service: service ? { id: service.id, code: service.code, name: service.name } : null,
    warehouse_id: goodsOut.attributes.warehouse_id,
    lines,
    packages,
  };
}
