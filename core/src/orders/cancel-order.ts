import type { ByProjectKeyRequestBuilder, Channel, Order } from '@commercetools/platform-sdk';
import { ClarusNotFoundError, ClarusValidationError, isClarusError, type ClarusClient } from '../clarus';
import { isNotFound, isTransientCommercetoolsError } from '../commercetools';
import type { Logger } from '../logging';
import type { ExceptionStore } from '../operations';
import type { ExportClaims } from './export-claims';

export type CancelOutcome =
  | { kind: 'cancelled'; orderId: string; goodsOutIds: number[] }
  | { kind: 'refused'; orderId: string; goodsOutIds: number[] }
  | { kind: 'not_exported'; orderId: string }
  | { kind: 'skipped'; orderId: string; reason: string }
  | { kind: 'retry_later'; orderId: string; reason: string; retryAfterMs?: number };

export const EXCEPTION_CANCELLATION_REFUSED = 'cancellation-refused';

export interface OrderCancellationDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: ClarusClient;
  claims: ExportClaims;
  exceptions: ExceptionStore;
  clarusChannel: () => Promise<Channel>;
  logger: Logger;
  now: () => number;
}

/** Order cancelled in commercetools → its goods outs cancelled in Clarus, or an exception when too late. */
export function createOrderCancellation(deps: OrderCancellationDeps) {
  async function run(orderId: string, deadline?: number): Promise<CancelOutcome> {
    let order: Order;
    try {
      order = (await deps.api.orders().withId({ ID: orderId }).get().execute()).body;
    } catch (err) {
      if (isNotFound(err)) return { kind: 'skipped', orderId, reason: 'order not found in commercetools' };
      throw err;
    }
    if (order.orderState !== 'Cancelled')
      return { kind: 'skipped', orderId, reason: `order is ${order.orderState}` };
    const channel = await deps.clarusChannel();
    const claim = await deps.claims.get(orderId);
    const ids = new Set<number>(Object.values(claim?.value.goodsOuts ?? {}));
    for (const s of order.syncInfo)
      if (s.channel.id === channel.id && s.externalId) ids.add(Number(s.externalId));
    const goodsOutIds = [...ids].filter((id) => Number.isSafeInteger(id) && id > 0);

    if (goodsOutIds.length === 0) {
      if (claim?.value.status === 'exporting' && Date.parse(claim.value.leaseUntil) > deps.now()) {
        return { kind: 'retry_later', orderId, reason: 'export in progress; cancel once it has finished' };
      }
      // Never exported: make sure no later sweep or redelivery sends it.
      const acquired = await deps.claims.acquire(order);
      if (acquired.kind === 'acquired') await deps.claims.settle(acquired.claim, { status: 'cancelled' });
      else if (acquired.kind === 'busy')
        return { kind: 'retry_later', orderId, reason: 'export in progress' };
      return { kind: 'not_exported', orderId };
    }

    const referenceOf = new Map(Object.entries(claim?.value.goodsOuts ?? {}).map(([ref, id]) => [id, ref]));
    const statusOf = async (id: number) => {
      const reference = referenceOf.get(id);
      if (!reference) return undefined;
      const found = await deps.clarus.findGoodsOutsByReferences([reference], { deadline });
      return found.find((g) => g.id === id)?.status?.code;
    };
    const refused: number[] = [];
    for (const id of goodsOutIds) {
      try {
        await deps.clarus.cancelGoodsOut(id, { deadline });
      } catch (err) {
        if (err instanceof ClarusNotFoundError) continue; // draft/pending goods outs are deleted by a cancel
        if (err instanceof ClarusValidationError) {
          // A redelivered cancel meets a goods out this connector already cancelled: that is done, not refused.
          if ((await statusOf(id)) === 'CANCELLED') continue;
          refused.push(id);
          continue;
        }
        throw err;
      }
    }
    if (refused.length) {
      await deps.exceptions.raise({
        kind: EXCEPTION_CANCELLATION_REFUSED,
        entity: { type: 'order', id: order.id, orderNumber: order.orderNumber },
        team: 'ecommerce',
        message: `Order ${order.orderNumber ?? order.id} was cancelled after dispatch: Clarus refused to cancel goods out ${refused.join(', ')}. Stop or intercept the parcel and refund the customer.`,
        details: { goodsOutIds: refused },
      });
      deps.logger.warn('cancellation refused by Clarus', { orderId, goodsOutIds: refused });
      return { kind: 'refused', orderId, goodsOutIds: refused };
    }
    deps.logger.info('goods outs cancelled', { orderId, goodsOutIds });
    return { kind: 'cancelled', orderId, goodsOutIds };
  }

  return {
    async cancelOrder(orderId: string, options: { deadline?: number } = {}): Promise<CancelOutcome> {
      try {
        return await run(orderId, options.deadline);
      } catch (err) {
        if (
          (isClarusError(err) && (err.retryable || err.mayHaveSucceeded)) ||
          isTransientCommercetoolsError(err)
        ) {
          return { kind: 'retry_later', orderId, reason: err instanceof Error ? err.message : String(err) };
        }
        throw err;
      }
    },
  };
}

export type OrderCancellation = ReturnType<typeof createOrderCancellation>;
