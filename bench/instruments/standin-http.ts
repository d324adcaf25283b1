/*
 * BENCHMARK INSTRUMENT helpers shared by the commercetools stand-ins (`commercetools-standin.ts`,
 * `orders-standin.ts`): JSON answers, commercetools-shaped errors, string literals of a `where` predicate.
 */
import type http from 'node:http';

/** Answers `payload` as JSON with its length. */
export function send(res: http.ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A commercetools error body: `{statusCode, message, errors: [{code, message, …extra}]}`. */
export function sendError(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  send(res, status, { statusCode: status, message, errors: [{ code, message, ...extra }] });
}

/** Every double-quoted string literal in a predicate fragment, unescaped (`"a", "b\"c"` → `a`, `b"c`). */
export function quotedStrings(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}
