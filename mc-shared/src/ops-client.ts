import { buildApiUrl, executeHttpClientRequest } from '@commercetools-frontend/application-shell';

/*
 * How the UIs reach the operations API: always through Merchant Center's forward-to proxy
 * (`<mcApiUrl>/proxy/forward-to` with `X-Forward-To: <FULFILMENT_SERVICE_URL>/ops/...`). The proxy swaps the
 * user's session for a short-lived JWT (audience = the forwarded URL, with the user's permissions because
 * `includeUserPermissions` is set) that the fulfilment-service verifies (docs/adr/0013-merchant-center-and-ops-access.md).
 * Outside Merchant Center (the local preview, the component tests) `mcApiUrl` points at a stand-in of that proxy.
 */

/** A non-2xx answer of the operations API, with its JSON `message` when it sent one. */
export class OpsApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'OpsApiError';
  }
}

export interface OpsClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string): Promise<T>;
  /** The text of a CSV route (e.g. `/ops/exceptions.csv?team=operations`). */
  text(path: string): Promise<string>;
}

interface RawAnswer {
  status: number;
  text: string;
}

/** An ops client that forwards every call to `serviceUrl` (origin of the fulfilment-service). */
export function createForwardToOpsClient(serviceUrl: string): OpsClient {
  const base = serviceUrl.replace(/\/+$/, '');
  const send = (method: 'GET' | 'POST', path: string): Promise<RawAnswer> =>
    executeHttpClientRequest<RawAnswer>(
      async (options: { headers: Record<string, string>; credentials: 'include' }) => {
        const res = await fetch(buildApiUrl('/proxy/forward-to'), { ...options, method });
        return {
          data: { status: res.status, text: await res.text() },
          statusCode: res.status,
          getHeader: (h: string) => res.headers.get(h),
        };
      },
      { forwardToConfig: { uri: `${base}${path}`, includeUserPermissions: true } },
    );
  const json = async <T>(answer: RawAnswer): Promise<T> => {
    const body = parse(answer.text);
    if (answer.status >= 200 && answer.status < 300) return body as T;
    const message =
      typeof body === 'object' && body && 'message' in body ? String(body.message) : `HTTP ${answer.status}`;
    throw new OpsApiError(answer.status, message);
  };
  return {
    get: async (path) => json(await send('GET', path)),
    post: async (path) => json(await send('POST', path)),
    text: async (path) => {
      const answer = await send('GET', path);
      if (answer.status >= 300) throw new OpsApiError(answer.status, `HTTP ${answer.status}`);
      return answer.text;
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
