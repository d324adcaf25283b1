import type { ByProjectKeyRequestBuilder, Order, OrderUpdateAction } from '@commercetools/platform-sdk';
import { commercetoolsErrorInfo, updateWithRecompute } from '../commercetools';
import type { FulfilmentConfig } from '../config';
import type { Logger } from '../logging';
import { dispatchActions } from './dispatch-actions';
import type { DispatchPlan } from './dispatch-mapping';
import { orderStateNodesOf, type OrderStateNode } from './order-state-rule';

/** A plan and the actions that carry it out on one version of the order. */
export interface DispatchDecision {
  plan: DispatchPlan;
  actions: OrderUpdateAction[];
}

/** What the write stage did. Transient commercetools failures are thrown (the caller retries later). */
export type DispatchWriteResult =
  | {
      kind: 'written' | 'unchanged';
      /** The decision the last attempt carried out (recomputed after a 409). */
      last: DispatchDecision;
      attempts: number;
    }
  /** commercetools refused the write itself (400 invalid action, 404 order gone): repeating will not help. */
  | { kind: 'rejected'; reason: string };

export interface DispatchWriterDeps {
  api: ByProjectKeyRequestBuilder;
  fulfilment: Pick<FulfilmentConfig, 'dispatchOrderStateKey'>;
  logger: Logger;
}

/**
 * The write stage of a dispatch: plan → order update actions → one versioned order update, recomputed from
 * a fresh read on 409 (`updateWithRecompute`). The merchant's order states are read only when a plan makes
 * the order Shipped and DISPATCH_ORDER_STATE_KEY is set (one query per write).
 */
export function createDispatchWriter(deps: DispatchWriterDeps) {
  const { api, logger } = deps;
  const loadOrder = async (id: string) => (await api.orders().withId({ ID: id }).get().execute()).body;

  /** The configured dispatch State and every OrderState (for the forward-only rule), or none. */
  async function orderStates(): Promise<{ dispatchStateId?: string; orderStates: OrderStateNode[] }> {
    const key = deps.fulfilment.dispatchOrderStateKey;
    if (!key) return { orderStates: [] };
    const states = (
      await api
        .states()
        .get({ queryArgs: { where: 'type = "OrderState"', limit: 500 } })
        .execute()
    ).body.results;
    const target = states.find((s) => s.key === key);
    if (!target) {
      logger.warn('DISPATCH_ORDER_STATE_KEY names no OrderState: orders are not transitioned', { key });
      return { orderStates: [] };
    }
    return { dispatchStateId: target.id, orderStates: orderStateNodesOf(states) };
  }

  /**
   * Decides the actions for one version of the order. `withTransition: false` leaves the state transition
   * out (used after the merchant's state machine refused it).
   */
  async function decide(
    order: Order,
    planFor: (o: Order) => DispatchPlan,
    withTransition = true,
  ): Promise<DispatchDecision> {
    const plan = planFor(order);
    const states = withTransition && plan.shipmentState === 'Shipped' ? await orderStates() : undefined;
    return { plan, actions: dispatchActions(order, plan, states ?? {}) };
  }

  return {
    decide,

    /**
     * Writes `first` (decided on `order`) and recomputes on 409. When the merchant's state machine refuses
     * the transition, tracking matters more: the dispatch is written again without it.
     */
    async write(
      order: Order,
      first: DispatchDecision,
      planFor: (o: Order) => DispatchPlan,
    ): Promise<DispatchWriteResult> {
      let last = first;
      const attempt = async (withTransition: boolean, initial?: Order) =>
        updateWithRecompute<Order, OrderUpdateAction>({
          ...(initial ? { initial } : {}),
          load: () => loadOrder(order.id),
          decide: async (fresh) => {
            last = fresh === initial ? first : await decide(fresh, planFor, withTransition);
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

      try {
        const result = await attempt(true, order);
        return { kind: result.changed ? 'written' : 'unchanged', last, attempts: result.attempts };
      } catch (err) {
        if (!isRejection(err)) throw err;
        if (!last.actions.some((a) => a.action === 'transitionState')) {
          return { kind: 'rejected', reason: describe(err) };
        }
        logger.warn('order state transition refused; writing the dispatch without it', {
          orderId: order.id,
          stateKey: deps.fulfilment.dispatchOrderStateKey,
          error: describe(err),
        });
      }
      try {
        const result = await attempt(false);
        return { kind: result.changed ? 'written' : 'unchanged', last, attempts: result.attempts };
      } catch (again) {
        if (!isRejection(again)) throw again;
        return { kind: 'rejected', reason: describe(again) };
      }
    },
  };
}

export type DispatchWriter = ReturnType<typeof createDispatchWriter>;

/** commercetools refused the write itself (400 invalid action, 404 order gone): repeating it will not help. */
function isRejection(err: unknown): boolean {
  const { statusCode } = commercetoolsErrorInfo(err);
  return statusCode === 400 || statusCode === 404;
}

function describe(err: unknown): string {
  const { statusCode, code, message } = commercetoolsErrorInfo(err);
  return `commercetools answered ${statusCode ?? '?'}${code ? ` ${code}` : ''}${message ? `: ${message.slice(0, 300)}` : ''}`;
}
