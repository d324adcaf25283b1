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

/** Pure: whether the order's syncInfo records this goods out on the Clarus channel (what export writes). */
export function recordsGoodsOut(
  order: Pick<Order, 'syncInfo'>,
  channelId: string,
  goodsOutId: number,
): boolean {
  return (order.syncInfo ?? []).some(
    (s) => s.channel.id === channelId && s.externalId === String(goodsOutId),
  );
}

/**
 * The commercetools read stage of a dispatch: which order a Clarus goods out belongs to. syncInfo first (what
 * export recorded), then a hinted order whose export claim links the goods out, then the reference (order
 * number, or order number + shipping key). commercetools errors are thrown as the SDK raises them.
 *
 * The usual case costs one read by key: the order the goods out names (`external_system_reference1`, the
 * order id export sends), else the order whose number is the reference, read by id or number and accepted
 * when its syncInfo records the goods out — the same proof the syncInfo query looks for. Only when neither
 * proves it do the queries run (a query scans in the emulator and costs more on the real API).
 */
export function createDispatchOrderLookup(deps: DispatchOrderLookupDeps) {
  const { api, logger } = deps;
  const queryOrders = async (where: string, limit: number) =>
    (await api.orders().get({ queryArgs: { where, limit } }).execute()).body.results;

  const orderIfExists = (id: string): Promise<Order | undefined> =>
    bodyUnlessNotFound(api.orders().withId({ ID: id }).get());

  const orderByNumber = (orderNumber: string): Promise<Order | undefined> =>
    bodyUnlessNotFound(api.orders().withOrderNumber({ orderNumber }).get());

  async function findOrder(view: ClarusDispatchView, orderIdHint?: string): Promise<FoundOrder | undefined> {
    const channel = await deps.clarusChannel();
    const hinted =
      orderIdHint && SAFE_ORDER_ID.test(orderIdHint) ? await orderIfExists(orderIdHint) : undefined;
    if (hinted && recordsGoodsOut(hinted, channel.id, view.goodsOutId)) {
      return { order: hinted, via: 'syncInfo' };
    }
    // No order named (or none by that id): the reference is the order number of a single-shipment order.
    if (!hinted && view.reference) {
      const numbered = await orderByNumber(view.reference);
      if (numbered && recordsGoodsOut(numbered, channel.id, view.goodsOutId)) {
        return { order: numbered, via: 'syncInfo' };
      }
    }

    const [bySync] = await queryOrders(
      `syncInfo(channel(id = ${predicateString(channel.id)}) and externalId = ${predicateString(String(view.goodsOutId))})`,
      1,
    );
    if (bySync) return { order: bySync, via: 'syncInfo' };

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
