import type {
  ByProjectKeyRequestBuilder,
  Destination,
  MessageSubscription,
  Subscription,
  SubscriptionUpdateAction,
} from '@commercetools/platform-sdk';
import { ConfigError, type ConnectConfig } from '@clarus-connector/core';

export const ORDER_SUBSCRIPTION_KEY = 'clarus-wms-order-events';
export const ORDER_MESSAGE_TYPES = ['OrderCreated', 'OrderImported', 'OrderStateChanged'];

/** The messages the event app acts on today. Product messages join this list when product sync is on. */
export const ORDER_MESSAGES: MessageSubscription[] = [
  { resourceTypeId: 'order', types: ORDER_MESSAGE_TYPES },
];

/** The two destinations Connect provisions for an event app (commercetools Subscription destinations). */
export type ConnectDestination =
  | { type: 'GoogleCloudPubSub'; projectId: string; topic: string }
  | { type: 'AzureServiceBus'; connectionString: string };

/**
 * The Subscription destination for the queue Connect provisioned: a Pub/Sub topic on Google Cloud
 * (`CONNECT_GCP_PROJECT_ID`, `CONNECT_GCP_TOPIC_NAME`) or a Service Bus on Azure
 * (`CONNECT_AZURE_CONNECTION_STRING`), chosen by `CONNECT_PROVIDER` (Connect "extra environment variables",
 * release note of 24 September 2024; same branching as commercetools/connect-application-kit's event template).
 * @throws ConfigError naming every key the provider needs and the environment lacks.
 */
export function subscriptionDestination(connect: ConnectConfig): ConnectDestination {
  if (connect.provider === 'AZURE') {
    if (!connect.azureConnectionString) throw missing(['CONNECT_AZURE_CONNECTION_STRING'], 'AZURE');
    return { type: 'AzureServiceBus', connectionString: connect.azureConnectionString };
  }
  const absent = [
    ...(connect.gcpProjectId ? [] : ['CONNECT_GCP_PROJECT_ID']),
    ...(connect.gcpTopicName ? [] : ['CONNECT_GCP_TOPIC_NAME']),
  ];
  if (absent.length) throw missing(absent, 'GCP');
  return { type: 'GoogleCloudPubSub', projectId: connect.gcpProjectId!, topic: connect.gcpTopicName! };
}

function missing(keys: string[], provider: string): ConfigError {
  return new ConfigError(
    keys.map((key) => ({ key, message: `is required when CONNECT_PROVIDER is ${provider}` })),
  );
}

/** What the order Subscription should look like after a deploy. */
export interface DesiredSubscription {
  destination: ConnectDestination;
  messages: MessageSubscription[];
}

/**
 * The update actions that turn the existing Subscription into the desired one; none when nothing changed
 * (a redeploy with the same configuration writes nothing). A change of provider, topic or connection
 * string is one `changeDestination`; other message types one `setMessages` (order-insensitive compare).
 */
export function planSubscriptionUpdate(
  existing: Pick<Subscription, 'destination' | 'messages'>,
  desired: DesiredSubscription,
): SubscriptionUpdateAction[] {
  const actions: SubscriptionUpdateAction[] = [];
  if (!sameDestination(existing.destination, desired.destination)) {
    actions.push({ action: 'changeDestination', destination: desired.destination });
  }
  if (messagesKey(existing.messages) !== messagesKey(desired.messages)) {
    actions.push({ action: 'setMessages', messages: desired.messages });
  }
  return actions;
}

/** Compares only the fields we set: the API may add others (e.g. an Azure destination's `authenticationMode`). */
function sameDestination(current: Destination, desired: ConnectDestination): boolean {
  if (current.type !== desired.type) return false;
  if (desired.type === 'AzureServiceBus') {
    return (current as { connectionString?: string }).connectionString === desired.connectionString;
  }
  const gcp = current as { projectId?: string; topic?: string };
  return gcp.projectId === desired.projectId && gcp.topic === desired.topic;
}

function messagesKey(messages: MessageSubscription[] | undefined): string {
  return JSON.stringify(
    (messages ?? [])
      .map((m) => [m.resourceTypeId, [...(m.types ?? [])].sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * Creates the order Subscription, or updates it in place (rather than delete + create, which would drop
 * messages emitted in between). One Subscription per project under a fixed key, so a redeploy with another
 * provider, topic or message list never leaves a second one behind.
 */
export async function ensureOrderSubscription(
  api: ByProjectKeyRequestBuilder,
  desired: DesiredSubscription,
): Promise<{ subscription: Subscription; outcome: 'created' | 'updated' | 'unchanged' }> {
  const existing = await findSubscription(api);
  if (!existing) {
    const created = await api
      .subscriptions()
      .post({
        body: { key: ORDER_SUBSCRIPTION_KEY, destination: desired.destination, messages: desired.messages },
      })
      .execute();
    return { subscription: created.body, outcome: 'created' };
  }
  const actions = planSubscriptionUpdate(existing, desired);
  if (actions.length === 0) return { subscription: existing, outcome: 'unchanged' };
  const updated = await api
    .subscriptions()
    .withKey({ key: ORDER_SUBSCRIPTION_KEY })
    .post({ body: { version: existing.version, actions } })
    .execute();
  return { subscription: updated.body, outcome: 'updated' };
}

/** Deletes the order Subscription whatever its destination; false when there was none. */
export async function removeOrderSubscription(api: ByProjectKeyRequestBuilder): Promise<boolean> {
  const existing = await findSubscription(api);
  if (!existing) return false;
  await api
    .subscriptions()
    .withKey({ key: ORDER_SUBSCRIPTION_KEY })
    .delete({ queryArgs: { version: existing.version } })
    .execute();
  return true;
}

async function findSubscription(api: ByProjectKeyRequestBuilder): Promise<Subscription | undefined> {
  return api
    .subscriptions()
    .withKey({ key: ORDER_SUBSCRIPTION_KEY })
    .get()
    .execute()
    .then((r) => r.body)
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return undefined;
      throw err;
    });
}
