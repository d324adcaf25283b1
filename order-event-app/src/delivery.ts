import { parseAzureDelivery } from './azure-delivery';
import { decodeMessage, pushEnvelopeSchema, type DecodedMessage } from './pubsub-envelope';

/**
 * One request to the event endpoint, whichever cloud Connect runs the deployment on: either not a delivery
 * at all (answer 400), or a delivery with its decoded commercetools message (`decoded.ok === false` is a
 * poison message: acknowledge it with an exception).
 */
export type Delivery =
  | { kind: 'invalid'; message: string }
  | {
      kind: 'delivery';
      /** The transport, for exceptions and logs: 'Pub/Sub' or 'Service Bus (<body shape>)'. */
      transport: string;
      /** The Pub/Sub subscription name, when the envelope carries one. */
      subscription?: string;
      decoded: DecodedMessage;
    };

/**
 * Parses the body Connect posts: the Pub/Sub push envelope (Google Cloud, and the body the official Connect
 * event template expects on Azure too), or one of the Azure Service Bus bodies in azure-delivery.ts.
 * A body with a `message` field is taken as a Pub/Sub envelope, so its errors name `message.*`.
 */
export function parseDelivery(body: unknown): Delivery {
  if (isObject(body) && 'message' in body) {
    const envelope = pushEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      return {
        kind: 'invalid',
        message:
          `not a Pub/Sub push envelope: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim(),
      };
    }
    return {
      kind: 'delivery',
      transport: 'Pub/Sub',
      subscription: envelope.data.subscription,
      decoded: decodeMessage(envelope.data),
    };
  }
  const azure = parseAzureDelivery(body);
  if (azure) return { kind: 'delivery', transport: `Service Bus (${azure.shape})`, decoded: azure.decoded };
  return {
    kind: 'invalid',
    message:
      'not a message delivery: expected a Pub/Sub push envelope (message.data), a commercetools message ' +
      '(notificationType), a CloudEvent (specversion, id, data) or a Service Bus message (body)',
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
