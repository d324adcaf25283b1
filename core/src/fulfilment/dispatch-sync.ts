import type {
  ByProjectKeyRequestBuilder,
  Channel,
  Order,
  OrderUpdateAction,
  ShipmentState,
} from '@commercetools/platform-sdk';
import { isClarusError, type ClarusReads } from '../clarus';
import {
  commercetoolsErrorInfo,
  ConcurrentModificationExhaustedError,
  isNotFound,
  isTransientCommercetoolsError,
  predicateString,
  updateWithRecompute,
} from '../commercetools';
import type { FulfilmentConfig, MappingConfig } from '../config';
import type { Logger } from '../logging';
import type { SkuTranslator } from '../mapping';
import { exceptionKey, type ExceptionKind, type ExceptionStore } from '../operations';
import { goodsOutReference, type ExportClaims } from '../orders';
import { dispatchActions, dispatchViewOf, referenceCandidates, shippingKeyOf } from './dispatch-actions';
import {
  isDispatched,
  planDispatch,
  type ClarusDispatchView,
  type DispatchProblem,
} from './dispatch-mapping';
import type { DispatchTrigger } from './webhook-trigger';

export const EXCEPTION_DISPATCH_UNKNOWN_ORDER = 'dispatch-for-unknown-order';
export const EXCEPTION_TRACKING_WRITE_FAILED = 'tracking-write-failed';
export const EXCEPTION_SHORT_SHIPMENT = 'short-shipment';
export const EXCEPTION_DISPATCH_LINE_UNMATCHED = 'dispatch-line-unmatched';

const PROBLEM_KINDS: Record<DispatchProblem['code'], ExceptionKind> = {
  short_shipment: EXCEPTION_SHORT_SHIPMENT,
  unmatched_line: EXCEPTION_DISPATCH_LINE_UNMATCHED,
};

export interface DispatchSyncDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: Pick<
    ClarusReads,
    'findGoodsOutsByReferences' | 'listGoodsOutLines' | 'listShipments' | 'listPackages'
  >;
  claims: Pick<ExportClaims, 'get'>;
  exceptions: ExceptionStore;
  clarusChannel: () => Promise<Channel>;
  mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>;
  fulfilment: FulfilmentConfig;
  skus: SkuTranslator;
  logger: Logger;
}

export interface DispatchCallOptions {
  /** Epoch ms by which Clarus reads must be done (the webhook answers before Clarus gives up). */
  deadline?: number;
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
      shipmentState?: ShipmentState;
      stateTransitioned: boolean;
      problems: DispatchProblem['code'][];
      attempts: number;
    })
  | (Identified & { kind: 'unchanged'; orderId: string; problems: DispatchProblem['code'][] })
  | (Identified & { kind: 'not_dispatched'; statusCode: string })
  | (Identified & { kind: 'unknown_order' })
  | (Identified & { kind: 'write_rejected'; orderId: string; reason: string })
  | { kind: 'retry_later'; goodsOutId?: number; reason: string; retryAfterMs?: number };

export type DispatchOutcome =
  | { kind: 'processed'; goodsOuts: GoodsOutDispatchOutcome[] }
  /** Clarus knows no goods out for the trigger (a stale or forged call): nothing to do. */
  | { kind: 'goods_out_not_found'; goodsOutId?: number; reference?: string }
  /** Clarus or commercetools failed transiently: ask for the call again (503). */
  | { kind: 'retry_later'; reason: string; retryAfterMs?: number };

const SAFE_ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Clarus dispatch → deliveries, parcels and shipment state on the commercetools order.
 * Re-read the goods out from Clarus → find the order → plan (pure) → one versioned order update, recomputed
 * on 409. Repeats plan nothing and write nothing.
 */
export function createDispatchSync(deps: DispatchSyncDeps) {
  const { api, clarus, logger } = deps;

  // ---- Clarus -------------------------------------------------------------------------------------

  async function withPackages(
    goodsOut: Parameters<typeof dispatchViewOf>[0],
    lines: Parameters<typeof dispatchViewOf>[1],
    shipments: Parameters<typeof dispatchViewOf>[2],
    options: DispatchCallOptions,
  ): Promise<ClarusDispatchView> {
    const bare = dispatchViewOf(goodsOut, lines, shipments, []);
    // Tracking is only ever written for dispatched shipments: packages of the others are not needed.
    const dispatched = bare.shipments.filter((s) => isDispatched(bare, s)).map((s) => s.id);
    if (dispatched.length === 0) return bare;
    const packages = await clarus.listPackages(dispatched, options);
    return dispatchViewOf(goodsOut, lines, shipments, packages);
  }

  /** The goods outs a trigger names, as Clarus has them now (the body is never trusted). */
  async function readViews(
    trigger: DispatchTrigger,
    options: DispatchCallOptions = {},
  ): Promise<ClarusDispatchView[]> {
    const call = { deadline: options.deadline };
    const id = trigger.goodsOutId;
    if (id !== undefined) {
      // goods_outs documents no id filter: the lines name the goods out's reference, which finds its status.
      const [lines, shipments, byHint] = await Promise.all([
        clarus.listGoodsOutLines(id, call),
        clarus.listShipments(id, call),
        trigger.reference ? clarus.findGoodsOutsByReferences([trigger.reference], call) : undefined,
      ]);
      const reference = lines.find((l) => l.goodsOut?.id === id)?.goodsOut?.reference ?? trigger.reference;
      if (!reference) return [];
      const summary =
        (reference === trigger.reference ? byHint?.find((g) => g.id === id) : undefined) ??
        (await clarus.findGoodsOutsByReferences([reference], call)).find((g) => g.id === id);
      return summary ? [await withPackages(summary, lines, shipments, call)] : [];
    }
    if (!trigger.reference) return [];
    // A reference need not be unique in Clarus: every goods out carrying it is applied.
    const found = await clarus.findGoodsOutsByReferences([trigger.reference], call);
    return Promise.all(
      found.map(async (goodsOut) => {
        const [lines, shipments] = await Promise.all([
          clarus.listGoodsOutLines(goodsOut.id, call),
          clarus.listShipments(goodsOut.id, call),
        ]);
        return withPackages(goodsOut, lines, shipments, call);
      }),
    );
  }

  // ---- commercetools ------------------------------------------------------------------------------

  const loadOrder = async (id: string) => (await api.orders().withId({ ID: id }).get().execute()).body;
  const queryOrders = async (where: string, limit: number) =>
    (await api.orders().get({ queryArgs: { where, limit } }).execute()).body.results;

  async function orderIfExists(id: string): Promise<Order | undefined> {
    try {
      return await loadOrder(id);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  let stateId: Promise<string | undefined> | undefined;
  /** The configured dispatch State's id, resolved once (not cached while missing, so creating it later works). */
  function dispatchStateId(): Promise<string | undefined> {
    const key = deps.fulfilment.dispatchOrderStateKey;
    if (!key) return Promise.resolve(undefined);
    stateId ??= api
      .states()
      .withKey({ key })
      .get()
      .execute()
      .then(
        (r) => r.body.id,
        (err: unknown) => {
          stateId = undefined;
          if (!isNotFound(err)) throw err;
          logger.warn('DISPATCH_ORDER_STATE_KEY names no State: orders are not transitioned', { key });
          return undefined;
        },
      );
    return stateId;
  }

  interface FoundOrder {
    order: Order;
    via: 'given' | 'syncInfo' | 'claim' | 'reference';
    claimedGoodsOuts?: Record<string, number>;
  }

  /** syncInfo first (what export recorded), then a hinted order whose claim links the goods out, then the reference. */
  async function findOrder(view: ClarusDispatchView, orderIdHint?: string): Promise<FoundOrder | undefined> {
    const channel = await deps.clarusChannel();
    const [bySync] = await queryOrders(
      `syncInfo(channel(id = ${predicateString(channel.id)}) and externalId = ${predicateString(String(view.goodsOutId))})`,
      1,
    );
    if (bySync) return { order: bySync, via: 'syncInfo' };

    if (orderIdHint && SAFE_ORDER_ID.test(orderIdHint)) {
      const hinted = await orderIfExists(orderIdHint);
      if (hinted) {
        const claimed = (await deps.claims.get(hinted.id))?.value.goodsOuts ?? {};
        if (Object.values(claimed).includes(view.goodsOutId)) {
          return { order: hinted, via: 'claim', claimedGoodsOuts: claimed };
        }
        logger.info('order named by the goods out does not link it; matching by reference', {
          goodsOutId: view.goodsOutId,
          orderId: hinted.id,
        });
      }
    }

    const candidates = referenceCandidates(view.reference);
    const numbers = candidates.map((c) => predicateString(c.orderNumber)).join(', ');
    const ids = candidates.filter((c) => UUID.test(c.orderNumber)).map((c) => predicateString(c.orderNumber));
    const where = `orderNumber in (${numbers})${ids.length ? ` or id in (${ids.join(', ')})` : ''}`;
    const found = (await queryOrders(where, candidates.length + ids.length)).find((order) =>
      order.shippingMode === 'Multiple'
        ? (order.shipping ?? []).some((s) => goodsOutReference(order, s.shippingKey) === view.reference)
        : goodsOutReference(order) === view.reference,
    );
    return found ? { order: found, via: 'reference' } : undefined;
  }

  // ---- exceptions ---------------------------------------------------------------------------------

  const orderEntity = (order: Order) => ({
    type: 'order' as const,
    id: order.id,
    ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
  });
  const goodsOutLabel = (view: Identified) => `goods out ${view.reference} (Clarus id ${view.goodsOutId})`;

  /**
   * Problems become exceptions. With writes planned they are raised before the write (so a failed write
   * retried later raises them again, never loses them); without, only when no record exists yet, so a
   * repeated webhook costs one read instead of a count bump.
   */
  async function recordProblems(
    order: Order,
    view: ClarusDispatchView,
    problems: DispatchProblem[],
    writing: boolean,
  ): Promise<void> {
    const entity = orderEntity(order);
    for (const [code, kind] of Object.entries(PROBLEM_KINDS) as [DispatchProblem['code'], ExceptionKind][]) {
      const these = problems.filter((p) => p.code === code);
      if (these.length === 0) continue;
      if (!writing && (await deps.exceptions.get(exceptionKey(kind, entity)))) continue;
      await deps.exceptions.raise({
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
  }

  async function resolveAfterWrite(order: Order, view: ClarusDispatchView): Promise<void> {
    const results = await Promise.allSettled([
      deps.exceptions.resolve(EXCEPTION_TRACKING_WRITE_FAILED, orderEntity(order)),
      deps.exceptions.resolve(EXCEPTION_DISPATCH_UNKNOWN_ORDER, {
        type: 'goods_out',
        id: String(view.goodsOutId),
      }),
    ]);
    for (const r of results) {
      if (r.status === 'rejected') {
        logger.warn('could not resolve a dispatch exception', { orderId: order.id, error: r.reason });
      }
    }
  }

  // ---- the use case -------------------------------------------------------------------------------

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

    const found = options.order
      ? { order: options.order, via: 'given' as const }
      : await findOrder(view, options.orderIdHint);
    if (!found) {
      await deps.exceptions.raise({
        kind: EXCEPTION_DISPATCH_UNKNOWN_ORDER,
        entity: { type: 'goods_out', id: String(view.goodsOutId) },
        message: `Clarus dispatched ${goodsOutLabel(view)}, but no commercetools order matches it: none has syncInfo externalId ${view.goodsOutId} on the clarus-wms channel, and no order number (or order number + shipping key) equals the reference.`,
        details: { goodsOutId: view.goodsOutId, reference: view.reference, orderIdHint: options.orderIdHint },
      });
      logger.warn('dispatch for an unknown order', { goodsOutId: view.goodsOutId });
      return { ...ids, kind: 'unknown_order' };
    }
    const { order } = found;

    let claimed = 'claimedGoodsOuts' in found ? found.claimedGoodsOuts : undefined;
    let shippingKey = shippingKeyOf(order, view, claimed);
    if (shippingKey === null && claimed === undefined) {
      claimed = (await deps.claims.get(order.id))?.value.goodsOuts ?? {};
      shippingKey = shippingKeyOf(order, view, claimed);
    }
    if (shippingKey === null) {
      return rejected(
        order,
        view,
        ids,
        "it belongs to none of the order's shipping keys (multi-shipment order)",
      );
    }

    const ctx = {
      ...(shippingKey ? { shippingKey } : {}),
      skus: deps.skus,
      mapping: deps.mapping,
      trackingUrlTemplates: deps.fulfilment.trackingUrlTemplates,
    };
    const planFor = (o: Order) => planDispatch(o, view, ctx);
    let withTransition = true;
    const decide = async (o: Order) => {
      const plan = planFor(o);
      const stateIdNow =
        withTransition && plan.shipmentState === 'Shipped' ? await dispatchStateId() : undefined;
      return { plan, actions: dispatchActions(o, plan, { dispatchStateId: stateIdNow }) };
    };

    const first = await decide(order);
    await recordProblems(order, view, first.plan.problems, first.actions.length > 0);

    let last = first;
    const write = (initial?: Order) =>
      updateWithRecompute<Order, OrderUpdateAction>({
        ...(initial ? { initial } : {}),
        load: () => loadOrder(order.id),
        decide: async (fresh) => {
          last = await decide(fresh);
          return last.actions;
        },
        apply: async (fresh, actions) =>
          (
            await api
              .orders()
              .withId({ ID: fresh.id })
              .post({ body: { version: fresh.version, actions } })
              .execute()
          ).body,
        logger,
        label: 'order',
      });

    let result: Awaited<ReturnType<typeof write>>;
    try {
      result = await write(order);
    } catch (err) {
      if (!isRejection(err)) throw err;
      const transitioning = last.actions.some((a) => a.action === 'transitionState');
      if (!transitioning) return rejected(order, view, ids, describe(err));
      // The merchant's state machine refused the transition: tracking matters more; write it without.
      logger.warn('order state transition refused; writing the dispatch without it', {
        orderId: order.id,
        stateKey: deps.fulfilment.dispatchOrderStateKey,
        error: describe(err),
      });
      withTransition = false;
      try {
        result = await write();
      } catch (again) {
        if (!isRejection(again)) throw again;
        return rejected(order, view, ids, describe(again));
      }
    }

    const problems = last.plan.problems.map((p) => p.code);
    if (!result.changed) {
      logger.info('dispatch already recorded: nothing written', {
        goodsOutId: view.goodsOutId,
        orderId: order.id,
      });
      return { ...ids, kind: 'unchanged', orderId: order.id, problems };
    }
    await resolveAfterWrite(order, view);
    const outcome: GoodsOutDispatchOutcome = {
      ...ids,
      kind: 'written',
      orderId: order.id,
      deliveries: last.plan.newDeliveries.map((d) => d.key),
      parcels: [
        ...last.plan.newDeliveries.flatMap((d) => d.parcels.map((p) => p.key)),
        ...last.plan.newParcels.map((p) => p.parcel.key),
      ],
      ...(last.plan.shipmentState ? { shipmentState: last.plan.shipmentState } : {}),
      stateTransitioned: last.actions.some((a) => a.action === 'transitionState'),
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
      shipmentState: outcome.shipmentState,
      problems,
      attempts: result.attempts,
    });
    return outcome;
  }

  async function rejected(
    order: Order,
    view: ClarusDispatchView,
    ids: Identified,
    reason: string,
  ): Promise<GoodsOutDispatchOutcome> {
    await deps.exceptions.raise({
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
    return { ...ids, kind: 'write_rejected', orderId: order.id, reason };
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
        views = await readViews(trigger, options);
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
    readGoodsOuts: readViews,
  };
}

export type DispatchSync = ReturnType<typeof createDispatchSync>;

function isTransient(err: unknown): boolean {
  if (isClarusError(err)) return err.retryable;
  return isTransientCommercetoolsError(err) || err instanceof ConcurrentModificationExhaustedError;
}

/** commercetools refused the write itself (400 invalid action, 404 order gone): repeating it will not help. */
function isRejection(err: unknown): boolean {
  const { statusCode } = commercetoolsErrorInfo(err);
  return statusCode === 400 || statusCode === 404;
}

function describe(err: unknown): string {
  const { statusCode, code, message } = commercetoolsErrorInfo(err);
  return `commercetools answered ${statusCode ?? '?'}${code ? ` ${code}` : ''}${message ? `: ${message.slice(0, 300)}` : ''}`;
}

function retryAfter(err: unknown): { retryAfterMs?: number } {
  const ms =
    isClarusError(err) && 'retryAfterMs' in err ? (err as { retryAfterMs?: number }).retryAfterMs : undefined;
  return ms ? { retryAfterMs: ms } : {};
}
