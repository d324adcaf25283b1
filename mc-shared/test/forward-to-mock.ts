/**
 * Mocked Merchant Center forward-to: `fetch` to `<mcApiUrl>/proxy/forward-to` answers from `answer`, given the
 * forwarded URL (the `X-Forward-To` header). Every call is recorded with its headers.
 */
export interface ForwardedCall {
  method: string;
  url: string;
  /** Path and query of the forwarded URL, e.g. `/ops/orders/o-1`. */
  path: string;
  headers: Record<string, string>;
}

export type Answer = { status: number; body: unknown } | { status: number; text: string };

export function mockForwardTo(answer: (call: ForwardedCall) => Answer | undefined): ForwardedCall[] {
  const calls: ForwardedCall[] = [];
  const fetchMock = jest.fn(
    async (url: string, init: { method?: string; headers?: Record<string, string> } = {}) => {
      if (!String(url).endsWith('/proxy/forward-to')) throw new Error(`unexpected fetch ${url}`);
      const headers = Object.fromEntries(
        Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const target = new URL(headers['x-forward-to'] ?? 'http://missing');
      const call = {
        method: init.method ?? 'GET',
        url: target.href,
        path: `${target.pathname}${target.search}`,
        headers,
      };
      calls.push(call);
      const found = answer(call) ?? {
        status: 404,
        body: { message: `no mock for ${call.method} ${call.path}` },
      };
      const text = 'text' in found ? found.text : JSON.stringify(found.body);
      return { status: found.status, headers: { get: () => null }, text: async () => text };
    },
  );
  (globalThis as { fetch: unknown }).fetch = fetchMock;
  return calls;
}
