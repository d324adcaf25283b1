import type { Order } from '@commercetools/platform-sdk';
import type { ExceptionStore, Logger, OrderCancellation, OrderExport } from '@clarus-connector/core';
import type { Request, Response } from 'express';
import { classify, decodeMessage, pushEnvelopeSchema } from './pubsub-envelope';

export const EXCEPTION_UNDECODABLE_MESSAGE = 'undecodable-message';

export interface OrderEventsRouteDeps {
  exporter: OrderExport;
  cancellation: OrderCancellation;
  exceptions: ExceptionStore;
  logger: Logger;
  now: () => number;
  /** Time the handler may take; Pub/Sub's ack deadline is 10 s, so answer well before. */
  budgetMs: number;
}

/**
 * Pub/Sub push endpoint. 2xx acknowledges (done, or nothing a retry could fix: recorded as an exception);
 * 503 asks Pub/Sub to redeliver with the subscription's backoff; 400 is for requests that are not push envelopes.
 */
export function orderEventsHandler(deps: OrderEventsRouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const envelope = pushEnvelopeSchema.safeParse(req.body);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      res.status(400).json({
        error: 'invalid_envelope',
        message:
          `not a Pub/Sub push envelope: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim(),
      });
      return;
    }
    const decoded = decodeMessage(envelope.data);
    if (!decoded.ok) {
      await deps.exceptions.raise({
        kind: EXCEPTION_UNDECODABLE_MESSAGE,
        entity: { type: 'message', id: decoded.messageId },
        team: 'operations',
        message: `Pub/Sub message ${decoded.messageId} could not be read (${decoded.reason}); it was acknowledged so it is not redelivered forever. Check the commercetools Subscription's format.`,
        details: { subscription: envelope.data.subscription },
      });
      deps.logger.warn('undecodable message acknowledged', {
        messageId: decoded.messageId,
        reason: decoded.reason,
      });
      res.status(202).json({ outcome: 'undecodable', messageId: decoded.messageId });
      return;
    }

    const event = classify(decoded.message);
    if (event.kind === 'ignore') {
      res.status(200).json({ outcome: 'ignored', reason: event.reason });
      return;
    }
    const deadline = deps.now() + deps.budgetMs;
    const work =
      event.kind === 'export'
        ? deps.exporter.exportOrder({
            orderId: event.orderId,
            order: orderFrom(event.order, event.orderId),
            deadline,
          })
        : deps.cancellation.cancelOrder(event.orderId, { deadline });
    // The claim keeps a late finisher safe; the answer must not miss the ack deadline.
    const outcome = await Promise.race([work, overBudget(deps.budgetMs + 500)]);
    if (outcome === 'over_budget' || outcome.kind === 'retry_later' || outcome.kind === 'in_progress') {
      const retryAfterMs =
        outcome !== 'over_budget' && outcome.kind === 'retry_later' ? outcome.retryAfterMs : undefined;
      if (retryAfterMs) res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      res
        .status(503)
        .json({ outcome: outcome === 'over_budget' ? 'over_budget' : outcome.kind, orderId: event.orderId });
      return;
    }
    res.status(200).json({ outcome: outcome.kind, orderId: event.orderId });
  };
}

function overBudget(ms: number): Promise<'over_budget'> {
  return new Promise((resolve) => setTimeout(() => resolve('over_budget'), ms).unref());
}

/** The payload's order, when it looks like one; otherwise the use case fetches it. */
function orderFrom(payload: Record<string, unknown> | undefined, orderId: string): Order | undefined {
  if (!payload || payload.id !== orderId || !Array.isArray(payload.lineItems)) return undefined;
  return payload as unknown as Order;
}
