import type { Order } from '@commercetools/platform-sdk';
import type { Logger } from '../logging';
import { exceptionKey, type ExceptionKind, type ExceptionStore } from '../operations';
import { EXCEPTION_CANCELLATION_REFUSED } from '../orders';
import { isDispatched, type ClarusDispatchView, type DispatchProblem } from './dispatch-mapping';

export const EXCEPTION_DISPATCH_UNKNOWN_ORDER = 'dispatch-for-unknown-order';
export const EXCEPTION_TRACKING_WRITE_FAILED = 'tracking-write-failed';
export const EXCEPTION_SHORT_SHIPMENT = 'short-shipment';
export const EXCEPTION_DISPATCH_LINE_UNMATCHED = 'dispatch-line-unmatched';

const PROBLEM_KINDS: Record<DispatchProblem['code'], ExceptionKind> = {
  short_shipment: EXCEPTION_SHORT_SHIPMENT,
  unmatched_line: EXCEPTION_DISPATCH_LINE_UNMATCHED,
};

export interface DispatchRecorderDeps {
  exceptions: ExceptionStore;
  logger: Logger;
}

const orderEntity = (order: Order) => ({
  type: 'order' as const,
  id: order.id,
  ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
});

/** `goods out <reference> (Clarus id <id>)`, as every dispatch exception names it. */
export const goodsOutLabel = (view: Pick<ClarusDispatchView, 'goodsOutId' | 'reference'>) =>
  `goods out ${view.reference} (Clarus id ${view.goodsOutId})`;

/**
 * The record stage of a dispatch: what happened becomes (or stops being) an exception a team acts on.
 * Messages and details carry ids, codes, quantities and tracking numbers only — never addresses.
 */
export function createDispatchRecorder(deps: DispatchRecorderDeps) {
  const { exceptions, logger } = deps;

  return {
    /**
     * Problems become exceptions. With writes planned they are raised before the write (so a failed write
     * retried later raises them again, never loses them); without, only when no record exists yet, so a
     * repeated webhook costs one read instead of a count bump.
     */
    async problems(
      order: Order,
      view: ClarusDispatchView,
      problems: DispatchProblem[],
      writing: boolean,
    ): Promise<void> {
      const entity = orderEntity(order);
      for (const [code, kind] of Object.entries(PROBLEM_KINDS) as [
        DispatchProblem['code'],
        ExceptionKind,
      ][]) {
        const these = problems.filter((p) => p.code === code);
        if (these.length === 0) continue;
        if (!writing && (await exceptions.get(exceptionKey(kind, entity)))) continue;
        await exceptions.raise({
          kind,
          entity,
          message: `Order ${order.orderNumber ?? order.id}, ${goodsOutLabel(view)}: ${these.map((p) => p.message).join('; ')}.`,
          details: {
            goodsOutId: view.goodsOutId,
            reference: view.reference,
            problems: these.map((p) => p.details),
          },
        });
      }
    },

    /** A successful write clears what an earlier failed one (or an unmatched goods out) left open. */
    async written(order: Order, view: ClarusDispatchView): Promise<void> {
      const results = await Promise.allSettled([
        exceptions.resolve(EXCEPTION_TRACKING_WRITE_FAILED, orderEntity(order)),
        exceptions.resolve(EXCEPTION_DISPATCH_UNKNOWN_ORDER, {
          type: 'goods_out',
          id: String(view.goodsOutId),
        }),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') {
          logger.warn('could not resolve a dispatch exception', { orderId: order.id, error: r.reason });
        }
      }
    },

    async writeRejected(order: Order, view: ClarusDispatchView, reason: string): Promise<void> {
      await exceptions.raise({
        kind: EXCEPTION_TRACKING_WRITE_FAILED,
        entity: orderEntity(order),
        message: `Tracking of ${goodsOutLabel(view)} could not be written to order ${order.orderNumber ?? order.id}: ${reason}.`,
        details: { goodsOutId: view.goodsOutId, reference: view.reference, reason },
      });
      logger.warn('dispatch write rejected by commercetools', {
        goodsOutId: view.goodsOutId,
        orderId: order.id,
        reason,
      });
    },

    async unknownOrder(view: ClarusDispatchView, orderIdHint: string | undefined): Promise<void> {
      await exceptions.raise({
        kind: EXCEPTION_DISPATCH_UNKNOWN_ORDER,
        entity: { type: 'goods_out', id: String(view.goodsOutId) },
        message: `Clarus dispatched ${goodsOutLabel(view)}, but no commercetools order matches it: none has syncInfo externalId ${view.goodsOutId} on the clarus-wms channel, and no order number (or order number + shipping key) equals the reference.`,
        details: { goodsOutId: view.goodsOutId, reference: view.reference, orderIdHint },
      });
      logger.warn('dispatch for an unknown order', { goodsOutId: view.goodsOutId });
    },

    /**
     * Clarus dispatched goods for an order that must not be fulfilled (cancelled; shipment Canceled): no
     * tracking goes onto the order; ecommerce gets an open `cancellation-refused` exception saying the
     * warehouse dispatched it, with the tracking numbers to intercept the parcels. One that is open and
     * already names this goods out is kept as it is (a repeated webhook changes nothing); one the cancel
     * flow opened is extended with the dispatch.
     */
    async mustNotFulfil(order: Order, view: ClarusDispatchView, reason: string): Promise<'raised' | 'kept'> {
      const entity = orderEntity(order);
      const open = await exceptions.get(exceptionKey(EXCEPTION_CANCELLATION_REFUSED, entity));
      const known = (key: string) =>
        open?.status === 'open' && Array.isArray(open.details?.[key]) ? (open.details[key] as unknown[]) : [];
      const dispatched = known('dispatchedGoodsOutIds');
      if (dispatched.includes(view.goodsOutId)) return 'kept';

      const shipments = view.shipments.filter((s) => isDispatched(view, s));
      const tracking = view.packages
        .filter((p) => shipments.some((s) => s.id === p.shipmentId) && p.trackingNumber)
        .map((p) => ({
          packageId: p.id,
          trackingNumber: p.trackingNumber,
          carrier: shipments.find((s) => s.id === p.shipmentId)?.carrierCode,
        }));
      const numbers = tracking.map((t) => t.trackingNumber).join(', ');
      await exceptions.raise({
        kind: EXCEPTION_CANCELLATION_REFUSED,
        entity,
        message:
          `Clarus dispatched ${goodsOutLabel(view)} for order ${order.orderNumber ?? order.id}, but ${reason}: ` +
          `the warehouse dispatched it, so no tracking was written to the order` +
          `${numbers ? ` (tracking ${numbers})` : ''}. Stop or intercept the parcel, otherwise arrange the return and refund.`,
        details: {
          reason,
          goodsOutIds: [...new Set([...known('goodsOutIds'), view.goodsOutId])],
          dispatchedGoodsOutIds: [...dispatched, view.goodsOutId],
          tracking,
        },
      });
      logger.warn('dispatch for an order that must not be fulfilled: nothing written', {
        goodsOutId: view.goodsOutId,
        orderId: order.id,
        orderState: order.orderState,
        shipmentState: order.shipmentState,
      });
      return 'raised';
    },
  };
}

export type DispatchRecorder = ReturnType<typeof createDispatchRecorder>;
