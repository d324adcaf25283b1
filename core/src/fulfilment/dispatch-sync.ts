import type { ByProjectKeyRequestBuilder, Channel, Order, ShipmentState } from '@commercetools/platform-sdk';
import { isClarusError } from '../clarus';
import { ConcurrentModificationExhaustedError, isTransientCommercetoolsError } from '../commercetools';
import type { FulfilmentConfig, MappingConfig } from '../config';
import type { Logger } from '../logging';
import type { SkuTranslator } from '../mapping';
import type { ExceptionStore } from '../operations';
import type { ExportClaims } from '../orders';
import { shippingKeyOf } from './dispatch-actions';
import {
  isDispatched,
  planDispatch,
  type ClarusDispatchView,
  type DispatchProblem,
} from './dispatch-mapping';
import { createDispatchOrderLookup, type FoundOrder } from './dispatch-order-lookup';
import { createDispatchReader, type DispatchCallOptions, type DispatchClarusReads } from './dispatch-read';
import { createDispatchRecorder } from './dispatch-record';
import { createDispatchWriter } from './dispatch-write';
import type { DispatchTrigger } from './webhook-trigger';

export type { DispatchCallOptions } from './dispatch-read';
export {
  EXCEPTION_DISPATCH_LINE_UNMATCHED,
  EXCEPTION_DISPATCH_UNKNOWN_ORDER,
  EXCEPTION_SHORT_SHIPMENT,
  EXCEPTION_TRACKING_WRITE_FAILED,
} from './dispatch-record';

export interface DispatchSyncDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: DispatchClarusReads;
  claims: Pick<ExportClaims, 'get'>;
  exceptions: ExceptionStore;
  clarusChannel: () => Promise<Channel>;
  mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>;
  fulfilment: FulfilmentConfig;
  skus: SkuTranslator;
  logger: Logger;
}

export interface ApplyGoodsOutOptions extends DispatchCallOptions {
  /** The order, when the caller already holds it (e.g. the reconciliation job): saves the look-up. */
  order?: Order;
  /**
   * The order id the goods out names (`external_system_reference1`). A hint only: used when the order's
   * export claim records this goods out id.
   */
  orderIdHint?: string;
}

interface Identified {
  goodsOutId: number;
  reference: string;
}

/** What happened to one goods out. Every kind but `retry_later` is final: answer Clarus 2xx. */
export type GoodsOutDispatchOutcome =
  | (Identified & {
      kind: 'written';
      orderId: string;
      deliveries: string[];
      parcels: string[];
      /** Parcels already on the order whose tracking was set again (re-labelled, carrier swapped). */
      trackingUpdated: string[];
      shipmentState?: ShipmentState;
      stateTransitioned: boolean;
      problems: DispatchProblem['code'][];
      attempts: number;
    })
  | (Identified & { kind: 'unchanged'; orderId: string; problems: DispatchProblem['code'][] })
  | (Identified & { kind: 'not_dispatched'; statusCode: string })
  | (Identified & { kind: 'unknown_order' })
  /** The order must not be fulfilled (cancelled): nothing written, `cancellation-refused` open for ecommerce. */
  | (Identified & { kind: 'must_not_fulfil'; orderId: string; reason: string })
  | (Identified & { kind: 'write_rejected'; orderId: string; reason: string })
  | { kind: 'retry_later'; goodsOutId?: number; reason: string; retryAfterMs?: number };

export type DispatchOutcome =
  | { kind: 'processed'; goodsOuts: GoodsOutDispatchOutcome[] }
  /** Clarus knows no goods out for the trigger (a stale or forged call): nothing to do. */
  | { kind: 'goods_out_not_found'; goodsOutId?: number; reference?: string }
  /** Clarus or commercetools failed transiently: ask for the call again (503). */
  | { kind: 'retry_later'; reason: string; retryAfterMs?: number };

/**
 * Clarus dispatch → deliveries, parcels (and their tracking corrections) and shipment state on the
 * commercetools order. Composes the stages: read (Clarus views, `dispatch-read`; the order,
 * `dispatch-order-lookup`) → plan (pure, `dispatch-mapping`) → write (one versioned update recomputed on
 * 409, `dispatch-write`) → record (exceptions, `dispatch-record`). Repeats plan nothing and write nothing;
 * states only move forward.
 */
export function createDispatchSync(deps: DispatchSyncDeps) {
  const { logger } = deps;
  const reader = createDispatchReader(deps.clarus);
  const lookup = createDispatchOrderLookup(deps);
  const writer = createDispatchWriter(deps);
  const record = createDispatchRecorder(deps);

  async function applyGoodsOut(
    view: ClarusDispatchView,
    options: ApplyGoodsOutOptions = {},
  ): Promise<GoodsOutDispatchOutcome> {
    const ids: Identified = { goodsOutId: view.goodsOutId, reference: view.reference };
    try {
      return await applyOne(view, ids, options);
    } catch (err) {
      if (!isTransient(err)) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      logger.warn('dispatch will be retried', { goodsOutId: view.goodsOutId, reason });
      return { kind: 'retry_later', goodsOutId: view.goodsOutId, reason, ...retryAfter(err) };
    }
  }

  async function applyOne(
    view: ClarusDispatchView,
    ids: Identified,
    options: ApplyGoodsOutOptions,
  ): Promise<GoodsOutDispatchOutcome> {
    // Nothing leaves before the carrier manifest closes: a labelled shipment writes nothing.
    if (view.statusCode !== 'COMPLETED' && !view.shipments.some((s) => isDispatched(view, s))) {
      logger.info('goods out not dispatched yet: nothing to write', {
        goodsOutId: view.goodsOutId,
        statusCode: view.statusCode,
        shipments: view.shipments.map((s) => ({ id: s.id, status: s.status })),
      });
      return { ...ids, kind: 'not_dispatched', statusCode: view.statusCode };
    }

    const found: FoundOrder | undefined = options.order
      ? { order: options.order, via: 'given' }
      : await lookup.findOrder(view, options.orderIdHint);
    if (!found) {
      await record.unknownOrder(view, options.orderIdHint);
      return { ...ids, kind: 'unknown_order' };
    }
    const { order } = found;

    let claimed = found.claimedGoodsOuts;
    let shippingKey = shippingKeyOf(order, view, claimed);
    if (shippingKey === null && claimed === undefined) {
      claimed = (await deps.claims.get(order.id))?.value.goodsOuts ?? {};
      shippingKey = shippingKeyOf(order, view, claimed);
    }
    if (shippingKey === null) {
      const reason = "it belongs to none of the order's shipping keys (multi-shipment order)";
      await record.writeRejected(order, view, reason);
      return { ...ids, kind: 'write_rejected', orderId: order.id, reason };
    }

    const ctx = {
      ...(shippingKey ? { shippingKey } : {}),
      skus: deps.skus,
      mapping: deps.mapping,
      trackingUrlTemplates: deps.fulfilment.trackingUrlTemplates,
    };
    const planFor = (o: Order) => planDispatch(o, view, ctx);
    const first = await writer.decide(order, planFor);
    if (first.plan.mustNotFulfil) {
      await record.mustNotFulfil(order, view, first.plan.mustNotFulfil);
      return { ...ids, kind: 'must_not_fulfil', orderId: order.id, reason: first.plan.mustNotFulfil };
    }
    await record.problems(order, view, first.plan.problems, first.actions.length > 0);

    const result = await writer.write(order, first, planFor);
    if (result.kind === 'rejected') {
      await record.writeRejected(order, view, result.reason);
      return { ...ids, kind: 'write_rejected', orderId: order.id, reason: result.reason };
    }
    const { plan, actions } = result.last;
    if (plan.mustNotFulfil) {
      // Cancelled between the first read and a 409 re-read: nothing was written.
      await record.mustNotFulfil(order, view, plan.mustNotFulfil);
      return { ...ids, kind: 'must_not_fulfil', orderId: order.id, reason: plan.mustNotFulfil };
    }
    const problems = plan.problems.map((p) => p.code);
    if (result.kind === 'unchanged') {
      logger.info('dispatch already recorded: nothing written', {
        goodsOutId: view.goodsOutId,
        orderId: order.id,
      });
      return { ...ids, kind: 'unchanged', orderId: order.id, problems };
    }
    await record.written(order, view);
    const outcome: GoodsOutDispatchOutcome = {
      ...ids,
      kind: 'written',
      orderId: order.id,
      deliveries: plan.newDeliveries.map((d) => d.key),
      parcels: [
        ...plan.newDeliveries.flatMap((d) => d.parcels.map((p) => p.key)),
        ...plan.newParcels.map((p) => p.parcel.key),
      ],
      trackingUpdated: plan.trackingUpdates.map((u) => u.parcelKey),
      ...(plan.shipmentState ? { shipmentState: plan.shipmentState } : {}),
      stateTransitioned: actions.some((a) => a.action === 'transitionState'),
      problems,
      attempts: result.attempts,
    };
    logger.info('dispatch written to the order', {
      goodsOutId: view.goodsOutId,
      orderId: order.id,
      orderNumber: order.orderNumber,
      via: found.via,
      deliveries: outcome.deliveries,
      parcels: outcome.parcels,
      trackingUpdated: outcome.trackingUpdated,
      shipmentState: outcome.shipmentState,
      problems,
      attempts: result.attempts,
    });
    return outcome;
  }

  return {
    /**
     * A dispatch trigger (webhook) → re-read the goods out(s) from Clarus → apply each. Never throws for
     * Clarus or commercetools trouble that a retry can fix (`retry_later`).
     */
    async applyDispatch(
      trigger: DispatchTrigger,
      options: DispatchCallOptions = {},
    ): Promise<DispatchOutcome> {
      let views: ClarusDispatchView[];
      try {
        views = await reader.readViews(trigger, options);
      } catch (err) {
        if (!isTransient(err)) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        logger.warn('could not read the goods out from Clarus; dispatch will be retried', {
          goodsOutId: trigger.goodsOutId,
          reason,
        });
        return { kind: 'retry_later', reason, ...retryAfter(err) };
      }
      if (views.length === 0) {
        logger.warn('dispatch trigger names no goods out Clarus knows', {
          goodsOutId: trigger.goodsOutId,
          reference: trigger.reference,
        });
        return {
          kind: 'goods_out_not_found',
          ...(trigger.goodsOutId !== undefined ? { goodsOutId: trigger.goodsOutId } : {}),
          ...(trigger.reference ? { reference: trigger.reference } : {}),
        };
      }
      const goodsOuts: GoodsOutDispatchOutcome[] = [];
      for (const view of views) {
        goodsOuts.push(await applyGoodsOut(view, { ...options, orderIdHint: trigger.orderId }));
      }
      const retry = goodsOuts.find((o) => o.kind === 'retry_later');
      if (retry?.kind === 'retry_later') {
        return {
          kind: 'retry_later',
          reason: retry.reason,
          ...(retry.retryAfterMs ? { retryAfterMs: retry.retryAfterMs } : {}),
        };
      }
      return { kind: 'processed', goodsOuts };
    },

    /** One goods out the caller read itself (e.g. the reconciliation job's catch-up) → the order. */
    applyGoodsOut,

    /** The Clarus view of the goods outs a trigger names (no writes). */
    readGoodsOuts: reader.readViews,
  };
}

export type DispatchSync = ReturnType<typeof createDispatchSync>;

function isTransient(err: unknown): boolean {
  if (isClarusError(err)) return err.retryable;
  return isTransientCommercetoolsError(err) || err instanceof ConcurrentModificationExhaustedError;
}

function retryAfter(err: unknown): { retryAfterMs?: number } {
  const ms =
    isClarusError(err) && 'retryAfterMs' in err ? (err as { retryAfterMs?: number }).retryAfterMs : undefined;
  return ms ? { retryAfterMs: ms } : {};
}
