import {
  ClarusNotFoundError,
  ClarusRequestError,
  ClarusValidationError,
  isClarusError,
  type ClarusApiErrorItem,
} from '../clarus';
import {
  commercetoolsErrorInfo,
  CustomObjectContentionError,
  isConcurrentModification,
  isTransientCommercetoolsError,
} from '../commercetools';
import { ClaimLostError } from './export-claims';

/**
 * How an export or cancellation step failed, which decides what happens next (docs/adr/0001-ack-and-retry.md):
 * - `ambiguous`: a write was sent and no clear answer came back; it may have happened (look it up);
 * - `transient`: nothing happened and a retry can succeed (Clarus 429/5xx before sending, commercetools
 *   5xx/timeouts, a lost claim);
 * - `permanent`: repeating the same request can never succeed (any Clarus 4xx but 429, an unreadable
 *   Clarus answer, a commercetools 4xx): settle, raise an exception, acknowledge;
 * - `unexpected`: anything else (a bug): counted and made visible, then retried (a redeploy fixes it).
 */
export type FailureClass = 'ambiguous' | 'transient' | 'permanent' | 'unexpected';

export interface ClassifiedFailure {
  class: FailureClass;
  /** One line for logs and exception messages (method, path, status, symbols: no bodies, no personal data). */
  reason: string;
  /** Clarus error symbols (`invalid_email`, …) and the fields they name, when Clarus sent them. */
  symbols: string[];
  fields: string[];
  retryAfterMs?: number;
}

/** Pure: an error thrown by a Clarus or commercetools call → its class and what to tell a person. */
export function classifyExportFailure(err: unknown): ClassifiedFailure {
  const reason = (err instanceof Error ? err.message : String(err)).slice(0, 300);
  if (isClarusError(err)) {
    const items = apiErrorsOf(err);
    const detail = {
      reason,
      symbols: items.map((e) => e.symbol).filter((s): s is string => !!s),
      fields: [...new Set(items.map(fieldOf).filter((f): f is string => !!f))],
    };
    if (err.mayHaveSucceeded) return { class: 'ambiguous', ...detail };
    if (err.retryable) {
      const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
      return { class: 'transient', ...detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { class: 'permanent', ...detail };
  }
  const none = { reason, symbols: [], fields: [] };
  if (err instanceof ClaimLostError || err instanceof CustomObjectContentionError)
    return { class: 'transient', ...none };
  if (err instanceof Error && err.name === 'ConcurrentModificationExhaustedError')
    return { class: 'transient', ...none };
  if (isTransientCommercetoolsError(err) || isConcurrentModification(err))
    return { class: 'transient', ...none };
  const status = commercetoolsErrorInfo(err).statusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 429) {
    const code = commercetoolsErrorInfo(err).code;
    return {
      class: 'permanent',
      ...none,
      reason: `commercetools refused (${status}${code ? ` ${code}` : ''}): ${reason}`,
    };
  }
  return { class: 'unexpected', ...none };
}

function apiErrorsOf(err: unknown): ClarusApiErrorItem[] {
  if (
    err instanceof ClarusValidationError ||
    err instanceof ClarusRequestError ||
    err instanceof ClarusNotFoundError
  )
    return err.errors;
  return [];
}

/** The attribute an error item names: `source` (JSON pointer or name) or `context.attribute`. */
function fieldOf(item: ClarusApiErrorItem): string | undefined {
  const attribute = item.context?.attribute;
  if (typeof attribute === 'string') return attribute;
  if (typeof item.source === 'string' && item.source) return item.source.replace(/^\/data\/attributes\//, '');
  return undefined;
}

/** "invalid_email (email_address), …" for an exception message. */
export function describeRejection(failure: ClassifiedFailure): string {
  if (failure.symbols.length === 0) return failure.reason;
  const fields = failure.fields.length ? ` (${failure.fields.join(', ')})` : '';
  return `${failure.symbols.join(', ')}${fields}`;
}

/** A transient or ambiguous failure as the `retry_later` outcome both use cases answer with. */
export function retryLater(
  orderId: string,
  failure: ClassifiedFailure,
): { kind: 'retry_later'; orderId: string; reason: string; retryAfterMs?: number } {
  return {
    kind: 'retry_later',
    orderId,
    reason: failure.reason,
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
  };
}
