import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { commercetoolsErrorInfo, createCommercetoolsClient, isTransientCommercetoolsError } from '../../src';
import { classifyExportFailure } from '../../src/orders/export-failure';

type Behaviour = 'hang' | 'reset' | 'not-found';
type ApiStub = Awaited<ReturnType<typeof startApi>>;

/**
 * A stand-in commercetools API on loopback: the token endpoint answers, API requests hang (never answered),
 * have their connection reset, or get a 404. Counts API attempts so the test sees the SDK's retries.
 */
async function startApi(behaviour: Behaviour) {
  const sockets = new Set<Socket>();
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/oauth/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'token', token_type: 'Bearer', expires_in: 3600, scope: 'x' }));
      return;
    }
    attempts += 1;
    if (behaviour === 'reset') req.socket.destroy();
    if (behaviour === 'not-found') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ statusCode: 404, message: 'not found', errors: [{ code: 'ResourceNotFound' }] }),
      );
    }
    // 'hang': never answer.
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = createCommercetoolsClient(
    { projectKey: 'p', clientId: 'c', clientSecret: 's', scopes: [], apiUrl: url, authUrl: url },
    { maxRetries: 2, retryDelayMs: 1, maxRetryDelayMs: 2, timeoutMs: 150 },
  );
  return {
    api,
    attempts: () => attempts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs one request against a fresh stand-in and resolves to what it rejected with. */
async function failureOf(
  behaviour: Behaviour,
  send: (api: ApiStub['api']) => Promise<unknown>,
): Promise<{ err: unknown; attempts: number }> {
  const stub = await startApi(behaviour);
  try {
    const err = await send(stub.api).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { err, attempts: stub.attempts() };
  } finally {
    await stub.close();
  }
}

const getOrder = (api: ApiStub['api']) => api.orders().withId({ ID: 'o-1' }).get().execute();

describe('commercetools errors once the SDK has run out of retries', () => {
  it('a request that timed out on every attempt is transient (status-less HttpError), never permanent', async () => {
    const { err, attempts } = await failureOf('hang', getOrder);
    // What @commercetools/ts-client 4.x rejects with: an HttpError without a statusCode wrapping the abort.
    expect(err).toMatchObject({ name: 'HttpError' });
    expect(commercetoolsErrorInfo(err).statusCode).toBeUndefined();
    expect(attempts).toBe(3); // first attempt + 2 retries, each cut by the 150 ms timeout
    expect(isTransientCommercetoolsError(err)).toBe(true);
    expect(classifyExportFailure(err).class).toBe('transient');
  });

  it('a connection reset on every attempt is transient', async () => {
    const { err, attempts } = await failureOf('reset', (api) =>
      api
        .orders()
        .withId({ ID: 'o-1' })
        .post({ body: { version: 1, actions: [] } })
        .execute(),
    );
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(isTransientCommercetoolsError(err)).toBe(true);
    expect(classifyExportFailure(err).class).toBe('transient');
  });

  it('an answered 404 stays permanent', async () => {
    const { err } = await failureOf('not-found', getOrder);
    expect(commercetoolsErrorInfo(err).statusCode).toBe(404);
    expect(isTransientCommercetoolsError(err)).toBe(false);
  });
});

describe('isTransientCommercetoolsError (pure)', () => {
  const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
  it.each([
    [
      'an SDK HttpError without a status wrapping an AbortError',
      { name: 'HttpError', message: 'x', error: abort, body: abort },
    ],
    ['a TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    [
      'the SDK network wrapper (status 0)',
      { body: null, error: { name: 'NetworkError', statusCode: 0, code: 'NetworkError' } },
    ],
    [
      'fetch failed with a reset cause',
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }),
    ],
    ['a bare socket error code', { code: 'UND_ERR_SOCKET', message: 'other side closed' }],
    ['a bare status 0 (no response)', { statusCode: 0 }],
    ['503', { statusCode: 503 }],
    ['429', { statusCode: 429 }],
  ])('%s is transient', (_name, err) => {
    expect(isTransientCommercetoolsError(err)).toBe(true);
  });

  it.each([
    ['400', { statusCode: 400 }],
    ['404', { statusCode: 404 }],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a plain Error', new Error('boom')],
  ])('%s is not transient', (_name, err) => {
    expect(isTransientCommercetoolsError(err)).toBe(false);
  });
});
