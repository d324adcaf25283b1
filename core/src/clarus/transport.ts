import { performance } from 'node:perf_hooks';
import type { FetchLike, FetchLikeResponse } from '../http/keep-alive-fetch';
import type { Logger } from '../logging';
import {
  ClarusBudgetExceededError,
  ClarusError,
  ClarusGraphQLError,
  ClarusNotFoundError,
  ClarusRateLimitedError,
  ClarusRequestError,
  ClarusTimeoutError,
  ClarusUnauthorisedError,
  ClarusUnavailableError,
  ClarusValidationError,
  type ClarusApiErrorItem,
  type ClarusErrorInit,
  type ClarusGraphQLErrorItem,
} from './errors';
import type { ClarusLimiter } from './limiter';
import { timeLeft, type Clock } from './time';

/** Reads are safe to repeat; writes may have happened even when no answer came back. */
export type RequestKind = 'read' | 'write';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below the API URL, e.g. `/api/goods_outs/12`; logged, so it never holds personal data. */
  path: string;
  kind: RequestKind;
  /** Short label for logs and error messages, e.g. `POST /graphql products`. */
  operation: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bearer token; absent only for the token request itself. */
  token?: string;
}

export interface HttpResponse {
  status: number;
  headers: FetchLikeResponse['headers'];
  /** Parsed JSON body; undefined when empty or not JSON. */
  json: unknown;
}

export interface TransportDeps {
  apiUrl: string;
  subdomain: string;
  requestTimeoutMs: number;
  logger: Logger;
  fetch: FetchLike;
  now: Clock;
  limiter: ClarusLimiter;
}

export interface AttemptOptions {
  deadline?: number;
  signal?: AbortSignal;
  attempt: number;
}

export type Transport = (request: HttpRequest, options: AttemptOptions) => Promise<HttpResponse>;

/**
 * One HTTP attempt: waits for a limiter slot (counted against the deadline), sends with a timeout of
 * min(requestTimeoutMs, time left), and turns transport failures into typed errors. Any HTTP status is
 * returned as a response; `errorFromResponse` translates the non-2xx ones.
 */
export function createTransport(deps: TransportDeps): Transport {
  return async (request, { deadline, signal, attempt }) => {
    const init: ClarusErrorInit = { operation: request.operation };
    signal?.throwIfAborted();
    if (timeLeft(deadline, deps.now) <= 0) {
      throw new ClarusBudgetExceededError(init, 'deadline passed before the request was sent');
    }
    const release = await deps.limiter.acquire({ deadline, signal, operation: request.operation });
    const started = performance.now();
    let status: number | undefined;
    let outcome = 'ok';
    try {
      const left = timeLeft(deadline, deps.now);
      if (left <= 0) throw new ClarusBudgetExceededError(init, 'deadline passed before the request was sent');
      const limitedByDeadline = left < deps.requestTimeoutMs;
      const timeoutMs = Math.max(1, Math.floor(Math.min(deps.requestTimeoutMs, left)));
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      // From here on the request may reach Clarus: a write without a clear answer may have happened.
      const sentInit: ClarusErrorInit = { ...init, mayHaveSucceeded: request.kind === 'write' };
      try {
        const response = await deps.fetch(`${deps.apiUrl}${request.path}`, {
          method: request.method,
          headers: {
            accept: 'application/json',
            'x-clarus-subdomain': deps.subdomain,
            ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
            ...request.headers,
          },
          body: request.body,
          signal: combined,
        });
        status = response.status;
        deps.limiter.observe({ status });
        const text = await response.text();
        return { status: response.status, headers: response.headers, json: parseJson(text) };
      } catch (error) {
        if (signal?.aborted) {
          outcome = 'aborted';
          throw signal.reason;
        }
        if (timeout.aborted) {
          outcome = 'timeout';
          throw limitedByDeadline
            ? new ClarusBudgetExceededError(
                { ...sentInit, cause: error },
                `no answer before the deadline (${timeoutMs} ms)`,
              )
            : new ClarusTimeoutError({ ...sentInit, cause: error }, timeoutMs);
        }
        outcome = 'network_error';
        throw new ClarusUnavailableError({ ...sentInit, cause: error }, describeNetworkError(error));
      }
    } catch (error) {
      if (outcome === 'ok' && error instanceof ClarusError) outcome = 'budget_exceeded';
      throw error;
    } finally {
      release();
      deps.logger.debug('clarus request', {
        method: request.method,
        path: request.path,
        operation: request.operation,
        status,
        outcome,
        durationMs: Math.round(performance.now() - started),
        attempt,
      });
    }
  };
}

/** Translates a non-2xx answer into the typed error hierarchy. */
export function errorFromResponse(request: HttpRequest, response: HttpResponse, now: Clock): ClarusError {
  const { status } = response;
  const init: ClarusErrorInit = { operation: request.operation, status };
  const graphQLErrors = graphQLErrorsOf(response.json);
  if (graphQLErrors && (status === 400 || status === 422)) return new ClarusGraphQLError(init, graphQLErrors);
  if (status === 401 || status === 403) return new ClarusUnauthorisedError(init);
  if (status === 404) return new ClarusNotFoundError(init, apiErrorsOf(response.json));
  if (status === 422) return new ClarusValidationError(init, apiErrorsOf(response.json));
  if (status === 429)
    return new ClarusRateLimitedError(init, parseRetryAfter(response.headers.get('retry-after'), now));
  if (status >= 500 || status === 408) {
    // A gateway error after Clarus processed a write is possible: the write's outcome is unknown.
    return new ClarusUnavailableError({ ...init, mayHaveSucceeded: request.kind === 'write' });
  }
  return new ClarusRequestError(init, apiErrorsOf(response.json));
}

/** `Retry-After` is either delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null, now: Clock): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

/** Parses the documented `{errors:[{code, symbol, details, source, context}]}` leniently. */
export function apiErrorsOf(body: unknown): ClarusApiErrorItem[] {
  const errors = isRecord(body) ? body.errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.filter(isRecord).map((e) => ({
    code: typeof e.code === 'number' ? e.code : undefined,
    symbol: typeof e.symbol === 'string' ? e.symbol : undefined,
    details: typeof e.details === 'string' ? e.details : undefined,
    source: typeof e.source === 'string' ? e.source : null,
    context: isRecord(e.context) ? e.context : null,
  }));
}

/** GraphQL-shaped errors (`[{message, path?, extensions?}]`), or undefined when the body has none. */
export function graphQLErrorsOf(body: unknown): ClarusGraphQLErrorItem[] | undefined {
  const errors = isRecord(body) ? body.errors : undefined;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const items = errors.filter(isRecord);
  if (!items.every((e) => typeof e.message === 'string' && e.symbol === undefined)) return undefined;
  return items.map((e) => ({
    message: String(e.message),
    ...(Array.isArray(e.path) ? { path: e.path as (string | number)[] } : {}),
    ...(isRecord(e.extensions) ? { extensions: e.extensions } : {}),
  }));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Names the network failure (e.g. ECONNRESET) without echoing anything from the request. */
function describeNetworkError(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : 'network error';
}
