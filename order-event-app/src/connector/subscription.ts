import type {
  ByProjectKeyRequestBuilder,
  Subscription,
  SubscriptionUpdateAction,
} from '@commercetools/platform-sdk';
export const ORDER_SUBSCRIPTION_KEY = 'clarus-wms-order-events';
export const ORDER_MESSAGE_TYPES = ['OrderCreated', 'OrderImported', 'OrderStateChanged'];

/**
 * Points the order Subscription at the Pub/Sub topic Connect created for the event app. Updating in place
 * (rather than delete + create) keeps messages flowing during a redeploy.
 */
export async function ensureOrderSubscription(
  api: ByProjectKeyRequestBuilder,
  gcp: { projectId: string; topic: string },
): Promise<Subscription> {
  const destination = { type: 'GoogleCloudPubSub' as const, projectId: gcp.projectId, topic: gcp.topic };
  const messages = [{ resourceTypeId: 'order' as const, types: ORDER_MESSAGE_TYPES }];
  const existing = await findSubscription(api);
  if (!existing) {
    return (
      await api
        .subscriptions()
        .post({ body: { key: ORDER_SUBSCRIPTION_KEY, destination, messages } })
        .execute()
    ).body;
  }
  // A redeploy to the same topic changes nothing: no write at all.
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const current = existing.destination as { type?: string; projectId?: string; topic?: string };
  const actions: SubscriptionUpdateAction[] = [
    ...(same({ type: current.type, projectId: current.projectId, topic: current.topic }, destination)
      ? []
      : [{ action: 'changeDestination' as const, destination }]),
    ...(same(existing.messages, messages) ? [] : [{ action: 'setMessages' as const, messages }]),
  ];
  if (actions.length === 0) return existing;
  return (
    await api
      .subscriptions()
      .withKey({ key: ORDER_SUBSCRIPTION_KEY })
      .post({ body: { version: existing.version, actions } })
      .execute()
  ).body;
}

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
