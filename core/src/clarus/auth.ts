import { ClarusBudgetExceededError, ClarusUnauthorisedError, ClarusUnexpectedResponseError } from './errors';
import { withRetry, type RetryDeps } from './retry';
import { raceDeadline, type Clock } from './time';
import { errorFromResponse, isRecord, type HttpRequest, type Transport } from './transport';
import type { ClarusCallOptions } from './types';

export interface TokenProvider {
  /** A valid access token: the cached one, or a fresh one shared by every concurrent caller. */
  getToken(options: ClarusCallOptions): Promise<string>;
  /** Forgets `token` after Clarus refused it (401), unless it was already replaced. */
  invalidate(token: string): void;
}

export interface TokenProviderDeps {
  clientId: string;
  clientSecret: string;
  transport: Transport;
  retry: RetryDeps;
  now: Clock;
}

/** Used when the token response carries no `expires_in`: short, so a 401 refresh stays the exception. */
const DEFAULT_TTL_MS = 5 * 60_000;
const MAX_REFRESH_MARGIN_MS = 60_000;
const OPERATION = 'POST /oauth/token';

/**
 * OAuth 2.0 client credentials against `/oauth/token`. The token is cached and replaced shortly before
 * `expires_in` runs out (a tenth of its lifetime, at most a minute early). A refresh is single-flight:
 * concurrent callers wait on the same request, each within its own deadline and signal, so one caller
 * giving up never cancels the request the others wait for.
 */
export function createTokenProvider(deps: TokenProviderDeps): TokenProvider {
  let current: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const request = (): HttpRequest => ({
    method: 'POST',
    path: '/oauth/token',
    kind: 'read', // no side effect worth guarding: repeating it only mints another token
    operation: OPERATION,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: deps.clientId,
      client_secret: deps.clientSecret,
    }).toString(),
  });

  const fetchToken = async (): Promise<string> => {
    const response = await withRetry(
      async (attempt) => {
        const res = await deps.transport(request(), { attempt });
        if (res.status >= 200 && res.status < 300) return res;
        // OAuth answers a bad client with 400 (invalid_client/invalid_grant) or 401.
        if (res.status === 400 || res.status === 401 || res.status === 403) {
          throw new ClarusUnauthorisedError({ operation: OPERATION, status: res.status });
        }
        throw errorFromResponse(request(), res, deps.now);
      },
      { operation: OPERATION },
      deps.retry,
    );
    const body = response.json;
    const token = isRecord(body) ? body.access_token : undefined;
    if (typeof token !== 'string' || token === '') {
      throw new ClarusUnexpectedResponseError(
        { operation: OPERATION, status: response.status },
        'no access_token',
      );
    }
    const expiresIn = isRecord(body) ? Number(body.expires_in) : NaN;
    const ttlMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TTL_MS;
    current = { token, refreshAt: deps.now() + ttlMs - Math.min(MAX_REFRESH_MARGIN_MS, ttlMs / 10) };
    return token;
  };

  return {
    getToken(options) {
      if (current && deps.now() < current.refreshAt) return Promise.resolve(current.token);
      if (!pending) {
        pending = fetchToken().finally(() => {
          pending = undefined;
        });
      }
      return raceDeadline(pending, {
        deadline: options.deadline,
        signal: options.signal,
        now: deps.now,
        onDeadline: () =>
          new ClarusBudgetExceededError(
            { operation: OPERATION },
            'deadline passed while waiting for an access token',
          ),
      });
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
