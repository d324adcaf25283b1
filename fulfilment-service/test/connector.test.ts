import { ConfigError, createCommercetoolsClient, loadConfig } from '@clarus-connector/core';
import { startCommercetoolsEmulator, type CommercetoolsEmulator } from '@clarus-connector/sandbox';
import { SKU_GUARD_EXTENSION_KEY, desiredExtension } from '../src/connector/extension';
import { postDeploy, preUndeploy } from '../src/connector/lifecycle';

/* The fulfilment-service's post-deploy and pre-undeploy against the commercetools emulator over HTTP. */

let ct: CommercetoolsEmulator;
let api: ReturnType<typeof createCommercetoolsClient>;
let env: Record<string, string>;
const SECRET = 'guard-secret-0123456789abcdef';

const extension = () =>
  api
    .extensions()
    .withKey({ key: SKU_GUARD_EXTENSION_KEY })
    .get()
    .execute()
    .then((r) => r.body)
    .catch(() => undefined);
const writes = async () =>
  (await ct.requests()).filter((r) => r.method !== 'GET' && r.url.includes('/extensions'));

beforeAll(async () => {
  ct = await startCommercetoolsEmulator();
  env = {
    ...ct.env(),
    LOG_LEVEL: 'error',
    CLARUS_SUBDOMAIN: 'x',
    CLARUS_CLIENT_ID: 'x',
    CLARUS_CLIENT_SECRET: 'x-secret',
    CLARUS_ACCOUNT_ID: '1',
    SKU_GUARD: 'reject',
    SKU_GUARD_SECRET: SECRET,
    CONNECT_SERVICE_URL: 'https://service-abc.europe-west1.gcp.commercetools.app/clarus',
  };
  api = createCommercetoolsClient(loadConfig(env).commercetools);
}, 60_000);

afterAll(async () => {
  await ct?.close();
});

it('registers the Extension for product create/update at the service URL, bearer-authenticated, 2 s', async () => {
  expect(await postDeploy(env)).toMatchObject({ skuGuard: 'reject', extension: 'created' });
  const registered = await extension();
  expect(registered).toMatchObject({
    key: SKU_GUARD_EXTENSION_KEY,
    destination: {
      type: 'HTTP',
      url: expect.stringMatching(
        /^https:\/\/service-abc\.europe-west1\.gcp\.commercetools\.app\/commercetools\/extensions\/products\?k=[0-9a-f]{12}$/,
      ),
      authentication: { type: 'AuthorizationHeader' },
    },
    triggers: [{ resourceTypeId: 'product', actions: ['Create', 'Update'] }],
    timeoutInMs: 2000,
    additionalContext: { includeOldResource: true },
  });
  expect(desiredExtension(loadConfig(env)).destination).toMatchObject({
    authentication: { headerValue: `Bearer ${SECRET}` },
  });
});

it('writes nothing on a redeploy with the same configuration, and updates in place when it changes', async () => {
  await ct.resetRequests();
  expect(await postDeploy(env)).toMatchObject({ extension: 'unchanged' });
  expect(await writes()).toEqual([]);
  const before = await extension();
  // A rotated secret changes the URL fingerprint: the destination (with the new header) is replaced.
  expect(await postDeploy({ ...env, SKU_GUARD_SECRET: `${SECRET}-rotated` })).toMatchObject({
    extension: 'updated',
  });
  const after = await extension();
  expect(after!.id).toBe(before!.id);
  expect((after!.destination as { url: string }).url).not.toBe((before!.destination as { url: string }).url);
  expect(await postDeploy({ ...env, SKU_GUARD_SECRET: `${SECRET}-rotated` })).toMatchObject({
    extension: 'unchanged',
  });
});

it('names the missing key when the guard is on without CONNECT_SERVICE_URL', async () => {
  const { CONNECT_SERVICE_URL: _omit, ...without } = env;
  await expect(postDeploy(without)).rejects.toThrow(ConfigError);
  await expect(postDeploy(without)).rejects.toThrow(/CONNECT_SERVICE_URL/);
});

it('removes the Extension when SKU_GUARD is turned off and on undeploy, idempotently', async () => {
  expect(await postDeploy({ ...env, SKU_GUARD: 'off' })).toEqual({ skuGuard: 'off', extension: 'removed' });
  expect(await extension()).toBeUndefined();
  expect(await postDeploy({ ...env, SKU_GUARD: 'off' })).toEqual({ skuGuard: 'off', extension: 'absent' });
  await postDeploy(env);
  expect(await preUndeploy(env)).toBe(true);
  expect(await extension()).toBeUndefined();
  expect(await preUndeploy(env)).toBe(false);
});
