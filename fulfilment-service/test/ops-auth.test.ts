import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { createIntegration, createLogger, listen, type Integration } from '@clarus-connector/core';
import {
  generateSigningKey,
  mcToken,
  startForwardToStandIn,
  startIntrospectionStandIn,
  startTestWorld,
  type ForwardToStandIn,
  type IntrospectionStandIn,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { createApp } from '../src/app';

/*
 * Every way into /ops with real tokens: RS256 JWTs signed by a locally generated key whose JWKS a Merchant
 * Center stand-in serves over HTTP (and forwards calls like /proxy/forward-to does), and commercetools
 * tokens issued by the emulator and introspected through a stand-in (the emulator has no introspection).
 */

const OPS_TOKEN = 'test-ops-token-456';
const NO_SUCH_EXCEPTION = '/ops/exceptions/no-such-exception/resolve';

let world: TestWorld;
let mc: ForwardToStandIn;
let auth: IntrospectionStandIn;
let integration: Integration;
let server: Server;
let serviceUrl: string;
let projectKey: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  world = await startTestWorld();
  projectKey = world.ct.projectKey;
  auth = await startIntrospectionStandIn(world.ct.authUrl);
  const port = await freePort();
  serviceUrl = `http://127.0.0.1:${port}`;
  mc = await startForwardToStandIn({
    user: { id: 'mc-user-1', projectKey, permissions: ['viewClarusWms'] },
    allowedOrigins: [serviceUrl],
  });
  const config = world.config({
    CTP_AUTH_URL: auth.url,
    MERCHANT_CENTER_API_URL: mc.url,
    FULFILMENT_SERVICE_URL: serviceUrl,
    OPS_API_CLIENT_SCOPE: 'manage_orders',
  });
  const logger = createLogger({
    service: 'ops-auth-test',
    level: 'error',
    stream: new Writable({ write: (_c, _e, d) => d() }),
  });
  integration = createIntegration({ config, logger });
  server = await listen(createApp(integration), port, '127.0.0.1');
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await Promise.all([mc.close(), auth.close(), world.close()]);
});

/** A forward-to call as the UIs make it (through the stand-in), as the given user. */
async function viaMerchantCenter(method: 'GET' | 'POST', path: string, permissions: string[]) {
  mc.setUser({ id: 'mc-user-1', projectKey, permissions });
  return fetch(`${mc.url}/proxy/forward-to`, {
    method,
    headers: {
      'accept-version': 'v2',
      'x-forward-to': `${serviceUrl}${path}`,
      'x-forward-to-audience-policy': 'forward-url-full-path',
      'x-forward-to-claims': 'permissions',
    },
  });
}

/** A call straight to the service with a forwarded-looking request and the given bearer token. */
function direct(method: 'GET' | 'POST', path: string, token?: string, extra: Record<string, string> = {}) {
  return fetch(`${serviceUrl}${path}`, {
    method,
    headers: {
      'x-mc-api-forward-to-version': 'v2',
      'x-mc-api-cloud-identifier': 'gcp-eu',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
  });
}

const token = (over: Partial<Parameters<typeof mcToken>[0]> = {}, key = mc.key) =>
  mcToken(
    {
      issuer: mc.url,
      audience: `${serviceUrl}/ops/health`,
      projectKey,
      permissions: ['viewClarusWms'],
      ...over,
    },
    key,
  );

describe('operations API: OPS_API_TOKEN still works', () => {
  it('reads and changes with the shared bearer token', async () => {
    const read = await fetch(`${serviceUrl}/ops/health`, {
      headers: { authorization: `Bearer ${OPS_TOKEN}` },
    });
    expect(read.status).toBe(200);
    const change = await fetch(`${serviceUrl}${NO_SUCH_EXCEPTION}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPS_TOKEN}` },
    });
    // Past authentication: the route itself answers that the exception does not exist.
    expect(change.status).toBe(404);
  });
});

describe('operations API: Merchant Center forward-to', () => {
  it('lets a user with the view permission read through forward-to, and refuses them a resolve (403)', async () => {
    const health = await viaMerchantCenter('GET', '/ops/health', ['viewClarusWms']);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toMatch(/ok|degraded/);
    const resolve = await viaMerchantCenter('POST', NO_SUCH_EXCEPTION, ['viewClarusWms']);
    expect(resolve.status).toBe(403);
    expect(await resolve.json()).toEqual({ error: 'forbidden', message: expect.stringMatching(/manage/) });
  });

  it('lets a user with the manage permission resolve (past authentication, the route answers)', async () => {
    const resolve = await viaMerchantCenter('POST', NO_SUCH_EXCEPTION, ['manageClarusWms']);
    expect(resolve.status).toBe(404);
    expect(((await resolve.json()) as { error: string }).error).toBe('exception_not_found');
  });

  it('refuses a user with neither permission (403), and a token without the permission claim', async () => {
    expect((await viaMerchantCenter('GET', '/ops/health', ['viewOrders'])).status).toBe(403);
    expect((await direct('GET', '/ops/health', token({ permissions: undefined }))).status).toBe(403);
  });

  it('accepts a token that verifies: signature, issuer, audience = the forwarded URL, project key, not expired', async () => {
    expect((await direct('GET', '/ops/health', token())).status).toBe(200);
  });

  it.each([
    ['another path (audience is the full forwarded URL)', { audience: `${'SERVICE'}/ops/exceptions` }],
    ['another service', { audience: 'https://other-service.example.com/ops/health' }],
    ['another issuer', { issuer: 'https://mc-api.us-central1.gcp.commercetools.com' }],
    ['another project', { projectKey: 'someone-elses-project' }],
    ['an expired token', { expiresIn: -30 }],
  ])('answers 401 to a token for %s', async (_what, over) => {
    const claims = { ...over } as Partial<Parameters<typeof mcToken>[0]>;
    if (claims.audience?.startsWith('SERVICE'))
      claims.audience = claims.audience.replace('SERVICE', serviceUrl);
    const res = await direct('GET', '/ops/health', token(claims));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 to a well-formed token signed by a key that is not in the JWKS', async () => {
    expect((await direct('GET', '/ops/health', token({}, generateSigningKey()))).status).toBe(401);
  });

  it('gives nothing for forged forward-to headers alone, or with a made-up bearer', async () => {
    const forged = { 'x-forward-to': `${serviceUrl}/ops/health`, 'x-forward-to-claims': 'permissions' };
    expect((await direct('GET', '/ops/health', undefined, forged)).status).toBe(401);
    expect((await direct('GET', '/ops/health', 'not-a-jwt', forged)).status).toBe(401);
    expect((await direct('POST', NO_SUCH_EXCEPTION, 'not-a-jwt', forged)).status).toBe(401);
  });

  it('does not let an MC token pass as OPS_API_TOKEN without the forward-to headers', async () => {
    const res = await fetch(`${serviceUrl}/ops/health`, { headers: { authorization: `Bearer ${token()}` } });
    // Not forwarded, so it is treated as a commercetools token: introspection does not know it.
    expect(res.status).toBe(401);
  });
});

describe('operations API: commercetools API client tokens (introspection)', () => {
  const issue = async (scope: string) => {
    const res = await fetch(
      `${auth.url}/oauth/token?grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('merchant-tool:secret').toString('base64')}` },
      },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const call = (method: 'GET' | 'POST', path: string, bearer: string) =>
    fetch(`${serviceUrl}${path}`, { method, headers: { authorization: `Bearer ${bearer}` } });

  it('accepts an active token holding the configured scope for this project, to read and to change', async () => {
    const bearer = await issue(`manage_orders:${projectKey} view_products:${projectKey}`);
    const before = auth.introspections();
    expect((await call('GET', '/ops/health', bearer)).status).toBe(200);
    expect((await call('POST', NO_SUCH_EXCEPTION, bearer)).status).toBe(404);
    expect(auth.introspections()).toBeGreaterThan(before);
  });

  it('refuses a token without the scope (403), with the scope of another project (403), and an unknown one (401)', async () => {
    expect((await call('GET', '/ops/health', await issue(`view_orders:${projectKey}`))).status).toBe(403);
    expect((await call('GET', '/ops/health', await issue('manage_orders:another-project'))).status).toBe(403);
    expect((await call('GET', '/ops/health', 'made-up-token')).status).toBe(401);
  });

  it('refuses a token once it is no longer active', async () => {
    const bearer = await issue(`manage_orders:${projectKey}`);
    expect((await call('GET', '/ops/health', bearer)).status).toBe(200);
    auth.revoke(bearer);
    expect((await call('GET', '/ops/health', bearer)).status).toBe(401);
  });
});
