import type { Delivery, LineItem, Order, ShipmentState } from '@commercetools/platform-sdk';
import type { MappingConfig } from '../config';
import type { SkuTranslator } from '../mapping';
import { bundleComponentsOf, shipmentGroups } from '../orders';
import { parcelTrackingOf, trackingUpdate, type ParcelTracking } from './parcel-tracking';
import { forwardShipmentState, mustNotFulfilReason } from './shipment-state';

/** What Clarus says about one goods out, re-read through GraphQL (never from the webhook body). */
export interface ClarusDispatchView {
  goodsOutId: number;
  reference: string;
  statusCode: string;
  lines: {
    id: number;
    productCode: string;
    orderQuantity: number;
    dispatchQuantity: number;
    altLineReference?: string;
  }[];
  shipments: {
    id: number;
    reference?: string;
    status?: string;
    carrierCode?: string;
    carrierName?: string;
    serviceCode?: string;
  }[];
  packages: { id: number; shipmentId: number; trackingNumber?: string }[];
}

export interface ParcelDraftPlan {
  key: string;
  trackingData: ParcelTracking;
}

/** A parcel already on the order whose Clarus package now reports other tracking (re-label, carrier swap). */
export interface TrackingUpdatePlan {
  deliveryKey: string;
  /** The parcel's commercetools id (what `setParcelTrackingData` names) and its key `clarus-package-<id>`. */
  parcelId: string;
  parcelKey: string;
  /** The whole tracking data to set (the action replaces it). */
  trackingData: ParcelTracking;
}

export interface DeliveryPlan {
  key: string;
  shippingKey?: string;
  items: { id: string; quantity: number }[];
  parcels: ParcelDraftPlan[];
}

export interface DispatchProblem {
  code: 'unmatched_line' | 'short_shipment';
  message: string;
  details: Record<string, unknown>;
}

export interface DispatchPlan {
  /** Deliveries that do not exist on the order yet. */
  newDeliveries: DeliveryPlan[];
  /** Parcels that arrived for deliveries already on the order. */
  newParcels: { deliveryKey: string; parcel: ParcelDraftPlan }[];
  /** Parcels on the order whose tracking changed in Clarus after they were written. */
  trackingUpdates: TrackingUpdatePlan[];
  /** Order shipment state after the writes, when it must change (only ever forward). */
  shipmentState?: ShipmentState;
  /**
   * Why nothing may be written to this order (cancelled, or shipment Canceled): Clarus dispatched goods
   * that must not be fulfilled. Set only when something is dispatched; everything else is then empty.
   */
  mustNotFulfil?: string;
  /** Nothing Clarus reports is dispatched yet. */
  nothingDispatched: boolean;
  problems: DispatchProblem[];
}

export const deliveryKeyOf = (shipmentId: number) => `clarus-shipment-${shipmentId}`;
export const parcelKeyOf = (packageId: number) => `clarus-package-${packageId}`;
/** A goods out completed without any Clarus shipment record (e.g. collected) still yields one delivery. */
export const goodsOutDeliveryKeyOf = (goodsOutId: number) => `clarus-goods-out-${goodsOutId}`;

const DISPATCHED_SHIPMENT = /^(dispatched|shipped|despatched|completed)$/i;
const CANCELLED_SHIPMENT = /^(cancelled|canceled|void(ed)?)$/i;

/** A shipment counts once Clarus says it left (its status, or the goods out COMPLETED); a cancelled one never does. */
export function isDispatched(
  view: Pick<ClarusDispatchView, 'statusCode'>,
  shipment: { status?: string },
): boolean {
  if (CANCELLED_SHIPMENT.test(shipment.status ?? '')) return false;
  return view.statusCode === 'COMPLETED' || DISPATCHED_SHIPMENT.test(shipment.status ?? '');
}

/** Every delivery on the order, single or multi-shipment, with the shipping key it belongs to. */
export function deliveriesOf(order: Order): { delivery: Delivery; shippingKey?: string }[] {
  if (order.shippingMode === 'Multiple') {
    return (order.shipping ?? []).flatMap((s) =>
      (s.shippingInfo?.deliveries ?? []).map((delivery) => ({ delivery, shippingKey: s.shippingKey })),
    );
  }
  return (order.shippingInfo?.deliveries ?? []).map((delivery) => ({ delivery }));
}

interface LineMatch {
  lineItem: LineItem;
  /** Units of this Clarus product per unit of the line item (bundle component quantity, else 1). */
  perUnit: number;
}

/**
 * Pure: order + Clarus view → deliveries and parcels to add, tracking of existing parcels to correct, new
 * shipment state (forward only: `forwardShipmentState`), problems. An order that must not be fulfilled
 * (`mustNotFulfilReason`) gets nothing but the refusal.
 * Clarus documents no link from a shipment to its lines, so items come from line dispatch quantities:
 * what Clarus has dispatched minus what earlier Clarus deliveries of this goods out already carry.
 */
export function planDispatch(
  order: Order,
  view: ClarusDispatchView,
  ctx: {
    shippingKey?: string;
    skus: SkuTranslator;
    mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>;
    trackingUrlTemplates: Record<string, string>;
  },
): DispatchPlan {
  const problems: DispatchProblem[] = [];
  const existing = deliveriesOf(order);
  const existingKeys = new Set(existing.map((d) => d.delivery.key).filter(Boolean));
  const dispatchedShipments = view.shipments.filter((s) => isDispatched(view, s)).sort((a, b) => a.id - b.id);
  const completed = view.statusCode === 'COMPLETED';
  if (dispatchedShipments.length === 0 && !completed) {
    return { newDeliveries: [], newParcels: [], trackingUpdates: [], nothingDispatched: true, problems };
  }
  const refusal = mustNotFulfilReason(order);
  if (refusal) {
    return {
      newDeliveries: [],
      newParcels: [],
      trackingUpdates: [],
      nothingDispatched: false,
      mustNotFulfil: refusal,
      problems,
    };
  }

  // Line items of this goods out with the quantity it carries for each.
  const group =
    shipmentGroups(order).find((g) => g.shippingKey === ctx.shippingKey) ?? shipmentGroups(order)[0];
  const ordered = group?.quantities ?? new Map<string, number>();
  const byLineId = new Map(order.lineItems.map((l) => [l.id, l]));
  const byCode = new Map<string, LineMatch[]>();
  for (const lineItem of order.lineItems) {
    if (!ordered.has(lineItem.id) || !lineItem.variant.sku) continue;
    const components =
      ctx.mapping.bundleMode === 'expand'
        ? bundleComponentsOf(lineItem, ctx.mapping.bundleComponentsAttribute)
        : undefined;
    const parts = components ?? [{ sku: lineItem.variant.sku, quantity: 1 }];
    for (const part of parts) {
      const code = ctx.skus.toClarus(part.sku);
      byCode.set(code, [...(byCode.get(code) ?? []), { lineItem, perUnit: part.quantity }]);
    }
  }

  // Units dispatched per (line item, Clarus product code).
  const dispatchedUnits = new Map<string, Map<string, number>>();
  const orderedUnits = new Map<string, Map<string, number>>();
  for (const line of view.lines) {
    const match = matchLine(line, byLineId, byCode);
    if (!match) {
      problems.push({
        code: 'unmatched_line',
        message: `Clarus line ${line.id} (product ${line.productCode}) of goods out ${view.reference} matches no line item of the order`,
        details: { goodsOutId: view.goodsOutId, clarusLineId: line.id, productCode: line.productCode },
      });
      continue;
    }
    const add = (m: Map<string, Map<string, number>>, qty: number) => {
      const perCode = m.get(match.lineItem.id) ?? new Map<string, number>();
      perCode.set(line.productCode, (perCode.get(line.productCode) ?? 0) + qty);
      m.set(match.lineItem.id, perCode);
    };
    add(dispatchedUnits, line.dispatchQuantity);
    add(orderedUnits, line.orderQuantity);
    if (completed && line.dispatchQuantity < line.orderQuantity) {
      problems.push({
        code: 'short_shipment',
        message: `goods out ${view.reference} was completed with ${line.dispatchQuantity} of ${line.orderQuantity} × ${line.productCode} (line item ${match.lineItem.id})`,
        details: {
          goodsOutId: view.goodsOutId,
          productCode: line.productCode,
          ordered: line.orderQuantity,
          dispatched: line.dispatchQuantity,
        },
      });
    }
  }

  // Whole line-item units dispatched: a bundle counts as dispatched when all its components are.
  const dispatchedPerLineItem = new Map<string, number>();
  for (const [lineItemId, perCode] of dispatchedUnits) {
    const matches = [...byCode.entries()].flatMap(([code, ms]) =>
      ms.filter((m) => m.lineItem.id === lineItemId).map((m) => ({ code, perUnit: m.perUnit })),
    );
    const units = matches.length
      ? Math.min(...matches.map((m) => Math.floor((perCode.get(m.code) ?? 0) / m.perUnit)))
      : Math.floor([...perCode.values()].reduce((a, b) => a + b, 0));
    dispatchedPerLineItem.set(lineItemId, Math.min(units, ordered.get(lineItemId) ?? units));
  }

  // Subtract what earlier deliveries of this goods out already carry.
  const clarusKeys = new Set([
    ...view.shipments.map((s) => deliveryKeyOf(s.id)),
    goodsOutDeliveryKeyOf(view.goodsOutId),
  ]);
  const alreadyDelivered = new Map<string, number>();
  for (const { delivery } of existing) {
    if (!delivery.key || !clarusKeys.has(delivery.key)) continue;
    for (const item of delivery.items)
      alreadyDelivered.set(item.id, (alreadyDelivered.get(item.id) ?? 0) + item.quantity);
  }
  const remaining = [...dispatchedPerLineItem.entries()]
    .map(([id, qty]) => ({ id, quantity: qty - (alreadyDelivered.get(id) ?? 0) }))
    .filter((i) => i.quantity > 0);

  const parcelFor = (
    pkg: ClarusDispatchView['packages'][number],
    shipment?: ClarusDispatchView['shipments'][number],
  ): ParcelDraftPlan => ({
    key: parcelKeyOf(pkg.id),
    trackingData: parcelTrackingOf(
      {
        ...(pkg.trackingNumber ? { trackingNumber: pkg.trackingNumber } : {}),
        ...(shipment?.carrierCode ? { carrierCode: shipment.carrierCode } : {}),
        ...(shipment?.carrierName ? { carrierName: shipment.carrierName } : {}),
      },
      ctx.trackingUrlTemplates,
    ),
  });

  const newDeliveries: DeliveryPlan[] = [];
  const newParcels: DispatchPlan['newParcels'] = [];
  const trackingUpdates: TrackingUpdatePlan[] = [];
  const shipmentsToRecord = dispatchedShipments.length
    ? dispatchedShipments.map((s) => ({
        key: deliveryKeyOf(s.id),
        shipment: s as ClarusDispatchView['shipments'][number] | undefined,
      }))
    : [{ key: goodsOutDeliveryKeyOf(view.goodsOutId), shipment: undefined }];
  let itemsAssigned = false;
  for (const { key, shipment } of shipmentsToRecord) {
    const packages = shipment ? view.packages.filter((p) => p.shipmentId === shipment.id) : [];
    if (existingKeys.has(key)) {
      const delivery = existing.find((d) => d.delivery.key === key)!.delivery;
      for (const pkg of packages) {
        const planned = parcelFor(pkg, shipment);
        const parcel = delivery.parcels.find((p) => p.key === planned.key);
        if (!parcel) {
          newParcels.push({ deliveryKey: key, parcel: planned });
          continue;
        }
        // Written before: only tracking that changed since is set again (never a second parcel).
        const trackingData = trackingUpdate(parcel.trackingData, planned.trackingData);
        if (trackingData)
          trackingUpdates.push({
            deliveryKey: key,
            parcelId: parcel.id,
            parcelKey: planned.key,
            trackingData,
          });
      }
      continue;
    }
    // Items go on the first new delivery: Clarus does not say which shipment carried which line.
    const items = itemsAssigned ? [] : remaining;
    itemsAssigned = true;
    newDeliveries.push({
      key,
      ...(ctx.shippingKey ? { shippingKey: ctx.shippingKey } : {}),
      items,
      parcels: packages.map((p) => parcelFor(p, shipment)),
    });
  }

  return {
    newDeliveries,
    newParcels,
    trackingUpdates,
    nothingDispatched: false,
    shipmentState: shipmentStateAfter(
      order,
      newDeliveries,
      problems.some((p) => p.code === 'short_shipment'),
    ),
    problems,
  };
}

function matchLine(
  line: ClarusDispatchView['lines'][number],
  byLineId: Map<string, LineItem>,
  byCode: Map<string, LineMatch[]>,
): LineMatch | undefined {
  const byRef = line.altLineReference ? byLineId.get(line.altLineReference) : undefined;
  const candidates = byCode.get(line.productCode) ?? [];
  if (byRef) return candidates.find((c) => c.lineItem.id === byRef.id) ?? { lineItem: byRef, perUnit: 1 };
  return candidates[0];
}

/**
 * Shipped when every unit of every line item is on a delivery; Partial when some are. Returned only when it
 * moves the order forward (`forwardShipmentState`): Delivered stays Delivered.
 */
export function shipmentStateAfter(
  order: Order,
  added: DeliveryPlan[],
  shortShipped: boolean,
): ShipmentState | undefined {
  const delivered = new Map<string, number>();
  for (const { delivery } of deliveriesOf(order)) {
    for (const item of delivery.items) delivered.set(item.id, (delivered.get(item.id) ?? 0) + item.quantity);
  }
  for (const d of added)
    for (const item of d.items) delivered.set(item.id, (delivered.get(item.id) ?? 0) + item.quantity);
  const complete = order.lineItems.every((l) => (delivered.get(l.id) ?? 0) >= l.quantity);
  const state: ShipmentState =
    complete && !shortShipped ? 'Shipped' : delivered.size > 0 || shortShipped ? 'Partial' : 'Pending';
  return forwardShipmentState(order.shipmentState, state);
}
