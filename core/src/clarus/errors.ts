/**
 * Every failure of a Clarus call surfaces as one of these. Callers decide on `retryable` (e.g. the event
 * route nacks a retryable error with 503) and on `mayHaveSucceeded` (a write that may have reached Clarus
 * must be looked up by reference before it is repeated). Messages name the method, path and status only:
 * never a token, a secret or a request body (bodies carry personal data).
 */

/** One entry of a Clarus REST `ErrorResponse` (clarus-api.json `components.schemas.Error`). */
export interface ClarusApiErrorItem {
  code?: number;
  symbol?: string;
  details?: string;
  source?: string | null;
  context?: Record<string, unknown> | null;
}

/** One entry of a GraphQL `errors` array. */
export interface ClarusGraphQLErrorItem {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface ClarusErrorInit {
  /** e.g. `POST /api/goods_outs` or `POST /graphql products`. */
  operation: string;
  status?: number;
  /** True when the request may have been processed by Clarus (sent, then no clear answer). */
  mayHaveSucceeded?: boolean;
  cause?: unknown;
}

export abstract class ClarusError extends Error {
  abstract readonly retryable: boolean;
  readonly operation: string;
  readonly status: number | undefined;
  readonly mayHaveSucceeded: boolean;

  protected constructor(message: string, init: ClarusErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.operation = init.operation;
    this.status = init.status;
    this.mayHaveSucceeded = init.mayHaveSucceeded ?? false;
  }
}

/** 422: Clarus refused the request for business or validation reasons. It did not happen. */
export class ClarusValidationError extends ClarusError {
  readonly retryable = false;
  constructor(
    init: ClarusErrorInit,
    readonly errors: ClarusApiErrorItem[],
  ) {
    super(`Clarus rejected ${init.operation} (${init.status ?? 422}): ${describeSymbols(errors)}`, init);
  }

  get symbols(): string[] {
    return this.errors.map((e) => e.symbol).filter((s): s is string => typeof s === 'string');
  }
}

/** 401 after one token refresh, 403, or the token endpoint refusing the client credentials. */
export class ClarusUnauthorisedError extends ClarusError {
  readonly retryable = false;
  constructor(init: ClarusErrorInit) {
    super(`Clarus refused the credentials for ${init.operation} (${init.status ?? 401})`, init);
  }
}

/** 404: the resource does not exist (or not in this tenant). */
export class ClarusNotFoundError extends ClarusError {
  readonly retryable = false;
  constructor(
    init: ClarusErrorInit,
    readonly errors: ClarusApiErrorItem[] = [],
  ) {
    super(`Clarus found nothing for ${init.operation} (404)`, init);
  }
}

/** Any other 4xx Clarus answered (400, 405, 409, …): the request is wrong and repeating it will not help. */
export class ClarusRequestError extends ClarusError {
  readonly retryable = false;
  constructor(
    init: ClarusErrorInit,
    readonly errors: ClarusApiErrorItem[] = [],
  ) {
    super(`Clarus refused ${init.operation} (${init.status ?? 400}): ${describeSymbols(errors)}`, init);
  }
}

/** 429: Clarus throttled the request; it was not processed. `retryAfterMs` comes from `Retry-After`. */
export class ClarusRateLimitedError extends ClarusError {
  readonly retryable = true;
  constructor(
    init: ClarusErrorInit,
    readonly retryAfterMs: number | undefined,
  ) {
    super(
      `Clarus rate-limited ${init.operation} (429)${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`}`,
      init,
    );
  }
}

/** 5xx, a refused or dropped connection, or a body that could not be read. */
export class ClarusUnavailableError extends ClarusError {
  readonly retryable = true;
  constructor(init: ClarusErrorInit, detail?: string) {
    super(
      `Clarus unavailable for ${init.operation}${init.status ? ` (${init.status})` : ''}${detail ? `: ${detail}` : ''}`,
      init,
    );
  }
}

/** The per-request timeout (`requestTimeoutMs`) ran out before Clarus answered. */
export class ClarusTimeoutError extends ClarusError {
  readonly retryable = true;
  constructor(
    init: ClarusErrorInit,
    readonly timeoutMs: number,
  ) {
    super(`Clarus did not answer ${init.operation} within ${timeoutMs} ms`, init);
  }
}

/** The caller's deadline would be (or was) passed: waiting for the limiter, a retry, or the answer. */
export class ClarusBudgetExceededError extends ClarusError {
  readonly retryable = true;
  constructor(init: ClarusErrorInit, detail: string) {
    super(`Time budget exceeded for ${init.operation}: ${detail}`, init);
  }
}

/** The GraphQL response carried `errors` (validation of the query, unknown field or filter, …). */
export class ClarusGraphQLError extends ClarusError {
  readonly retryable = false;
  constructor(
    init: ClarusErrorInit,
    readonly errors: ClarusGraphQLErrorItem[],
  ) {
    super(
      `Clarus GraphQL errors for ${init.operation}: ${errors.map((e) => e.message).join('; ') || '(none given)'}`,
      init,
    );
  }
}

/** Clarus answered 2xx with a body this client cannot read (not JSON, or not the documented shape). */
export class ClarusUnexpectedResponseError extends ClarusError {
  readonly retryable = false;
  constructor(init: ClarusErrorInit, detail: string) {
    super(`Unexpected Clarus response for ${init.operation}: ${detail}`, init);
  }
}

/** Why a paged read could not be proven complete. */
export type ClarusPartialReadReason =
  /** `hasNextPage` with the same `endCursor` as the page before: paging would repeat forever. */
  | 'cursor_stalled'
  /** `hasNextPage` with a cursor an earlier page already returned: paging would go round in a loop. */
  | 'cursor_repeated'
  /** `hasNextPage` but no `endCursor` (and no edge cursor) to continue from. */
  | 'cursor_missing'
  /** `hasNextPage` on a page with no edges: no progress is being made. */
  | 'empty_page'
  /** No `pageInfo` on a page as long as the page size: whether more follow cannot be told. */
  | 'page_info_missing';

/**
 * A GraphQL list could not be read to its end (cursor stalled or missing, …). Never treat what was read
 * as the whole list: a stock list cut short would turn the rest of the catalogue into 0. Retryable (a
 * later run may page through), and nothing derived from the read may be written.
 */
export class ClarusPartialReadError extends ClarusError {
  readonly retryable = true;
  constructor(
    init: ClarusErrorInit,
    readonly list: string,
    readonly reason: ClarusPartialReadReason,
    /** Nodes read before paging stopped (a count only: never the nodes themselves). */
    readonly nodesRead: number,
  ) {
    super(`Clarus ${list} could not be read to its end (${reason}) after ${nodesRead} nodes`, init);
  }
}

export function isClarusError(error: unknown): error is ClarusError {
  return error instanceof ClarusError;
}

function describeSymbols(errors: ClarusApiErrorItem[]): string {
  const symbols = errors
    .map((e) => e.symbol ?? (e.code === undefined ? undefined : String(e.code)))
    .filter(Boolean);
  return symbols.length ? symbols.join(', ') : 'no error details';
}
