import { CLARUS_CHANNEL_KEY, ensureClarusChannel } from '@clarus-connector/core';
import { startCommercetoolsEmulator, type CommercetoolsEmulator } from '@clarus-connector/sandbox';
import { createCommercetoolsClient, loadConfig } from '@clarus-connector/core';
import {
  ensureOrderSubscription,
  ORDER_MESSAGE_TYPES,
  ORDER_SUBSCRIPTION_KEY,
  removeOrderSubscription,
} from '../src/connector/subscription';

let ct: CommercetoolsEmulator;
let api: ReturnType<typeof createCommercetoolsClient>;

beforeAll(async () => {
  ct = await startCommercetoolsEmulator();
  const config = loadConfig({
    ...ct.env(),
    CLARUS_SUBDOMAIN: 'x',
    CLARUS_CLIENT_ID: 'x',
    CLARUS_CLIENT_SECRET: 'x-secret',
    CLARUS_ACCOUNT_ID: '1',
  });
  api = createCommercetoolsClient(config.commercetools);
});
afterAll(async () => ct?.close());

const subscriptions = async () =>
  (
    await api
      .subscriptions()
      .get({ queryArgs: { where: `key = "${ORDER_SUBSCRIPTION_KEY}"` } })
      .execute()
  ).body.results;

describe('post-deploy and pre-undeploy', () => {
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

  it('points the order Subscription at the Pub/Sub topic, idempotently, and follows a new topic', async () => {
    await ensureOrderSubscription(api, { projectId: 'gcp-1', topic: 'topic-a' });
    await ct.resetRequests();
    await ensureOrderSubscription(api, { projectId: 'gcp-1', topic: 'topic-a' });
    // A redeploy to the same topic writes nothing.
    expect(
      (await ct.requests()).filter((r) => r.method === 'POST' && r.url.includes('/subscriptions')),
    ).toEqual([]);
    let [subscription, ...others] = await subscriptions();
    expect(others).toHaveLength(0);
    expect(subscription!.destination).toMatchObject({
      type: 'GoogleCloudPubSub',
      projectId: 'gcp-1',
      topic: 'topic-a',
    });
    expect(subscription!.messages).toEqual([{ resourceTypeId: 'order', types: ORDER_MESSAGE_TYPES }]);

    await ensureOrderSubscription(api, { projectId: 'gcp-1', topic: 'topic-b' });
    [subscription, ...others] = await subscriptions();
    expect(others).toHaveLength(0);
    expect(subscription!.destination).toMatchObject({ topic: 'topic-b' });
  });

  it('removes the Subscription on undeploy, and a second undeploy is a no-op', async () => {
    await ensureOrderSubscription(api, { projectId: 'gcp-1', topic: 'topic-a' });
    expect(await removeOrderSubscription(api)).toBe(true);
    expect(await subscriptions()).toHaveLength(0);
    expect(await removeOrderSubscription(api)).toBe(false);
  });
});
