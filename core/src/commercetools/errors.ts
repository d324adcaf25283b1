/**
 * Reading errors from `@commercetools/ts-client`. It rejects with an HttpError-like object
 * (`statusCode`, `code` = first error code, `body`/`error` = the API's error body) for HTTP errors, with
 * `{ body: null, error: NetworkError }` (statusCode 0) when fetch itself failed, and with an `HttpError`
 * **without** `statusCode` (its `error`/`body` the fetch AbortError/TimeoutError) when every attempt timed
 * out. These helpers accept all three shapes, and plain `Error`s, so callers never depend on the SDK's
 * internals.
 */

export interface CommercetoolsErrorInfo {
  /** HTTP status; 0 when no response arrived (network error, timeout). */
  statusCode?: number;
  /** First error code of the body (`ConcurrentModification`, `ResourceNotFound`, `DuplicateField`, …). */
  code?: string;
  message?: string;
  /** `currentVersion` of a ConcurrentModification error, when the API sent it. */
  currentVersion?: number;
}

type Loose = Record<string, unknown>;
const asObject = (v: unknown): Loose | undefined =>
  v !== null && typeof v === 'object' ? (v as Loose) : undefined;

export function commercetoolsErrorInfo(err: unknown): CommercetoolsErrorInfo {
  const outer = asObject(err);
  if (!outer) return {};
  // Network errors arrive wrapped as `{ body: null, error: NetworkError }`.
  const inner = typeof outer.statusCode === 'number' ? outer : (asObject(outer.error) ?? outer);
  const body = asObject(inner.body) ?? asObject(inner.error);
  const first = Array.isArray(body?.errors) ? asObject(body.errors[0]) : undefined;
  const statusCode =
    typeof inner.statusCode === 'number'
      ? inner.statusCode
      : typeof body?.statusCode === 'number'
        ? body.statusCode
        : undefined;
  const code =
    typeof first?.code === 'string' ? first.code : typeof inner.code === 'string' ? inner.code : undefined;
  const message =
    typeof first?.message === 'string'
      ? first.message
      : typeof inner.message === 'string'
        ? inner.message
        : undefined;
  const currentVersion = typeof first?.currentVersion === 'number' ? first.currentVersion : undefined;
  return { statusCode, code, message, currentVersion };
}

/** 409 ConcurrentModification: the resource changed since it was read; re-read and decide again. */
export function isConcurrentModification(err: unknown): boolean {
  const { statusCode, code } = commercetoolsErrorInfo(err);
  return (
    statusCode === 409 &&
    (code === undefined || code === 'ConcurrentModification' || code === 'ConcurrentModificationError')
  );
}

export function isNotFound(err: unknown): boolean {
  return commercetoolsErrorInfo(err).statusCode === 404;
}

/**
 * Runs a commercetools read and returns its body, or `undefined` when commercetools answers 404 (the resource
 * does not exist); every other error is thrown as the SDK raised it.
 */
export async function bodyUnlessNotFound<T>(request: {
  execute(): Promise<{ body: T }>;
}): Promise<T | undefined> {
  try {
    return (await request.execute()).body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const TRANSIENT_STATUS = new Set([0, 429, 500, 502, 503, 504]);
const NO_RESPONSE_NAMES = /AbortError|TimeoutError|NetworkError|FetchError|ConnectTimeoutError|SocketError/;
const NO_RESPONSE_CODES =
  /^(NetworkError|ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+)$/;

/**
 * Worth trying again later: throttling, a server-side failure, or no answer at all. The client has already
 * retried these a few times before the error reaches a caller.
 *
 * "No answer" includes what `@commercetools/ts-client` (4.x) rejects with once its retries run out:
 * a request that timed out on every attempt comes back as an `HttpError` with **no** `statusCode`, whose
 * `error`/`body` is the fetch `AbortError`/`TimeoutError` (the executor returns the abort error as the
 * "response" and `createError` finds no status); a connection that failed on every attempt comes back as
 * `{ body: null, error: NetworkError }` with `statusCode` 0. A status-less error never reads as a
 * permanent failure.
 */
export function isTransientCommercetoolsError(err: unknown): boolean {
  const info = commercetoolsErrorInfo(err);
  if (info.statusCode !== undefined) return TRANSIENT_STATUS.has(info.statusCode) || info.statusCode >= 500;
  return isNoResponse(err, 0);
}

/**
 * Whether the error (or what it wraps: `error`, `body`, `cause`) says no HTTP answer arrived. Recognised by
 * name and code, not `instanceof` (which fails across realms, e.g. jest's vm): the SDK's status-less
 * `HttpError`/`NetworkError`, fetch's `AbortError`/`TimeoutError` and "fetch failed" `TypeError`, undici and
 * socket error codes. Anything else (a programming error) is not transient.
 */
function isNoResponse(err: unknown, depth: number): boolean {
  const e = asObject(err);
  if (!e || depth > 3) return false;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (NO_RESPONSE_NAMES.test(name) || NO_RESPONSE_CODES.test(code)) return true;
  // The SDK's HttpError carries a status whenever an answer arrived: without one, none did.
  if (name === 'HttpError' && typeof e.statusCode !== 'number') return true;
  if (name === 'TypeError' && /fetch failed|terminated|socket/i.test(message)) return true;
  return [e.error, e.body, e.cause].some((inner) => inner !== err && isNoResponse(inner, depth + 1));
}
