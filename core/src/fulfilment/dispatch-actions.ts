import type { Order, OrderUpdateAction } from '@commercetools/platform-sdk';
import type { ClarusGoodsOutLine, ClarusGoodsOutSummary, ClarusPackage, ClarusShipment } from '../clarus';
import { goodsOutReference } from '../orders';
import type { ClarusDispatchView, DispatchPlan } from './dispatch-mapping';
import { isForwardTransition, type OrderStateNode } from './order-state-rule';

/** Pure: Clarus GraphQL reads of one goods out → the view the planner works on. */
export function dispatchViewOf(
  goodsOut: ClarusGoodsOutSummary,
  lines: ClarusGoodsOutLine[],
  shipments: ClarusShipment[],
  packages: ClarusPackage[],
): ClarusDispatchView {
  const onlyShipment = shipments.length === 1 ? shipments[0]!.id : undefined;
  return {
    goodsOutId: goodsOut.id,
    reference: goodsOut.reference,
    statusCode: goodsOut.status?.code ?? '',
    lines: lines.map((l) => ({
      id: l.id,
      productCode: l.product?.code ?? '',
      orderQuantity: l.orderQuantity,
      dispatchQuantity: l.dispatchQuantity,
      ...(l.altLineReference ? { altLineReference: l.altLineReference } : {}),
    })),
    shipments: shipments.map((s) => ({
      id: s.id,
      ...(s.reference ? { reference: s.reference } : {}),
      ...(s.status ? { status: s.status } : {}),
      ...(s.carrier?.code ? { carrierCode: s.carrier.code } : {}),
      ...(s.carrier?.name ? { carrierName: s.carrier.name } : {}),
      ...(s.carrierService?.code ? { serviceCode: s.carrierService.code } : {}),
    })),
    packages: packages.flatMap((p) => {
      // Packages were read by shipment id; one without its shipment can only belong to the only shipment.
      const shipmentId = p.shipment?.id ?? onlyShipment;
      if (shipmentId === undefined) return [];
      return [{ id: p.id, shipmentId, ...(p.trackingNumber ? { trackingNumber: p.trackingNumber } : {}) }];
    }),
  };
}

/**
 * Pure: a plan → the order update actions that carry it out (empty when there is nothing to write), in this
 * order: new deliveries, new parcels, tracking updates of parcels already there (`setParcelTrackingData`,
 * by parcel id), the shipment state, then the transition to the dispatch state (`dispatchStateId`) — only
 * when the order becomes Shipped and the move is forward in the merchant's state machine (`orderStates`,
 * see `isForwardTransition`).
 */
export function dispatchActions(
  order: Pick<Order, 'state'>,
  plan: DispatchPlan,
  options: { dispatchStateId?: string; orderStates?: readonly OrderStateNode[] } = {},
): OrderUpdateAction[] {
  const actions: OrderUpdateAction[] = [];
  for (const delivery of plan.newDeliveries) {
    actions.push({
      action: 'addDelivery',
      deliveryKey: delivery.key,
      ...(delivery.shippingKey ? { shippingKey: delivery.shippingKey } : {}),
      items: delivery.items,
      parcels: delivery.parcels.map((p) => ({ key: p.key, trackingData: p.trackingData })),
    });
  }
  for (const { deliveryKey, parcel } of plan.newParcels) {
    actions.push({
      action: 'addParcelToDelivery',
      deliveryKey,
      parcelKey: parcel.key,
      trackingData: parcel.trackingData,
    });
  }
  for (const update of plan.trackingUpdates) {
    actions.push({
      action: 'setParcelTrackingData',
      parcelId: update.parcelId,
      trackingData: update.trackingData,
    });
  }
  if (plan.shipmentState) {
    actions.push({ action: 'changeShipmentState', shipmentState: plan.shipmentState });
  }
  if (
    plan.shipmentState === 'Shipped' &&
    options.dispatchStateId &&
    isForwardTransition(order.state?.id, options.dispatchStateId, options.orderStates ?? [])
  ) {
    actions.push({ action: 'transitionState', state: { typeId: 'state', id: options.dispatchStateId } });
  }
  return actions;
}

/**
 * Pure: the ways a goods out reference can come from an order (DESIGN "Order export": reference = order
 * number, or `<orderNumber>-<shippingKey>` per shipping key of a multi-shipment order). Order numbers and
 * shipping keys may both contain `-`, so every split is a candidate; the order decides which one holds.
 */
export function referenceCandidates(reference: string): { orderNumber: string; shippingKey?: string }[] {
  const candidates: { orderNumber: string; shippingKey?: string }[] = [{ orderNumber: reference }];
  for (let i = reference.lastIndexOf('-'); i > 0; i = reference.lastIndexOf('-', i - 1)) {
    const shippingKey = reference.slice(i + 1);
    if (shippingKey) candidates.push({ orderNumber: reference.slice(0, i), shippingKey });
  }
  return candidates;
}

/**
 * Pure: which part of the order a goods out carries. `undefined` for a single-shipment order; for a
 * multi-shipment order the shipping key whose reference is the goods out's, else the one the export claim
 * recorded for this goods out id, else `null` (cannot tell).
 */
export function shippingKeyOf(
  order: Order,
  goodsOut: { goodsOutId: number; reference: string },
  claimedGoodsOuts: Record<string, number> = {},
): string | undefined | null {
  if (order.shippingMode !== 'Multiple') return undefined;
  const keys = (order.shipping ?? []).map((s) => s.shippingKey);
  const byReference = keys.find((key) => goodsOutReference(order, key) === goodsOut.reference);
  if (byReference) return byReference;
  const claimedReference = Object.entries(claimedGoodsOuts).find(([, id]) => id === goodsOut.goodsOutId)?.[0];
  return keys.find((key) => goodsOutReference(order, key) === claimedReference) ?? null;
}
