import { createCommercetoolsClient, loadConfig } from '@clarus-connector/core';
import { startCommercetoolsEmulator, type CommercetoolsEmulator } from '@clarus-connector/sandbox';
import { postDeploy } from '../src/connector/lifecycle';
import { ORDER_SUBSCRIPTION_KEY } from '../src/connector/subscription';

/* Post-deploy subscribes the event app to product messages when commercetools is the product master. */

let ct: CommercetoolsEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  ct = await startCommercetoolsEmulator();
  env = {
    ...ct.env(),
    LOG_LEVEL: 'error',
    CLARUS_SUBDOMAIN: 'x',
    CLARUS_CLIENT_ID: 'x',
    CLARUS_CLIENT_SECRET: 'x-secret',
    CLARUS_ACCOUNT_ID: '1',
    CONNECT_PROVIDER: 'GCP',
    CONNECT_GCP_PROJECT_ID: 'gcp-1',
    CONNECT_GCP_TOPIC_NAME: 'topic-a',
  };
}, 60_000);
afterAll(async () => ct?.close());

const messages = async () => {
  const api = createCommercetoolsClient(loadConfig(env).commercetools);
  const subscription = (await api.subscriptions().withKey({ key: ORDER_SUBSCRIPTION_KEY }).get().execute())
    .body;
  return subscription.messages;
};

it('adds the product messages when PRODUCT_MASTER is commercetools, and removes them when it is off', async () => {
  await postDeploy(env);
  expect((await messages()).map((m) => m.resourceTypeId)).toEqual(['order']);
  const on = { ...env, PRODUCT_MASTER: 'commercetools', CLARUS_STOCK_UNIT_TYPE_ID: '1' };
  expect(await postDeploy(on)).toMatchObject({ subscription: 'updated' });
  expect((await messages()).find((m) => m.resourceTypeId === 'product')).toEqual({
    resourceTypeId: 'product',
    types: ['ProductPublished', 'ProductUnpublished', 'ProductDeleted'],
  });
  expect(await postDeploy(on)).toMatchObject({ subscription: 'unchanged' });
  expect(await postDeploy(env)).toMatchObject({ subscription: 'updated' });
  expect((await messages()).map((m) => m.resourceTypeId)).toEqual(['order']);
});
