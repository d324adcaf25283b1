import { randomUUID } from 'node:crypto';
import { createApiBuilderFromCtpClient, type ByProjectKeyRequestBuilder } from '@commercetools/platform-sdk';
import { ClientBuilder } from '@commercetools/ts-client';
import type { CommercetoolsConfig } from '../config';
import { createKeepAliveFetch, type FetchLike } from '../http/keep-alive-fetch';
import { currentCorrelationId, type Logger } from '../logging';

export interface CommercetoolsClientOptions {
  logger?: Logger;
  /** Retries of a request that got 502/503/504, timed out or lost its connection (default 3). */
  maxRetries?: number;
  /** First retry delay; later ones back off exponentially with jitter (default 200 ms). */
  retryDelayMs?: number;
  /** Longest single retry delay (default 3 s). */
  maxRetryDelayMs?: number;
  /** Per attempt (default 10 s). Callers with a tighter budget (the event app's ~8 s) pass less. */
  timeoutMs?: number;
  /** Replaces the keep-alive client (`createKeepAliveFetch`); tests pass global fetch or a recording wrapper. */
  fetch?: FetchLike;
}

/**
 * The commercetools API for one project, authenticated with the client-credentials flow.
 *
 * Built per app in its wiring (never at import time). Retries transient failures (502/503/504, timeouts,
 * dropped connections) with exponential backoff. That is safe for POSTs too because every write this product
 * makes is conditional — versioned updates, `version: 0` creates, keyed deliveries — so a write that landed
 * before its answer was lost comes back as 409/duplicate, which callers already handle by re-reading.
 * There is deliberately no concurrent-modification middleware: resending an update with a bumped version
 * would apply stale actions; callers re-read and recompute (see `updateWithRecompute`).
 * HTTP goes through `createKeepAliveFetch` (undici's `request` over a keep-alive pool), not global `fetch`:
 * the WHATWG layer was most of the event app's CPU per order (docs/adr/0018-keep-alive-http-client.md).
 */
export function createCommercetoolsClient(
  config: CommercetoolsConfig,
  options: CommercetoolsClientOptions = {},
): ByProjectKeyRequestBuilder {
  const maxRetries = options.maxRetries ?? 3;
  const retryDelay = options.retryDelayMs ?? 200;
  const maxDelay = options.maxRetryDelayMs ?? 3000;
  const httpClient = retryNetworkErrors(
    options.fetch ?? createKeepAliveFetch(),
    { maxRetries, retryDelay, maxDelay },
    options.logger,
  );

  const client = new ClientBuilder()
    .withProjectKey(config.projectKey)
    .withClientCredentialsFlow({
      host: config.authUrl,
      projectKey: config.projectKey,
      credentials: { clientId: config.clientId, clientSecret: config.clientSecret },
      ...(config.scopes.length ? { scopes: config.scopes } : {}),
      httpClient,
    })
    .withHttpMiddleware({
      host: config.apiUrl,
      httpClient,
      timeout: options.timeoutMs ?? 10_000,
      enableRetry: maxRetries > 0,
      // 503 is always in the SDK's retry list; 502 and 504 are gateway failures worth the same treatment.
      retryConfig: { maxRetries, retryDelay, backoff: true, maxDelay, retryCodes: [502, 503, 504] },
      // Keep request bodies (which may hold addresses) and the bearer token out of error objects that
      // could end up in a log line.
      includeRequestInErrorResponse: false,
      maskSensitiveHeaderData: true,
      includeResponseHeaders: false,
    })
    .withCorrelationIdMiddleware({ generate: () => currentCorrelationId() ?? randomUUID() })
    .withUserAgentMiddleware({ libraryName: 'clarus-commercetools-connector' })
    .build();

  return createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: config.projectKey });
}

interface RetryPolicy {
  maxRetries: number;
  retryDelay: number;
  maxDelay: number;
}

/**
 * The SDK retries on status codes and timeouts but not when fetch itself throws (connection refused or
 * reset, DNS hiccup). This wrapper retries those with the same policy. A timeout abort is not retried here:
 * the SDK owns that (its abort signal is part of `init`).
 */
function retryNetworkErrors(base: FetchLike, policy: RetryPolicy, logger?: Logger): FetchLike {
  return async (input, init) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await base(input, init);
      } catch (err) {
        const aborted = init?.signal?.aborted || (err instanceof Error && /Abort|Timeout/.test(err.name));
        if (aborted || attempt >= policy.maxRetries) throw err;
        const delay = Math.min(
          policy.maxDelay,
          Math.round(policy.retryDelay * 2 ** attempt * (1 + Math.random())),
        );
        logger?.warn('commercetools request failed without a response; retrying', {
          method: init?.method ?? 'GET',
          path: pathOf(input),
          attempt: attempt + 1,
          delayMs: delay,
          error:
            err instanceof Error
              ? err.cause instanceof Error
                ? err.cause.message
                : err.message
              : String(err),
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}

/** Path only: query strings may carry predicates we would rather not log. */
function pathOf(input: string): string {
  try {
    return new URL(input).pathname;
  } catch {
    return '';
  }
}
