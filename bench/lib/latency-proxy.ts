/*
 * Benchmark instrument: an HTTP proxy that adds a fixed latency to every request before forwarding it (the
 * "20 ms per API call" of the benchmarks), and counts what passes, by method and folded path.
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

export async function startLatencyProxy(target: string, latencyMs: number): Promise<LatencyProxy> {
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
      setTimeout(() => {
        forwardRequest(to, agent, req, Buffer.concat(chunks), res);
      }, latency);
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
 * back; a failed upstream answers 502. Shared by the latency proxy and the commercetools stand-in.
 */
export function forwardRequest(
  to: URL,
  agent: http.Agent,
  req: http.IncomingMessage,
  body: Buffer,
  res: http.ServerResponse,
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
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  upstream.end(body);
}
