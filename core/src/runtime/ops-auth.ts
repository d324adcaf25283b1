import { createHash, timingSafeEqual } from 'node:crypto';
import { createSessionAuthVerifier } from '@commercetools-backend/express';
import {
  DefaultOauth2Service,
  HeaderBasedAuthentication,
  Oauth2AuthenticationManager,
  type Oauth2Authentication,
} from '@commercetools/connect-payments-sdk';
import type { Request } from 'express';
import type { AppConfig } from '../config';
import type { Logger } from '../logging';
import { mcPermissionAllows, scopeGrants, type OpsAccess } from '../operations/ops-access';

/*
 * The three ways into the operations API (ADR 0013). Each returns who the caller is and what they may do;
 * the route guard turns a refusal into 401 (not proven) or 403 (proven, not allowed).
 * - OPS_API_TOKEN: compared in constant time; grants manage.
 * - Merchant Center forward-to JWT: @commercetools-backend/express verifies signature (RS256, the issuer's
 *   JWKS), issuer, audience (this service's URL + the request path) and expiry; here we add the project key
 *   and the permission, which that verifier only reports.
 * - commercetools API client token: connect-payments-sdk introspects it; here we add the scope check with
 *   the project key, which the SDK drops.
 */

/** Who called and what they may do. `subject` is an id (MC user id, API client id), never personal data. */
export interface OpsPrincipal {
  via: 'ops-token' | 'merchant-center' | 'api-client';
  subject?: string;
  /** `manage` includes `view`. */
  access: OpsAccess;
}

/** A refusal: 401 when the caller did not prove who they are, 403 when they did but may not do this. */
export interface OpsAuthRefusal {
  status: 401 | 403;
  error: 'unauthorized' | 'forbidden';
  message: string;
}

export interface OpsAuthOptions {
  opsApiToken?: string;
  projectKey: string;
  /** Merchant Center forward-to; off when `serviceUrl` is unknown (no audience to check against). */
  merchantCenter?: { issuer: string; serviceUrl?: string };
  /** Introspection of commercetools tokens; off when `scope` is empty. */
  introspection?: { authUrl: string; clientId: string; clientSecret: string; scope?: string };
  logger: Logger;
}

export interface OpsAuthenticator {
  /** Decides for one request; never throws for a bad credential (a refusal instead). */
  authenticate(req: Request, needed: OpsAccess): Promise<OpsPrincipal | OpsAuthRefusal>;
}

/** Headers the Merchant Center API sets on every forwarded request (application-kit MC_API_PROXY_HEADERS). */
const FORWARD_TO_VERSION = 'x-mc-api-forward-to-version';

export const isRefusal = (r: OpsPrincipal | OpsAuthRefusal): r is OpsAuthRefusal => 'status' in r;

const unauthorized = (message: string): OpsAuthRefusal => ({ status: 401, error: 'unauthorized', message });
const forbidden = (message: string): OpsAuthRefusal => ({ status: 403, error: 'forbidden', message });

export function createOpsAuthenticator(options: OpsAuthOptions): OpsAuthenticator {
  const { logger, projectKey } = options;
  const opsDigest = options.opsApiToken ? digest(options.opsApiToken) : undefined;
  const mc = options.merchantCenter;
  const verifyMcSession =
    mc?.serviceUrl &&
    createSessionAuthVerifier<Request>({
      audience: mc.serviceUrl,
      issuer: mc.issuer,
      audiencePolicy: 'forward-url-full-path',
    });
  const scope = options.introspection?.scope;
  const introspect = options.introspection && scope ? introspector(options.introspection, logger) : undefined;

  return {
    async authenticate(req, needed) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1];
      if (!bearer) return unauthorized(howToAuthenticate(verifyMcSession, introspect));
      if (opsDigest && timingSafeEqual(digest(bearer), opsDigest))
        return { via: 'ops-token', access: 'manage' };

      // Forwarded by Merchant Center: only a JWT that verifies counts; the headers alone prove nothing.
      if (req.header(FORWARD_TO_VERSION) !== undefined || req.header('x-forward-to') !== undefined) {
        if (!verifyMcSession)
          return unauthorized('Merchant Center calls are not enabled (FULFILMENT_SERVICE_URL)');
        const session = await verifyMcSession(req).then(
          () => (req as Request & { session?: McSession }).session,
          (err: unknown) => {
            logger.info('Merchant Center token refused', { reason: reasonOf(err), path: req.path });
            return undefined;
          },
        );
        if (!session) return unauthorized('the Merchant Center token did not verify');
        if (session.projectKey !== projectKey) {
          logger.info('Merchant Center token for another project refused', { path: req.path });
          return unauthorized('the Merchant Center token is for another project');
        }
        if (!mcPermissionAllows(session.userPermissions, needed))
          return forbidden(`this needs the Clarus WMS ${needed} permission in Merchant Center`);
        const access: OpsAccess = mcPermissionAllows(session.userPermissions, 'manage') ? 'manage' : 'view';
        return { via: 'merchant-center', subject: session.userId, access };
      }

      if (introspect && scope) {
        const token = await introspect(bearer);
        if (!token)
          return unauthorized('the bearer token is neither OPS_API_TOKEN nor an active commercetools token');
        if (!scopeGrants(token.getPrincipal().scope, scope, projectKey))
          return forbidden(`the commercetools token lacks the scope ${scope}:${projectKey}`);
        return { via: 'api-client', subject: token.getPrincipal().clientId, access: 'manage' };
      }
      logger.warn('operations API refused: wrong bearer token', { path: req.path });
      return unauthorized(howToAuthenticate(verifyMcSession, introspect));
    },
  };
}

interface McSession {
  userId: string;
  projectKey: string;
  userPermissions?: string[];
}

/**
 * commercetools token introspection through connect-payments-sdk (`POST <authUrl>/oauth/introspect` with the
 * connector's own client credentials). Undefined for an inactive or unknown token; a failing auth service
 * throws (the route answers 5xx: we cannot tell).
 */
function introspector(
  config: NonNullable<OpsAuthOptions['introspection']>,
  logger: Logger,
): (token: string) => Promise<Oauth2Authentication | undefined> {
  const sdkLogger = {
    debug: (obj: object, message: string) => logger.debug(message, obj),
    info: (obj: object, message: string) => logger.info(message, obj),
    warn: (obj: object, message: string) => logger.warn(message, obj),
    error: (obj: object, message: string) => logger.error(message, obj),
  };
  const manager = new Oauth2AuthenticationManager({
    oauth2Service: new DefaultOauth2Service({ logger: sdkLogger }),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authUrl: config.authUrl,
    logger: sdkLogger,
  });
  return async (token) => {
    try {
      return (await manager.authenticate(
        new HeaderBasedAuthentication(`Bearer ${token}`),
      )) as Oauth2Authentication;
    } catch (err) {
      // The SDK's auth errors (inactive, no scopes, 401 from introspection) mean "not a valid token".
      if (isSdkAuthError(err)) return undefined;
      throw err;
    }
  };
}

const isSdkAuthError = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { httpErrorStatus?: number }).httpErrorStatus === 401;

function howToAuthenticate(mc: unknown, introspection: unknown): string {
  const ways = ['Authorization: Bearer <OPS_API_TOKEN>'];
  if (mc) ways.push('a Merchant Center forward-to call');
  if (introspection) ways.push('a commercetools API client token with the configured scope');
  return `send ${ways.join(', or ')}`;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message.slice(0, 200) : 'unknown');
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The authenticator as configured (OPS_API_TOKEN, MERCHANT_CENTER_API_URL, FULFILMENT_SERVICE_URL, OPS_API_CLIENT_SCOPE). */
export function opsAuthenticatorFromConfig(config: AppConfig, logger: Logger): OpsAuthenticator {
  return createOpsAuthenticator({
    opsApiToken: config.operations.opsApiToken,
    projectKey: config.commercetools.projectKey,
    merchantCenter: { issuer: config.merchantCenter.apiUrl, serviceUrl: config.merchantCenter.serviceUrl },
    introspection: {
      authUrl: config.commercetools.authUrl,
      clientId: config.commercetools.clientId,
      clientSecret: config.commercetools.clientSecret,
      scope: config.operations.apiClientScope,
    },
    logger,
  });
}
