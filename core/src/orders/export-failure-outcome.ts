import type { Order } from '@commercetools/platform-sdk';
import type { Logger } from '../logging';
import type { ExceptionStore } from '../operations';
import type { ExportClaims } from './export-claims';
import { EXCEPTION_EXPORT_FAILING, EXCEPTION_ORDER_INVALID, orderEntity } from './export-exceptions';
import { describeRejection, retryLater, type ClassifiedFailure } from './export-failure';
import type { AttemptState, ExportOutcome } from './export-order';
import { goodsOutsRecord } from './goods-out-recovery';

/*
 * What an export attempt does when it fails, by the failure's class (docs/adr/0001-ack-and-retry.md):
 * permanent → claim settled `invalid`, order-validation-failed raised, `rejected` (acknowledged);
 * transient/ambiguous → failure counted, claim released with what is known and pending, `retry_later`;
 * unexpected → counted, order-export-failing raised at once, `failed` (500, retried until a fix).
 */

export interface FailureDeps {
  claims: Pick<ExportClaims, 'settle'>;
  exceptions: ExceptionStore;
  logger: Logger;
  now: () => number;
  /** Consecutive transient failures after which "export failing" is raised. */
  failuresBeforeException: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Settles the claim as the failure's class says, raises what a person must see, and answers. */
export async function settleFailure(
  deps: FailureDeps,
  order: Order,
  state: AttemptState,
  failure: ClassifiedFailure,
  err: unknown,
): Promise<ExportOutcome> {
  const orderId = order.id;
  const entity = orderEntity(order);
  const progress = { goodsOuts: goodsOutsRecord(state.known), pending: state.pending };
  if (failure.class === 'permanent') {
    const rejected = describeRejection(failure);
    await deps.claims
      .settle(state.claim, { ...progress, status: 'invalid', failures: 0, lastError: failure.reason })
      .catch((e: unknown) => deps.logger.warn('could not settle the export claim', { orderId, error: e }));
    await deps.exceptions.raise({
      kind: EXCEPTION_ORDER_INVALID,
      entity,
      team: 'ecommerce',
      message: `Order ${order.orderNumber ?? order.id} was refused for good and not retried: ${rejected}. ${failure.reason}. Fix the order (or the mapping), then resend it.`,
      details: { symbols: failure.symbols, fields: failure.fields, goodsOuts: progress.goodsOuts },
    });
    deps.logger.warn('order export refused for good', {
      orderId,
      symbols: failure.symbols,
      fields: failure.fields,
    });
    return { kind: 'rejected', orderId, reason: failure.reason, symbols: failure.symbols };
  }
  const failures = state.claim.value.failures + 1;
  const firstFailureAt = state.claim.value.firstFailureAt ?? iso(deps.now());
  await deps.claims
    .settle(state.claim, {
      ...progress,
      status: 'exporting',
      failures,
      firstFailureAt,
      lastError: failure.reason,
    })
    .catch((e: unknown) => deps.logger.warn('could not settle the export claim', { orderId, error: e }));
  const unexpected = failure.class === 'unexpected';
  if (unexpected || failures >= deps.failuresBeforeException) {
    await deps.exceptions
      .raise({
        kind: EXCEPTION_EXPORT_FAILING,
        entity,
        message: unexpected
          ? `Order ${order.orderNumber ?? order.id} hit an unexpected error in the connector (${failure.reason.slice(0, 200)}); it is retried, and needs a fix if this stays open.`
          : `Order ${order.orderNumber ?? order.id} has failed to reach Clarus ${failures} times in a row (last: ${failure.reason.slice(0, 200)}). Retries continue automatically.`,
        details: { failures, firstFailureAt },
      })
      .catch((e: unknown) =>
        deps.logger.warn('could not record export-failing exception', { orderId, error: e }),
      );
  }
  if (unexpected) {
    deps.logger.error('order export failed unexpectedly', { orderId, error: err });
    return { kind: 'failed', orderId, reason: failure.reason };
  }
  deps.logger.warn('order export will be retried', {
    orderId,
    failures,
    reason: failure.reason,
    mayHaveSucceeded: failure.class === 'ambiguous',
  });
  return retryLater(orderId, failure);
}

/** A failure before the claim was taken (reading the order, the channel, the claim itself). */
export async function failureBeforeClaim(
  deps: FailureDeps,
  orderId: string,
  failure: ClassifiedFailure,
  err: unknown,
): Promise<ExportOutcome> {
  if (failure.class === 'transient' || failure.class === 'ambiguous') {
    return retryLater(orderId, failure);
  }
  const permanent = failure.class === 'permanent';
  await deps.exceptions
    .raise({
      kind: permanent ? EXCEPTION_ORDER_INVALID : EXCEPTION_EXPORT_FAILING,
      entity: { type: 'order', id: orderId },
      message: permanent
        ? `Order ${orderId} could not be read for export and is not retried: ${failure.reason}. Check the connector's commercetools API client, then resend the order.`
        : `Order ${orderId} hit an unexpected error in the connector (${failure.reason.slice(0, 200)}); it is retried, and needs a fix if this stays open.`,
    })
    .catch((e: unknown) => deps.logger.warn('could not record export exception', { orderId, error: e }));
  if (permanent) {
    deps.logger.warn('order export refused for good', { orderId, reason: failure.reason });
    return { kind: 'rejected', orderId, reason: failure.reason, symbols: [] };
  }
  deps.logger.error('order export failed unexpectedly', { orderId, error: err });
  return { kind: 'failed', orderId, reason: failure.reason };
}
