import {
  commercetoolsErrorInfo,
  isConcurrentModification,
  isNotFound,
  isTransientCommercetoolsError,
  loadConfig,
  createCommercetoolsClient,
} from '../../src';
import { startEmulatorWithClient, type EmulatorWithClient } from './setup';

describe('commercetools client against the emulator over HTTP', () => {
  let ctx: EmulatorWithClient;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
  });
  afterAll(() => ctx.emulator.close());
  beforeEach(async () => {
    await ctx.emulator.clearFailures();
    await ctx.emulator.resetRequests();
  });

  it('authenticates with client credentials from the emulator env and reads the project', async () => {
    const config = loadConfig({
      ...ctx.emulator.env(),
      CLARUS_SUBDOMAIN: 'acme',
      CLARUS_CLIENT_ID: 'id',
      CLARUS_CLIENT_SECRET: 'secret',
      CLARUS_ACCOUNT_ID: '1',
    });
    const api = createCommercetoolsClient(config.commercetools);

    const project = await api.get().execute();

    expect(project.body.key).toBe(ctx.emulator.projectKey);
    expect(await ctx.emulator.requests()).toEqual([
      { method: 'POST', url: '/oauth/token', status: 200 },
      { method: 'GET', url: `/${ctx.emulator.projectKey}`, status: 200 },
    ]);
  });

  it('sends through the keep-alive client (createKeepAliveFetch), not the global fetch', async () => {
    const config = loadConfig({
      ...ctx.emulator.env(),
      CLARUS_SUBDOMAIN: 'acme',
      CLARUS_CLIENT_ID: 'id',
      CLARUS_CLIENT_SECRET: 'secret',
      CLARUS_ACCOUNT_ID: '1',
    });
    const spy = jest.spyOn(globalThis, 'fetch');
    try {
      const api = createCommercetoolsClient(config.commercetools);
      const project = await api.get().execute();
      expect(project.body.key).toBe(ctx.emulator.projectKey);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('writes and reads back, fetching the token once', async () => {
    const api = ctx.client();
    const created = await api
      .channels()
      .post({ body: { key: 'client-test-channel', roles: ['InventorySupply'] } })
      .execute();
    const read = await api.channels().withKey({ key: 'client-test-channel' }).get().execute();

    expect(read.body.id).toBe(created.body.id);
    const tokenRequests = (await ctx.emulator.requests()).filter((r) => r.url === '/oauth/token');
    expect(tokenRequests).toHaveLength(1);
  });

  it('retries 503 and 502 answers with backoff, then succeeds', async () => {
    const api = ctx.client();
    await api.get().execute(); // token first, so only the API calls below are counted
    await ctx.emulator.resetRequests();
    await ctx.emulator.failNext({ method: 'GET', path: '/channels', status: 503 });
    await ctx.emulator.failNext({ method: 'GET', path: '/channels', status: 502 });

    const page = await api.channels().get().execute();

    expect(page.statusCode).toBe(200);
    expect((await ctx.emulator.requests()).map((r) => r.status)).toEqual([503, 502, 200]);
  });

  it('retries a dropped connection (no response at all)', async () => {
    const api = ctx.client();
    await api.get().execute();
    await ctx.emulator.resetRequests();
    await ctx.emulator.failNext({ method: 'GET', path: '/channels', status: 0 });

    const page = await api.channels().get().execute();

    expect(page.statusCode).toBe(200);
    expect((await ctx.emulator.requests()).map((r) => r.status)).toEqual([0, 200]);
  });

  it('gives up after maxRetries with an error classified as transient', async () => {
    const api = ctx.client({ maxRetries: 2 });
    await api.get().execute();
    await ctx.emulator.resetRequests();
    await ctx.emulator.failNext({ method: 'GET', path: '/channels', status: 503, times: 3 });

    const err = await api
      .channels()
      .get()
      .execute()
      .catch((e: unknown) => e);

    expect(isTransientCommercetoolsError(err)).toBe(true);
    expect(commercetoolsErrorInfo(err).statusCode).toBe(503);
    expect(
      (await ctx.emulator.requests()).filter((r) => r.url.startsWith(`/${ctx.emulator.projectKey}/channels`)),
    ).toHaveLength(3);
  });

  it('classifies 404 and 409 from the real API error bodies', async () => {
    const api = ctx.client();
    const notFound = await api
      .channels()
      .withKey({ key: 'no-such-channel' })
      .get()
      .execute()
      .catch((e: unknown) => e);
    expect(isNotFound(notFound)).toBe(true);
    expect(isTransientCommercetoolsError(notFound)).toBe(false);

    const channel = await api
      .channels()
      .post({ body: { key: 'client-test-409', roles: ['InventorySupply'] } })
      .execute();
    await api
      .channels()
      .withId({ ID: channel.body.id })
      .post({
        body: { version: channel.body.version, actions: [{ action: 'changeKey', key: 'client-test-409b' }] },
      })
      .execute();
    const stale = await api
      .channels()
      .withId({ ID: channel.body.id })
      .post({
        body: { version: channel.body.version, actions: [{ action: 'changeKey', key: 'client-test-409c' }] },
      })
      .execute()
      .catch((e: unknown) => e);

    expect(isConcurrentModification(stale)).toBe(true);
    expect(commercetoolsErrorInfo(stale)).toMatchObject({
      statusCode: 409,
      code: 'ConcurrentModification',
      currentVersion: 2,
    });
  });

  it('keeps request bodies and the bearer token out of error objects', async () => {
    const api = ctx.client({ maxRetries: 0 });
    const err = await api
      .customObjects()
      .post({ body: { container: 'client-test', key: 'absent', value: { note: 'marker-7731' }, version: 4 } })
      .execute()
      .catch((e: unknown) => e);

    expect(isConcurrentModification(err)).toBe(true);
    const serialised = JSON.stringify(err);
    expect(serialised).not.toContain('marker-7731');
    expect(serialised).not.toMatch(/Bearer [A-Za-z0-9+/=]{8,}/);
  });
});
