import type { TokenProvider } from './auth';
import { ClarusUnauthorisedError } from './errors';
import { withRetry, type RetryDeps } from './retry';
import type { Clock } from './time';
import { errorFromResponse, type HttpRequest, type HttpResponse, type Transport } from './transport';
import type { ClarusCallOptions } from './types';

export type AuthenticatedRequest = Omit<HttpRequest, 'token'>;

/** Sends an authenticated request and returns the 2xx response; anything else throws a typed error. */
export type ApiCall = (request: AuthenticatedRequest, options: ClarusCallOptions) => Promise<HttpResponse>;

/**
 * Bearer token on every call; a 401 invalidates the token and the call is repeated once with a fresh one
 * (a 401 means Clarus did not process it, so this is safe for writes too). Reads are then retried with
 * backoff; writes never are: a write that timed out, lost its connection or met a 5xx may have happened,
 * and only the caller can check (by reference) before repeating it. A 429 on a write is surfaced as
 * `ClarusRateLimitedError` without a retry: Clarus refused it, so nothing happened, and the caller (e.g.
 * a Pub/Sub nack with its own backoff) is better placed than an in-process sleep inside an 8 s budget.
 */
export function createApiCall(deps: {
  transport: Transport;
  auth: TokenProvider;
  retry: RetryDeps;
  now: Clock;
}): ApiCall {
  return async (request, options) => {
    let refreshed = false;
    const once = async (attempt: number): Promise<HttpResponse> => {
      let token = await deps.auth.getToken(options);
      let response = await deps.transport({ ...request, token }, { ...options, attempt });
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        deps.auth.invalidate(token);
        token = await deps.auth.getToken(options);
        response = await deps.transport({ ...request, token }, { ...options, attempt });
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (response.status === 401)
        throw new ClarusUnauthorisedError({ operation: request.operation, status: 401 });
      throw errorFromResponse(request, response, deps.now);
    };
    if (request.kind === 'write') return once(1);
    return withRetry(
      once,
      { deadline: options.deadline, signal: options.signal, operation: request.operation },
      deps.retry,
    );
  };
}
