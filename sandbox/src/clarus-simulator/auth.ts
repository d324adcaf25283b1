import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { clarusError, sendErrors } from './errors';

export interface AuthSettings {
  clientId: string;
  clientSecret: string;
  subdomain: string;
  tokenTtlSeconds: number;
  now: () => number;
}

/** Issued access tokens and their expiry (epoch ms). */
export class TokenStore {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly settings: AuthSettings) {}

  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number; created_at: number } {
    const token = randomBytes(24).toString('hex');
    const issuedAt = this.settings.now();
    this.tokens.set(token, issuedAt + this.settings.tokenTtlSeconds * 1000);
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.settings.tokenTtlSeconds,
      created_at: Math.floor(issuedAt / 1000),
    };
  }

  isValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && this.settings.now() < expiresAt;
  }

  revokeAll(): void {
    this.tokens.clear();
  }
}

const safeEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * POST /oauth/token, client credentials grant (RFC 6749 §4.4): credentials in HTTP Basic or in the
 * body, body form-encoded or JSON. Does not require `X-Clarus-Subdomain` (see ASSUMPTIONS.md).
 */
export function tokenRoute(settings: AuthSettings, tokens: TokenStore): RequestHandler {
  return (req, res) => {
    const body: Record<string, unknown> =
      typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    let clientId = typeof body.client_id === 'string' ? body.client_id : undefined;
    let clientSecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
    const basic = /^Basic\s+(.+)$/i.exec(req.header('authorization') ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    if (body.grant_type === undefined) {
      res.status(400).json({ error: 'invalid_request', error_description: 'grant_type is required' });
      return;
    }
    if (body.grant_type !== 'client_credentials') {
      res.status(400).json({
        error: 'unsupported_grant_type',
        error_description: 'Only client_credentials is supported by the simulator',
      });
      return;
    }
    if (
      clientId === undefined ||
      clientSecret === undefined ||
      !safeEqual(clientId, settings.clientId) ||
      !safeEqual(clientSecret, settings.clientSecret)
    ) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed' });
      return;
    }
    res.status(200).json(tokens.issue());
  };
}

/** Every API route: a valid, unexpired bearer token, answered 401 `{error}` as documented. */
export function requireBearer(tokens: TokenStore): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="Clarus"');
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    if (!tokens.isValid(match[1])) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="Clarus", error="invalid_token"');
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    next();
  };
}

/**
 * `X-Clarus-Subdomain` is required on every call. The spec does not say how a missing or unknown tenant
 * is answered; the simulator chooses 400 `subdomain_required` when the header is missing and
 * 404 `tenant_not_found` when it names another tenant, both in the documented ErrorResponse shape.
 * It runs after the token check, so an unauthenticated caller learns nothing about tenants.
 */
export function requireTenant(subdomain: string): RequestHandler {
  return (req, res, next) => {
    const given = req.header('x-clarus-subdomain');
    if (given === undefined || given.trim() === '') {
      sendErrors(res, 400, [
        clarusError(400, 'subdomain_required', 'The X-Clarus-Subdomain header is required', {
          header: 'X-Clarus-Subdomain',
        }),
      ]);
      return;
    }
    if (given.trim() !== subdomain) {
      sendErrors(res, 404, [
        clarusError(404, 'tenant_not_found', `No tenant with subdomain ${given.trim()}`, {
          header: 'X-Clarus-Subdomain',
          value: given.trim(),
        }),
      ]);
      return;
    }
    next();
  };
}
