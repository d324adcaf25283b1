import type { ByProjectKeyRequestBuilder, Channel, Order } from '@commercetools/platform-sdk';
import { bodyUnlessNotFound, predicateString } from '../commercetools';
import type { Logger } from '../logging';
import { goodsOutReference, type ExportClaims } from '../orders';
import { referenceCandidates } from './dispatch-actions';
import type { ClarusDispatchView } from './dispatch-mapping';

export interface FoundOrder {
  order: Order;
  via: 'given' | 'syncInfo' | 'claim' | 'reference';
  /** The export claim's goods outs by reference, when it was read to find the order. */
  claimedGoodsOuts?: Record<string, number>;
}

export interface DispatchOrderLookupDeps {
  api: ByProjectKeyRequestBuilder;
  claims: Pick<ExportClaims, 'get'>;
  clarusChannel: () => Promise<Channel>;
  logger: Logger;
}

const SAFE_ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The commercetools read stage of a dispatch: which order a Clarus goods out belongs to. syncInfo first (what
 * export recorded), then a hinted order whose export claim links the goods out, then the reference (order
 * number, or order number + shipping key). commercetools errors are thrown as the SDK raises them.
 */
export function createDispatchOrderLookup(deps: DispatchOrderLookupDeps) {
  const { api, logger } = deps;
  const queryOrders = async (where: string, limit: number) =>
    (await api.orders().get({ queryArgs: { where, limit } }).execute()).body.results;

  const orderIfExists = (id: string): Promise<Order | undefined> =>
    bodyUnlessNotFound(api.orders().withId({ ID: id }).get());

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

  return { findOrder };
}
