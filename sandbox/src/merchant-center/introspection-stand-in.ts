import { createServer, type Server } from 'node:http';
import { closeServer, forwardableHeaders, listenLoopback, readBody } from './http-util';

/*
 * A stand-in for commercetools token introspection (`POST /oauth/introspect`), which the commercetools
 * emulator (@labdigital/commercetools-mock) lacks. It sits in front of the emulator as its auth URL: every
 * other request passes through unchanged, and the tokens the emulator issues on `/oauth/token` are
 * remembered, so introspection answers for real tokens. Test harness and sandbox only, never product code.
 *
 * Response shape as documented for the real endpoint: `{active: true, scope, exp, client_id}` for a live
 * token, `{active: false}` otherwise; a caller without Basic client credentials gets 401.
 */

export interface IntrospectionStandIn {
  /** Use as CTP_AUTH_URL (and CTP_API_URL, since it forwards everything else to the emulator). */
  url: string;
  /** Introspection calls seen (the tokens' digests are not kept). */
  introspections(): number;
  /** Ends a token early (revoked or expired): introspection then says `active: false`. */
  revoke(accessToken: string): void;
  close(): Promise<void>;
}

interface Issued {
  scope: string;
  clientId: string;
  expiresAt: number;
}

export async function startIntrospectionStandIn(emulatorUrl: string): Promise<IntrospectionStandIn> {
  const tokens = new Map<string, Issued>();
  let introspections = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/oauth/introspect') {
        introspections++;
        if (!/^Basic\s+\S+/i.test(req.headers.authorization ?? '')) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              statusCode: 401,
              message: 'Please provide valid client credentials.',
              error: 'invalid_client',
            }),
          );
          return;
        }
        const token = new URLSearchParams(body.toString('utf8')).get('token') ?? '';
        const issued = tokens.get(token);
        const answer =
          issued && issued.expiresAt > Date.now()
            ? {
                active: true,
                scope: issued.scope,
                exp: Math.floor(issued.expiresAt / 1000),
                client_id: issued.clientId,
              }
            : { active: false };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        return;
      }
      const upstream = await fetch(`${emulatorUrl}${req.url ?? '/'}`, {
        method: req.method,
        headers: forwardableHeaders(req),
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const text = await upstream.text();
      if (path === '/oauth/token' && upstream.ok) remember(req.headers.authorization, text);
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(text);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : 'stand-in failed');
    });
  });

  function remember(authorization: string | undefined, text: string) {
    const issued = JSON.parse(text) as { access_token?: string; scope?: string; expires_in?: number };
    if (!issued.access_token) return;
    const basic = /^Basic\s+(\S+)/i.exec(authorization ?? '')?.[1];
    const clientId = basic ? (Buffer.from(basic, 'base64').toString('utf8').split(':')[0] ?? '') : '';
    tokens.set(issued.access_token, {
      scope: issued.scope ?? '',
      clientId,
      expiresAt: Date.now() + (issued.expires_in ?? 3600) * 1000,
    });
  }

  const url = await listenLoopback(server);
  return {
    url,
    introspections: () => introspections,
    revoke: (accessToken) => void tokens.delete(accessToken),
    close: () => closeServer(server),
  };
}
