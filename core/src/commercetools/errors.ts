/**
 * Reading errors from `@commercetools/ts-client`. It rejects with an HttpError-like object
 * (`statusCode`, `code` = first error code, `body`/`error` = the API's error body) for HTTP errors, and
 * with `{ body: null, error: NetworkError }` (statusCode 0) when no response arrived. These helpers
 * accept both shapes, and plain `Error`s, so callers never depend on the SDK's internals.
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

const TRANSIENT_STATUS = new Set([0, 429, 500, 502, 503, 504]);
const NETWORK_NAMES = /AbortError|TimeoutError|NetworkError|FetchError/;

/**
 * Worth trying again later: no response (network, timeout), throttling or a server-side failure. The
 * client has already retried these a few times before the error reaches a caller.
 */
export function isTransientCommercetoolsError(err: unknown): boolean {
  const info = commercetoolsErrorInfo(err);
  if (info.statusCode !== undefined) return TRANSIENT_STATUS.has(info.statusCode) || info.statusCode >= 500;
  const outer = asObject(err);
  const name = typeof outer?.name === 'string' ? outer.name : '';
  // fetch's "no connection" TypeError, recognised by name: `instanceof` fails across realms (jest's vm).
  const message = typeof outer?.message === 'string' ? outer.message : '';
  return NETWORK_NAMES.test(name) || (name === 'TypeError' && /fetch failed/i.test(message));
}
