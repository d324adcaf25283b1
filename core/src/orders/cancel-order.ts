import type { ByProjectKeyRequestBuilder, Channel, Order } from '@commercetools/platform-sdk';
import {
  ClarusNotFoundError,
  ClarusValidationError,
  type ClarusClient,
  type ClarusGoodsOutSummary,
} from '../clarus';
import { isNotFound } from '../commercetools';
import type { Logger } from '../logging';
import type { ExceptionStore } from '../operations';
import type { ExportClaims } from './export-claims';
import { DEFAULT_AMBIGUOUS_CREATE_HOLD_MS } from './export-order';
import { orderEntity } from './export-exceptions';
import {
  classifyExportFailure,
  describeRejection,
  retryLater,
  type ClassifiedFailure,
} from './export-failure';
import {
  adoptFound,
  candidateReferences,
  holdLeftMs,
  knownFromClaim,
  pendingInHold,
} from './goods-out-recovery';
import { shipmentGroups } from './goods-out-mapping';

export type CancelOutcome =
  | { kind: 'cancelled'; orderId: string; goodsOutIds: number[] }
  | { kind: 'refused'; orderId: string; goodsOutIds: number[] }
  | { kind: 'not_exported'; orderId: string }
  | { kind: 'skipped'; orderId: string; reason: string }
  /** Clarus or commercetools refused the cancellation for good; exception raised. Acknowledge. */
  | { kind: 'rejected'; orderId: string; reason: string; symbols: string[] }
  | { kind: 'retry_later'; orderId: string; reason: string; retryAfterMs?: number }
  /** An unexpected error (a bug): logged and retried. */
  | { kind: 'failed'; orderId: string; reason: string };

export const EXCEPTION_CANCELLATION_REFUSED = 'cancellation-refused';

export interface OrderCancellationDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: ClarusClient;
  claims: ExportClaims;
  exceptions: ExceptionStore;
  clarusChannel: () => Promise<Channel>;
  logger: Logger;
  now: () => number;
  /** Same hold as the export's (`ambiguousCreateHoldMs`): how long a pending create may still appear. */
  ambiguousCreateHoldMs?: number;
}

/**
 * Order cancelled in commercetools → its goods outs cancelled in Clarus, or an exception when too late.
 * Goods outs are those the order's syncInfo and claim name, plus whatever Clarus shows for every reference
 * an attempt may have created (a create whose answer was lost): looked up at once, never waited for.
 */
export function createOrderCancellation(deps: OrderCancellationDeps) {
  const holdMs = deps.ambiguousCreateHoldMs ?? DEFAULT_AMBIGUOUS_CREATE_HOLD_MS;

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
    const candidates = candidateReferences(order, claim?.value);
    const known = knownFromClaim(claim?.value, candidates);
    const ids = new Set<number>([...known.values()].map((k) => k.id));
    for (const s of order.syncInfo)
      if (s.channel.id === channel.id && s.externalId) ids.add(Number(s.externalId));

    // Some goods out has no id yet (never exported, or a create whose answer was lost): ask Clarus.
    let found: ClarusGoodsOutSummary[] | undefined;
    const incomplete = (claim?.value.pending?.length ?? 0) > 0 || ids.size < shipmentGroups(order).length;
    if (incomplete) {
      found = await deps.clarus.findGoodsOutsByReferences([...candidates.keys()], { deadline });
      adoptFound(known, found, candidates);
      for (const k of known.values()) ids.add(k.id);
    }
    const goodsOutIds = [...ids].filter((id) => Number.isSafeInteger(id) && id > 0);
    // Creates whose answer was lost and that Clarus does not show (yet): ask again until their hold ends.
    const held = pendingInHold(claim?.value.pending, known, deps.now(), holdMs);
    const waitForHeld = (): CancelOutcome => ({
      kind: 'retry_later',
      orderId,
      reason: `a create of ${held.map((p) => p.reference).join(', ')} may still appear in Clarus`,
      retryAfterMs: holdLeftMs(held, deps.now(), holdMs),
    });

    if (goodsOutIds.length === 0) {
      if (claim?.value.status === 'exporting' && Date.parse(claim.value.leaseUntil) > deps.now()) {
        return { kind: 'retry_later', orderId, reason: 'export in progress; cancel once it has finished' };
      }
      if (held.length) return waitForHeld();
      // Never exported: make sure no later sweep or redelivery sends it (unless the order is reopened).
      const acquired = await deps.claims.acquire(order);
      if (acquired.kind === 'acquired') {
        await deps.claims.settle(acquired.claim, {
          status: 'cancelled',
          pending: undefined,
          cancelledAtOrderVersion: order.version,
        });
      } else if (acquired.kind === 'busy')
        return { kind: 'retry_later', orderId, reason: 'export in progress' };
      return { kind: 'not_exported', orderId };
    }

    const statusOf = async (id: number) => {
      found ??= await deps.clarus.findGoodsOutsByReferences([...candidates.keys()], { deadline });
      return found.find((g) => g.id === id)?.status?.code;
    };
    const refused: number[] = [];
    const rejected: { id: number; failure: ClassifiedFailure }[] = [];
    for (const id of goodsOutIds) {
      try {
        await deps.clarus.cancelGoodsOut(id, { deadline });
      } catch (err) {
        if (err instanceof ClarusNotFoundError) continue; // draft/pending goods outs are deleted by a cancel
        const failure = classifyExportFailure(err);
        if (failure.class !== 'permanent') throw err;
        // A redelivered cancel meets a goods out already cancelled: that is done, not refused.
        if ((await statusOf(id)) === 'CANCELLED') continue;
        if (err instanceof ClarusValidationError) refused.push(id);
        else rejected.push({ id, failure });
      }
    }
    const entity = orderEntity(order);
    if (refused.length || rejected.length) {
      const parts = [
        ...(refused.length
          ? [
              `Clarus refused to cancel goods out ${refused.join(', ')} (already dispatched). Stop or intercept the parcel and refund the customer.`,
            ]
          : []),
        ...rejected.map(
          (r) =>
            `Clarus did not accept the cancel of goods out ${r.id}: ${describeRejection(r.failure)}; cancel it in Clarus by hand.`,
        ),
      ];
      await deps.exceptions.raise({
        kind: EXCEPTION_CANCELLATION_REFUSED,
        entity,
        team: 'ecommerce',
        message: `Order ${order.orderNumber ?? order.id} was cancelled in commercetools but not in Clarus: ${parts.join(' ')}`,
        details: {
          goodsOutIds: [...refused, ...rejected.map((r) => r.id)],
          symbols: rejected.flatMap((r) => r.failure.symbols),
        },
      });
      deps.logger.warn('cancellation refused by Clarus', {
        orderId,
        refused,
        rejected: rejected.map((r) => ({ goodsOutId: r.id, symbols: r.failure.symbols })),
      });
      return refused.length
        ? { kind: 'refused', orderId, goodsOutIds: refused }
        : {
            kind: 'rejected',
            orderId,
            reason: rejected.map((r) => r.failure.reason).join('; '),
            symbols: rejected.flatMap((r) => r.failure.symbols),
          };
    }
    deps.logger.info('goods outs cancelled', { orderId, goodsOutIds });
    if (held.length) return waitForHeld();
    return { kind: 'cancelled', orderId, goodsOutIds };
  }

  return {
    /** Cancels the order's goods outs in Clarus; never throws (see `CancelOutcome`). */
    async cancelOrder(orderId: string, options: { deadline?: number } = {}): Promise<CancelOutcome> {
      try {
        return await run(orderId, options.deadline);
      } catch (err) {
        const failure = classifyExportFailure(err);
        if (failure.class === 'transient' || failure.class === 'ambiguous') {
          return retryLater(orderId, failure);
        }
        if (failure.class === 'permanent') {
          await deps.exceptions
            .raise({
              kind: EXCEPTION_CANCELLATION_REFUSED,
              entity: { type: 'order', id: orderId },
              team: 'ecommerce',
              message: `The cancellation of order ${orderId} could not be carried out and is not retried: ${describeRejection(failure)}. Check the order's goods outs in Clarus and cancel them by hand.`,
              details: { symbols: failure.symbols, fields: failure.fields },
            })
            .catch((e: unknown) =>
              deps.logger.warn('could not record cancellation exception', { orderId, error: e }),
            );
          deps.logger.warn('order cancellation refused for good', { orderId, reason: failure.reason });
          return { kind: 'rejected', orderId, reason: failure.reason, symbols: failure.symbols };
        }
        deps.logger.error('order cancellation failed unexpectedly', { orderId, error: err });
        return { kind: 'failed', orderId, reason: failure.reason };
      }
    },
  };
}

export type OrderCancellation = ReturnType<typeof createOrderCancellation>;
