import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, forwardableHeaders, listenLoopback, readBody } from './http-util';
import { generateSigningKey, mcToken, type SigningKey } from './jwt';

/*
 * A stand-in for the Merchant Center API as far as customizations talking to their own API need it
 * (docs.commercetools.com "Integrate with your own API"): the issuer's JWKS at `/.well-known/jwks.json`, and
 * `/proxy/forward-to`, which exchanges the (pretend) logged-in user's session for a short-lived RS256 JWT
 * (audience = the forwarded URL, project key and, when asked, the user's permissions as public claims) and
 * forwards the request with `X-MC-API-Forward-To-Version` and `X-MC-API-Cloud-Identifier`. It forwards only
 * to the origins it is given. Test harness and local preview only, never product code.
 */

export interface McUser {
  id: string;
  projectKey: string;
  /** Resource-access names the user holds, e.g. ['viewClarusWms', 'manageClarusWms']. */
  permissions: string[];
}

export interface ForwardToStandIn {
  /** The Merchant Center API URL: the issuer (MERCHANT_CENTER_API_URL) and `mcApiUrl` of the UIs. */
  url: string;
  key: SigningKey;
  /** Who is "logged in" for forward-to calls from now on. */
  setUser(user: McUser): void;
  /** Calls forwarded so far. */
  forwarded(): number;
  close(): Promise<void>;
}

export interface ForwardToStandInOptions {
  user: McUser;
  /** Origins forward-to may reach (the fulfilment-service). */
  allowedOrigins: string[];
  cloudIdentifier?: string;
  port?: number;
  /** Other requests (e.g. the preview's static files); 404 when absent or when it returns false. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

export async function startForwardToStandIn(options: ForwardToStandInOptions): Promise<ForwardToStandIn> {
  const key = generateSigningKey();
  let user = options.user;
  let forwarded = 0;
  let url = '';
  const cloudIdentifier = options.cloudIdentifier ?? 'gcp-eu';

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: err instanceof Error ? err.message : 'forward failed' }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
      return;
    }
    if (path === '/proxy/forward-to') {
      await forward(req, res);
      return;
    }
    if (options.fallback && (await options.fallback(req, res))) return;
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not found' }));
  }

  async function forward(req: IncomingMessage, res: ServerResponse) {
    const target = req.headers['x-forward-to'];
    const version = req.headers['accept-version'];
    if (typeof target !== 'string' || typeof version !== 'string') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'X-Forward-To and Accept-version are required' }));
      return;
    }
    const to = new URL(target);
    if (!options.allowedOrigins.includes(to.origin)) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `forward-to ${to.origin} is not allowed here` }));
      return;
    }
    const policy = req.headers['x-forward-to-audience-policy'] ?? 'forward-url-full-path';
    const audience =
      policy === 'forward-url-origin' || to.pathname === '/' ? to.origin : `${to.origin}${to.pathname}`;
    const withPermissions = String(req.headers['x-forward-to-claims'] ?? '')
      .split(' ')
      .includes('permissions');
    const token = mcToken(
      {
        issuer: url,
        audience,
        projectKey: user.projectKey,
        subject: user.id,
        ...(withPermissions ? { permissions: user.permissions } : {}),
      },
      key,
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(forwardableHeaders(req))) {
      if (name.startsWith('x-forward-header-')) headers[name.slice('x-forward-header-'.length)] = value;
    }
    headers['content-type'] = req.headers['content-type'] ?? 'application/json';
    headers.accept = req.headers.accept ?? 'application/json';
    headers.authorization = `Bearer ${token}`;
    headers['x-mc-api-forward-to-version'] = version;
    headers['x-mc-api-cloud-identifier'] = cloudIdentifier;
    if (typeof req.headers['x-correlation-id'] === 'string')
      headers['x-correlation-id'] = req.headers['x-correlation-id'];
    const body = await readBody(req);
    forwarded++;
    const upstream = await fetch(to, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }

  url = await listenLoopback(server, options.port ?? 0);
  return {
    url,
    key,
    setUser: (next) => {
      user = next;
    },
    forwarded: () => forwarded,
    close: () => closeServer(server),
  };
}
