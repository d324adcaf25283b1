import type {
  ExceptionStore,
  Logger,
  OrderCancellation,
  OrderExport,
  ProductSync,
} from '@clarus-connector/core';
import type { Request, Response } from 'express';
import { parseDelivery } from './delivery';
import { classifyProductMessage, handleProductEvent } from './product-events';
import { classify } from './pubsub-envelope';

export const EXCEPTION_UNDECODABLE_MESSAGE = 'undecodable-message';

export interface OrderEventsRouteDeps {
  exporter: OrderExport;
  cancellation: OrderCancellation;
  /** Product messages (PRODUCT_MASTER=commercetools): product-events.ts. */
  products?: ProductSync;
  exceptions: ExceptionStore;
  logger: Logger;
  now: () => number;
  /** Time the handler may take; Pub/Sub's ack deadline is 10 s, so answer well before. */
  budgetMs: number;
}

/**
 * Event endpoint (Pub/Sub push on Google Cloud, a Service Bus delivery on Azure). 2xx acknowledges (done, or
 * nothing a retry could fix: recorded as an exception); 503 asks the queue to redeliver (docs/adr/0014);
 * 400 is for requests that are not deliveries.
 */
export function orderEventsHandler(deps: OrderEventsRouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    // Pub/Sub push envelope (Google Cloud) or a Service Bus delivery (Azure): see delivery.ts.
    const delivery = parseDelivery(req.body);
    if (delivery.kind === 'invalid') {
      res.status(400).json({ error: 'invalid_envelope', message: delivery.message });
      return;
    }
    const decoded = delivery.decoded;
    if (!decoded.ok) {
      const recorded = await deps.exceptions
        .raise({
          kind: EXCEPTION_UNDECODABLE_MESSAGE,
          entity: { type: 'message', id: decoded.messageId },
          team: 'operations',
          message: `${delivery.transport} message ${decoded.messageId} could not be read (${decoded.reason}); it was acknowledged so it is not redelivered forever. Check the commercetools Subscription's format.`,
          details: { subscription: delivery.subscription },
        })
        .then(
          () => true,
          (error: unknown) => {
            deps.logger.warn('could not record an undecodable message; asking for redelivery', { error });
            return false;
          },
        );
      // Acknowledged only once the exception is recorded; never commercetools' status passed through.
      if (!recorded) {
        res.status(503).json({ outcome: 'retry_later', messageId: decoded.messageId });
        return;
      }
      deps.logger.warn('undecodable message acknowledged', {
        messageId: decoded.messageId,
        reason: decoded.reason,
      });
      res.status(202).json({ outcome: 'undecodable', messageId: decoded.messageId });
      return;
    }

    const productEvent = deps.products && classifyProductMessage(decoded.message);
    if (productEvent && deps.products) {
      const work = handleProductEvent(
        { products: deps.products, logger: deps.logger },
        productEvent,
        deps.now() + deps.budgetMs,
      );
      await answerWithin(res, work, deps.budgetMs, { productId: productEvent.productId });
      return;
    }

    const event = classify(decoded.message);
    if (event.kind === 'ignore') {
      res.status(200).json({ outcome: 'ignored', reason: event.reason });
      return;
    }
    const deadline = deps.now() + deps.budgetMs;
    // The payload is only a hint (it may be hours old): the use case reads the order as it is now.
    const work =
      event.kind === 'export'
        ? deps.exporter.exportOrder({
            orderId: event.orderId,
            source: decoded.message.type === 'OrderImported' ? 'imported' : 'created',
            deadline,
          })
        : deps.cancellation.cancelOrder(event.orderId, { deadline });
    const settled = work.catch((error: unknown) => {
      // The use cases answer every failure with an outcome; anything thrown anyway is a bug. Never pass an
      // upstream status (a Clarus 422, a commercetools 400) through: that would read as "bad delivery".
      deps.logger.error('order event failed unexpectedly', { orderId: event.orderId, error });
      return { kind: 'failed' as const, orderId: event.orderId };
    });
    await answerWithin(res, settled, deps.budgetMs, { orderId: event.orderId });
  };
}

/**
 * Answers with the work's outcome (`statusFor`), or 503 `over_budget` when it is not done shortly after the
 * budget: the claim keeps a late finisher safe, and the answer must not miss the ack deadline. A
 * `retry_later` outcome's `retryAfterMs` becomes a Retry-After header (seconds).
 */
async function answerWithin(
  res: Response,
  work: Promise<{ kind: string; retryAfterMs?: number }>,
  budgetMs: number,
  subject: Record<string, string>,
): Promise<void> {
  const outcome = await Promise.race([work, overBudget(budgetMs + 500)]);
  const kind = outcome === 'over_budget' ? outcome : outcome.kind;
  const retryAfterMs = outcome === 'over_budget' ? undefined : outcome.retryAfterMs;
  const status = statusFor(kind);
  if (status === 503 && retryAfterMs) res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  res.status(status).json({ outcome: kind, ...subject });
}

/**
 * Outcome → HTTP answer (docs/adr/0001-ack-and-retry.md): 503 = redeliver later (transient, in progress,
 * an ambiguous create in its hold, over budget); 500 = an unexpected error (recorded as an exception, retried
 * with backoff until a fix is deployed); 200 = acknowledged, including every permanent refusal (rejected,
 * invalid, refused: an exception names the order) and orders that must not ship (skipped).
 */
export function statusFor(kind: string): 200 | 500 | 503 {
  if (kind === 'over_budget' || kind === 'retry_later' || kind === 'in_progress') return 503;
  if (kind === 'failed') return 500;
  return 200;
}

function overBudget(ms: number): Promise<'over_budget'> {
  return new Promise((resolve) => setTimeout(() => resolve('over_budget'), ms).unref());
}
