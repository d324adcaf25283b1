import { Agent } from 'undici';

/** What the commercetools SDK and the Clarus transport send: a subset of `fetch`'s `RequestInit`. */
export interface FetchLikeInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | null;
}

/** What they read back: the status, a header by name, the body as text (a subset of `Response`). */
export interface FetchLikeResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * A `fetch`-shaped function: the global `fetch` is one (tests pass recording wrappers of it), and so is
 * `createKeepAliveFetch()`. Only what both callers use is typed, so anything that satisfies it will do.
 */
export type FetchLike = (url: string, init?: FetchLikeInit) => Promise<FetchLikeResponse>;

export interface KeepAliveFetchOptions {
  /** Idle time after which a pooled connection is closed (default 4 s, as Node's global fetch). */
  keepAliveTimeoutMs?: number;
  /** Most connections per origin (default unlimited, as Node's global fetch). */
  connections?: number;
}

/**
 * `fetch` for the connector's API calls (commercetools, Clarus), built on undici's `request` over one
 * keep-alive connection pool instead of Node's global `fetch`. Same library, same pool rules, without the
 * WHATWG layer (Request/Response objects, web-stream tees, `makeTransferable`) that cost the event app about
 * 0.18 ms of CPU per call — most of its CPU per order (docs/adr/0018-keep-alive-http-client.md).
 *
 * Behaves like `fetch` where the callers depend on it:
 * - every HTTP status resolves (no throw on 4xx/5xx);
 * - an aborted `signal` rejects with `signal.reason` (a `TimeoutError` / `AbortError` DOMException), also
 *   while the body is read;
 * - any other failure (refused, reset, DNS, a body cut off) rejects with `TypeError('fetch failed')` whose
 *   `cause` is the network error (its `code`, e.g. `ECONNRESET`, is what the callers log).
 * Differences, none of which the callers rely on: the body is read whole before the promise resolves;
 * redirects are not followed (neither API redirects); no `accept-encoding` is sent, so answers come
 * uncompressed (no decompression CPU; a little more bandwidth).
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): FetchLike {
  const dispatcher = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
  });
  return async (url, init = {}) => {
    const signal = init.signal ?? undefined;
    try {
      // The pool is asked by origin and path: cheaper than `request(url)`, which parses a URL object.
      const { origin, path } = splitUrl(url);
      const response = await dispatcher.request({
        origin,
        path,
        method: (init.method ?? 'GET') as 'GET',
        headers: definedHeaders(init.headers),
        body: init.body,
        signal,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: headersOf(response.headers), text: async () => text };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
  };
}

/** `http://host:port/path?query` → origin and path (with the query); the callers build well-formed URLs. */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/** The SDK may leave a header's value undefined; undici refuses those, fetch drops them. */
function definedHeaders(headers: FetchLikeInit['headers']): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers) as [string, string | undefined][]) {
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}

/** undici's header record (names lower-cased) seen through `Headers.get`, the one method the callers use. */
function headersOf(raw: Record<string, string | string[] | undefined>): FetchLikeResponse['headers'] {
  return {
    get: (name) => {
      const value = raw[name.toLowerCase()];
      return (Array.isArray(value) ? value.join(', ') : value) ?? null;
    },
  };
}
