import {
  ClarusBudgetExceededError,
  ClarusGraphQLError,
  ClarusNotFoundError,
  ClarusRateLimitedError,
  ClarusRequestError,
  ClarusTimeoutError,
  ClarusUnauthorisedError,
  ClarusUnavailableError,
  ClarusValidationError,
} from '@clarus-connector/core';
import { errorFromResponse, parseRetryAfter, type HttpRequest } from '../../src/clarus/transport';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const now = () => NOW;
const read: HttpRequest = {
  method: 'POST',
  path: '/graphql',
  kind: 'read',
  operation: 'POST /graphql products',
};
const write: HttpRequest = {
  method: 'POST',
  path: '/api/goods_outs',
  kind: 'write',
  operation: 'POST /api/goods_outs',
};
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}) => ({
  status,
  json,
  headers: new Headers(headers),
});

describe('Clarus error translation', () => {
  it('reads Retry-After as seconds or as an HTTP-date', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter(new Date(NOW + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfter(new Date(NOW - 3000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('maps statuses onto the typed hierarchy with the right retryable flag', () => {
    const errors = {
      errors: [{ code: 422, symbol: 'blank', details: 'reference is blank', source: null, context: null }],
    };
    const cases = [
      [answer(422, errors), ClarusValidationError, false],
      [answer(401, { error: 'invalid_token' }), ClarusUnauthorisedError, false],
      [answer(403, errors), ClarusUnauthorisedError, false],
      [answer(404, errors), ClarusNotFoundError, false],
      [answer(400, errors), ClarusRequestError, false],
      [answer(429, errors, { 'retry-after': '1' }), ClarusRateLimitedError, true],
      [answer(500), ClarusUnavailableError, true],
      [answer(503, 'not json'), ClarusUnavailableError, true],
      [answer(400, { errors: [{ message: 'Cannot query field "x"' }] }), ClarusGraphQLError, false],
    ] as const;
    for (const [response, type, retryable] of cases) {
      const error = errorFromResponse(read, response, now);
      expect(error).toBeInstanceOf(type);
      expect(error.retryable).toBe(retryable);
      expect(error.status).toBe(response.status);
    }
    expect(new ClarusTimeoutError({ operation: 'x' }, 10).retryable).toBe(true);
    expect(new ClarusBudgetExceededError({ operation: 'x' }, 'late').retryable).toBe(true);
  });

  it('keeps the documented error entries and marks 5xx on writes as possibly done', () => {
    const validation = errorFromResponse(
      write,
      answer(422, {
        errors: [
          {
            code: 1001,
            symbol: 'product_not_found',
            details: 'Product 9 does not exist',
            context: { id: 9 },
          },
        ],
      }),
      now,
    ) as ClarusValidationError;
    expect(validation.symbols).toEqual(['product_not_found']);
    expect(validation.errors[0]).toEqual({
      code: 1001,
      symbol: 'product_not_found',
      details: 'Product 9 does not exist',
      source: null,
      context: { id: 9 },
    });
    expect(validation.message).toBe('Clarus rejected POST /api/goods_outs (422): product_not_found');
    expect(validation.mayHaveSucceeded).toBe(false);
    expect(errorFromResponse(write, answer(502), now).mayHaveSucceeded).toBe(true);
    expect(errorFromResponse(read, answer(502), now).mayHaveSucceeded).toBe(false);
    expect(errorFromResponse(write, answer(429), now).mayHaveSucceeded).toBe(false);
  });
});
