/*
 * Benchmark instrument: an HTTP proxy that gives every call a latency (the "20 ms per API call" of the
 * benchmarks), and counts what passes, by method and folded path.
 *
 * Two models of "20 ms per API call" (`LatencyModel`):
 * - `added` (default): wait the latency, then forward; the call takes latency + the upstream's own time.
 * - `response-time`: forward at once and answer no earlier than latency after the request arrived; the call
 *   takes max(latency, the upstream's own time). This is what a remote API with a 20 ms response time looks
 *   like, and it keeps a stand-in's own CPU (e.g. the Clarus simulator executing GraphQL for a page, on the
 *   benchmark's cores) out of the connector's wall time unless the stand-in is slower than the API it models.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  url: string;
  /** Requests since the last reset, as `METHOD /folded/path`. */
  counts(): Map<string, number>;
  total(filter?: (key: string) => boolean): number;
  reset(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
export const foldPath = (url: string) =>
  url
    .split('?')[0]!
    .replace(UUID, ':id')
    .replace(/\/custom-objects\/[^/]+\/[^/]+/, '/custom-objects/:c/:k');

/** How a latency is applied to a call; see the file comment. */
export type LatencyModel = 'added' | 'response-time';

export async function startLatencyProxy(
  target: string,
  latencyMs: number,
  model: LatencyModel = 'added',
): Promise<LatencyProxy> {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const counts = new Map<string, number>();
  let latency = latencyMs;
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${foldPath(req.url ?? '/')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (model === 'added') {
        setTimeout(() => forwardRequest(to, agent, req, Buffer.concat(chunks), res), latency);
        return;
      }
      const answerAt = performance.now() + latency;
      forwardRequest(to, agent, req, Buffer.concat(chunks), res, (send) =>
        setTimeout(send, Math.max(0, answerAt - performance.now())),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => new Map(counts),
    total: (filter) => [...counts].filter(([k]) => !filter || filter(k)).reduce((n, [, v]) => n + v, 0),
    reset: () => counts.clear(),
    setLatency: (ms) => {
      latency = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/**
 * Sends one buffered request on to `to` (same method, path and headers, Host rewritten) and pipes the answer
 * back; a failed upstream answers 502. With `hold`, the answer is buffered whole and `hold` decides when it
 * is sent (it calls `send` then). Shared by the latency proxy and the commercetools stand-in.
 */
export function forwardRequest(
  to: URL,
  agent: http.Agent,
  req: http.IncomingMessage,
  body: Buffer,
  res: http.ServerResponse,
  hold?: (send: () => void) => void,
): void {
  const upstream = http.request(
    {
      host: to.hostname,
      port: to.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: to.host },
      agent,
    },
    (answer) => {
      if (!hold) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const parts: Buffer[] = [];
      answer.on('data', (c: Buffer) => parts.push(c));
      answer.on('end', () =>
        hold(() => {
          // The body is whole now: send it with its length rather than the upstream's chunked framing.
          const { 'transfer-encoding': _chunked, ...headers } = answer.headers;
          const payload = Buffer.concat(parts);
          res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': payload.length });
          res.end(payload);
        }),
      );
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  upstream.end(body);
}
