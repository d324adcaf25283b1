// What Connect posts to an event app on Azure. Connect documents only the Google Cloud body (the Pub/Sub push
// envelope, handled in pubsub-envelope.ts); its official event template decodes that same envelope on Azure too.
// The other bodies accepted here are the plausible ones for a Service Bus → HTTP push: see
// docs/adr/0014-event-delivery-on-gcp-and-azure.md for the assumptions and how to confirm them.
import { z } from 'zod';
import { readCommercetoolsMessage, type DecodedMessage } from './pubsub-envelope';

/** The Azure body shapes accepted, for logs and exceptions. */
export type AzureDeliveryShape = 'commercetools-message' | 'cloudevent' | 'service-bus-message';

/** A recognised Azure delivery: its id (for exceptions) and the commercetools message it carries. */
export interface AzureDelivery {
  shape: AzureDeliveryShape;
  decoded: DecodedMessage;
}

/**
 * The commercetools message itself as the body (Subscription format Platform): the Service Bus message
 * body pushed as is. Recognised by `notificationType`, or by `type` + `resource` (messages always have both).
 */
const platformMessageSchema = z
  .object({
    id: z.string().optional(),
    notificationType: z.string().optional(),
    type: z.string().optional(),
    resource: z.object({ typeId: z.string(), id: z.string() }).loose().optional(),
  })
  .loose()
  .refine((m) => m.notificationType !== undefined || (m.type !== undefined && m.resource !== undefined));

/**
 * CloudEvents 1.0, structured JSON mode (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md):
 * what a CloudEvents-speaking bridge (Event Grid, Dapr) posts, and what a Subscription in CloudEvents format
 * sends (its `data` is the commercetools message).
 */
const cloudEventSchema = z
  .object({
    specversion: z.string(),
    id: z.union([z.string(), z.number()]),
    type: z.string().optional(),
    data: z.unknown().optional(),
    data_base64: z.string().optional(),
  })
  .loose();

/**
 * A Service Bus received message serialised as JSON (`@azure/service-bus` ServiceBusReceivedMessage field
 * names: `body`, `messageId`, `deliveryCount`): what a generic forwarder posts.
 */
const serviceBusMessageSchema = z
  .object({
    body: z.unknown(),
    messageId: z.union([z.string(), z.number()]).optional(),
    deliveryCount: z.number().optional(),
  })
  .loose()
  .refine((m) => m.body !== undefined && m.body !== null);

/**
 * Recognises an Azure delivery body and decodes the commercetools message in it; `undefined` when the body
 * is none of the accepted shapes (the caller answers 400). A recognised body whose payload is not a
 * commercetools message decodes to `{ok: false}`: a poison message, acknowledged with an exception.
 */
export function parseAzureDelivery(body: unknown): AzureDelivery | undefined {
  const cloudEvent = cloudEventSchema.safeParse(body);
  if (cloudEvent.success) {
    const messageId = String(cloudEvent.data.id);
    const payload =
      cloudEvent.data.data_base64 !== undefined ? cloudEvent.data.data_base64 : cloudEvent.data.data;
    return { shape: 'cloudevent', decoded: readPayload(payload, messageId, 'CloudEvent data') };
  }
  const serviceBus = serviceBusMessageSchema.safeParse(body);
  if (serviceBus.success) {
    const messageId = serviceBus.data.messageId !== undefined ? String(serviceBus.data.messageId) : 'unknown';
    return { shape: 'service-bus-message', decoded: readPayload(serviceBus.data.body, messageId, 'body') };
  }
  const message = platformMessageSchema.safeParse(body);
  if (message.success) {
    const messageId = message.data.id ?? 'unknown';
    return { shape: 'commercetools-message', decoded: readCommercetoolsMessage(body, messageId, 'the body') };
  }
  return undefined;
}

/**
 * A payload that may be JSON already, a JSON string, or base64 of JSON (Service Bus bodies are bytes; a
 * forwarder may pass them on in any of these forms).
 */
function readPayload(payload: unknown, messageId: string, field: string): DecodedMessage {
  if (typeof payload !== 'string') return readCommercetoolsMessage(payload, messageId, field);
  const json = parseJson(payload) ?? parseJson(Buffer.from(payload, 'base64').toString('utf8'));
  if (json === undefined)
    return { ok: false, messageId, reason: `${field} is neither JSON nor base64 of JSON` };
  return readCommercetoolsMessage(json, messageId, field);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
