import type { Subscription } from '@commercetools/platform-sdk';
import {
  CLARUS_CHANNEL_KEY,
  ConfigError,
  createCommercetoolsClient,
  ensureClarusChannel,
  loadConfig,
  secretValues,
} from '@clarus-connector/core';
import { startCommercetoolsEmulator, type CommercetoolsEmulator } from '@clarus-connector/sandbox';
import { postDeploy, preUndeploy } from '../src/connector/lifecycle';
import {
  ensureOrderSubscription,
  ORDER_MESSAGES,
  ORDER_MESSAGE_TYPES,
  ORDER_SUBSCRIPTION_KEY,
  planSubscriptionUpdate,
  removeOrderSubscription,
  subscriptionDestination,
} from '../src/connector/subscription';

// Shaped like a real Service Bus connection string; the key is made up.
const AZURE_CONNECTION =
  'Endpoint=sb://clarus-connect.servicebus.windows.net/;SharedAccessKeyName=connect;SharedAccessKey=bm90LWEtcmVhbC1rZXk=;EntityPath=order-events';
const AZURE_CONNECTION_2 = AZURE_CONNECTION.replace('order-events', 'order-events-2');

let ct: CommercetoolsEmulator;
let api: ReturnType<typeof createCommercetoolsClient>;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  ct = await startCommercetoolsEmulator();
  baseEnv = {
    ...ct.env(),
    LOG_LEVEL: 'error',
    CLARUS_SUBDOMAIN: 'x',
    CLARUS_CLIENT_ID: 'x',
    CLARUS_CLIENT_SECRET: 'x-secret',
    CLARUS_ACCOUNT_ID: '1',
  };
  api = createCommercetoolsClient(loadConfig(baseEnv).commercetools);
});
afterAll(async () => ct?.close());
beforeEach(async () => {
  await removeOrderSubscription(api);
});

const gcp = (topic = 'topic-a') => ({
  ...baseEnv,
  CONNECT_PROVIDER: 'GCP',
  CONNECT_GCP_PROJECT_ID: 'gcp-1',
  CONNECT_GCP_TOPIC_NAME: topic,
});
const azure = (connectionString = AZURE_CONNECTION) => ({
  ...baseEnv,
  CONNECT_PROVIDER: 'AZURE',
  CONNECT_AZURE_CONNECTION_STRING: connectionString,
});
const subscriptions = async (): Promise<Subscription[]> =>
  (
    await api
      .subscriptions()
      .get({ queryArgs: { limit: 500 } })
      .execute()
  ).body.results;
const subscriptionWrites = async () =>
  (await ct.requests()).filter((r) => r.method !== 'GET' && r.url.includes('/subscriptions'));

describe('subscriptionDestination (pure)', () => {
  const connect = (env: Record<string, string>) => loadConfig(env).connect;

  it('builds a Service Bus destination on Azure and a Pub/Sub destination on Google Cloud', () => {
    expect(subscriptionDestination(connect(azure()))).toEqual({
      type: 'AzureServiceBus',
      connectionString: AZURE_CONNECTION,
    });
    expect(subscriptionDestination(connect(gcp()))).toEqual({
      type: 'GoogleCloudPubSub',
      projectId: 'gcp-1',
      topic: 'topic-a',
    });
  });

  it('takes a deployment without CONNECT_PROVIDER (made before Connect ran on Azure) as Google Cloud', () => {
    const { CONNECT_PROVIDER: _omitted, ...older } = gcp();
    expect(subscriptionDestination(connect(older))).toMatchObject({ type: 'GoogleCloudPubSub' });
    expect(loadConfig({ ...azure(), CONNECT_PROVIDER: 'azure' }).connect.provider).toBe('AZURE');
  });

  it('names the keys the provider needs when they are missing, and rejects an unknown provider', () => {
    const noConnection = { ...azure(), CONNECT_AZURE_CONNECTION_STRING: '' };
    expect(() => subscriptionDestination(connect(noConnection))).toThrow(ConfigError);
    expect(() => subscriptionDestination(connect(noConnection))).toThrow(
      /CONNECT_AZURE_CONNECTION_STRING: is required when CONNECT_PROVIDER is AZURE/,
    );
    const noTopic = { ...gcp(), CONNECT_GCP_TOPIC_NAME: '', CONNECT_GCP_PROJECT_ID: '' };
    expect(() => subscriptionDestination(connect(noTopic))).toThrow(
      /CONNECT_GCP_PROJECT_ID: is required[\s\S]*CONNECT_GCP_TOPIC_NAME: is required/,
    );
    expect(() => loadConfig({ ...gcp(), CONNECT_PROVIDER: 'AWS' })).toThrow(
      /CONNECT_PROVIDER: must be GCP or AZURE/,
    );
  });

  it('treats the Service Bus connection string as a secret (redacted from logs)', () => {
    expect(secretValues(loadConfig(azure()))).toContain(AZURE_CONNECTION);
  });
});

describe('planSubscriptionUpdate (pure)', () => {
  const desired = {
    destination: { type: 'AzureServiceBus' as const, connectionString: AZURE_CONNECTION },
    messages: ORDER_MESSAGES,
  };

  it('plans nothing when only order or extra API fields differ', () => {
    const existing = {
      destination: { ...desired.destination, authenticationMode: 'ConnectionString' } as never,
      messages: [{ resourceTypeId: 'order' as const, types: [...ORDER_MESSAGE_TYPES].reverse() }],
    };
    expect(planSubscriptionUpdate(existing, desired)).toEqual([]);
  });

  it('plans changeDestination for another provider and setMessages for added message types', () => {
    const existing = {
      destination: { type: 'GoogleCloudPubSub' as const, projectId: 'gcp-1', topic: 'topic-a' },
      messages: ORDER_MESSAGES,
    };
    const withProducts = [
      ...ORDER_MESSAGES,
      { resourceTypeId: 'product' as const, types: ['ProductPublished'] },
    ];
    expect(planSubscriptionUpdate(existing, { ...desired, messages: withProducts })).toEqual([
      { action: 'changeDestination', destination: desired.destination },
      { action: 'setMessages', messages: withProducts },
    ]);
  });
});

describe('post-deploy and pre-undeploy against the commercetools emulator', () => {
  it('creates the clarus-wms export channel once, and gives an existing channel the OrderExport role', async () => {
    const first = await ensureClarusChannel(api);
    const second = await ensureClarusChannel(api);
    expect(second.id).toBe(first.id);
    expect(first.roles).toContain('OrderExport');
    const all = await api
      .channels()
      .get({ queryArgs: { where: `key = "${CLARUS_CHANNEL_KEY}"` } })
      .execute();
    expect(all.body.count).toBe(1);

    await api
      .channels()
      .withId({ ID: first.id })
      .post({
        body: { version: second.version, actions: [{ action: 'setRoles', roles: ['InventorySupply'] }] },
      })
      .execute();
    const repaired = await ensureClarusChannel(api);
    expect(repaired.roles).toEqual(expect.arrayContaining(['OrderExport', 'InventorySupply']));
  });

  it('on Azure, subscribes the order messages to the Service Bus; a redeploy without changes writes nothing', async () => {
    const first = await postDeploy(azure());
    expect(first).toMatchObject({ destinationType: 'AzureServiceBus', subscription: 'created' });
    const [subscription, ...others] = await subscriptions();
    expect(others).toHaveLength(0);
    expect(subscription).toMatchObject({
      key: ORDER_SUBSCRIPTION_KEY,
      destination: { type: 'AzureServiceBus', connectionString: AZURE_CONNECTION },
      messages: [{ resourceTypeId: 'order', types: ORDER_MESSAGE_TYPES }],
    });

    await ct.resetRequests();
    expect(await postDeploy(azure())).toMatchObject({
      subscription: 'unchanged',
      subscriptionId: first.subscriptionId,
    });
    expect(await subscriptionWrites()).toEqual([]);
  });

  it('on Google Cloud, subscribes to the Pub/Sub topic; a redeploy without changes writes nothing', async () => {
    await postDeploy(gcp());
    await ct.resetRequests();
    expect(await postDeploy(gcp())).toMatchObject({ subscription: 'unchanged' });
    expect(await subscriptionWrites()).toEqual([]);
    const [subscription, ...others] = await subscriptions();
    expect(others).toHaveLength(0);
    expect(subscription!.destination).toMatchObject({
      type: 'GoogleCloudPubSub',
      projectId: 'gcp-1',
      topic: 'topic-a',
    });
  });

  it('follows a redeploy to another topic, another provider or another Service Bus in place, never duplicating', async () => {
    const created = await postDeploy(gcp('topic-a'));
    const steps = [
      { env: gcp('topic-b'), destination: { type: 'GoogleCloudPubSub', topic: 'topic-b' } },
      { env: azure(), destination: { type: 'AzureServiceBus', connectionString: AZURE_CONNECTION } },
      {
        env: azure(AZURE_CONNECTION_2),
        destination: { type: 'AzureServiceBus', connectionString: AZURE_CONNECTION_2 },
      },
      {
        env: gcp('topic-a'),
        destination: { type: 'GoogleCloudPubSub', projectId: 'gcp-1', topic: 'topic-a' },
      },
    ];
    for (const step of steps) {
      expect(await postDeploy(step.env)).toMatchObject({
        subscription: 'updated',
        subscriptionId: created.subscriptionId,
      });
      const all = await subscriptions();
      expect(all).toHaveLength(1);
      expect(all[0]!.destination).toMatchObject(step.destination);
    }
  });

  it('adds message types (product messages switched on later) to the same Subscription', async () => {
    await postDeploy(azure());
    const withProducts = [
      ...ORDER_MESSAGES,
      { resourceTypeId: 'product' as const, types: ['ProductPublished', 'ProductVariantAdded'] },
    ];
    const destination = { type: 'AzureServiceBus' as const, connectionString: AZURE_CONNECTION };
    expect((await ensureOrderSubscription(api, { destination, messages: withProducts })).outcome).toBe(
      'updated',
    );
    await ct.resetRequests();
    expect((await ensureOrderSubscription(api, { destination, messages: withProducts })).outcome).toBe(
      'unchanged',
    );
    expect(await subscriptionWrites()).toEqual([]);
    const all = await subscriptions();
    expect(all).toHaveLength(1);
    expect(all[0]!.messages).toEqual(withProducts);
  });

  it('fails the deploy, writing nothing, when Azure gives no connection string', async () => {
    await ct.resetRequests();
    await expect(postDeploy({ ...azure(), CONNECT_AZURE_CONNECTION_STRING: '' })).rejects.toThrow(
      /CONNECT_AZURE_CONNECTION_STRING/,
    );
    expect(await ct.requests()).toEqual([]);
  });

  it('removes the Subscription on undeploy whichever provider it points at; a second undeploy is a no-op', async () => {
    for (const env of [azure(), gcp()]) {
      await postDeploy(env);
      // Pre-undeploy needs no CONNECT_* key: Connect may not pass them to it.
      expect(await preUndeploy(baseEnv)).toBe(true);
      expect(await subscriptions()).toHaveLength(0);
      expect(await preUndeploy(baseEnv)).toBe(false);
    }
  });
});
