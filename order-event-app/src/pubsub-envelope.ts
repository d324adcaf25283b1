import { z } from 'zod';

/** Pub/Sub push request body (https://cloud.google.com/pubsub/docs/push#receive_push). */
export const pushEnvelopeSchema = z.object({
  message: z.object({
    data: z.string({ error: 'must be a base64 string' }),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    publishTime: z.string().optional(),
  }),
  subscription: z.string().optional(),
});
export type PushEnvelope = z.infer<typeof pushEnvelopeSchema>;

/** The parts of a commercetools message (or subscription notification) the event app acts on. */
export const commercetoolsMessageSchema = z
  .object({
    notificationType: z.string().optional(),
    type: z.string().optional(),
    resource: z.object({ typeId: z.string(), id: z.string() }).optional(),
    resourceVersion: z.number().optional(),
    sequenceNumber: z.number().optional(),
    order: z.record(z.string(), z.unknown()).optional(),
    orderState: z.string().optional(),
    oldOrderState: z.string().optional(),
    payloadNotIncluded: z
      .object({ reason: z.string().optional(), payloadType: z.string().optional() })
      .optional(),
  })
  .loose();
export type CommercetoolsMessage = z.infer<typeof commercetoolsMessageSchema>;

export type DecodedMessage =
  | { ok: true; messageId: string; message: CommercetoolsMessage }
  | { ok: false; messageId: string; reason: string };

/** Decodes `message.data`; a failure here is a poison message (redelivery can never fix it). */
export function decodeMessage(envelope: PushEnvelope): DecodedMessage {
  const messageId = envelope.message.messageId ?? envelope.message.message_id ?? 'unknown';
  const text = Buffer.from(envelope.message.data, 'base64').toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, messageId, reason: 'message.data is not base64-encoded JSON' };
  }
  return readCommercetoolsMessage(json, messageId, 'message.data');
}

/**
 * Validates parsed JSON as a commercetools message (or subscription notification), whatever transport
 * carried it. `field` names where it came from, for the exception a failure becomes.
 */
export function readCommercetoolsMessage(json: unknown, messageId: string, field: string): DecodedMessage {
  const parsed = commercetoolsMessageSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      messageId,
      reason: `${field} is not a commercetools message (${parsed.error.issues[0]?.message})`,
    };
  }
  return { ok: true, messageId, message: parsed.data };
}

/** What the event app should do with a decoded message. */
export type OrderEvent =
  | { kind: 'export'; orderId: string; order?: Record<string, unknown> }
  | { kind: 'cancel'; orderId: string }
  | { kind: 'ignore'; reason: string };

export function classify(message: CommercetoolsMessage): OrderEvent {
  const type = message.type;
  const orderId = message.resource?.typeId === 'order' ? message.resource.id : undefined;
  if (message.notificationType && message.notificationType !== 'Message') {
    return {
      kind: 'ignore',
      reason: `notification ${message.notificationType} on ${message.resource?.typeId ?? 'unknown'}`,
    };
  }
  if (!orderId) return { kind: 'ignore', reason: `message ${type ?? 'unknown'} is not about an order` };
  if (type === 'OrderCreated' || type === 'OrderImported') {
    // With payloadNotIncluded (large orders) the order must be fetched.
    return { kind: 'export', orderId, order: message.payloadNotIncluded ? undefined : message.order };
  }
  if (type === 'OrderStateChanged') {
    if (message.payloadNotIncluded) return { kind: 'cancel', orderId }; // state re-read from the order itself
    return message.orderState === 'Cancelled'
      ? { kind: 'cancel', orderId }
      : { kind: 'ignore', reason: `order state changed to ${message.orderState ?? 'unknown'}` };
  }
  return { kind: 'ignore', reason: `message type ${type ?? 'unknown'} is not handled` };
}
