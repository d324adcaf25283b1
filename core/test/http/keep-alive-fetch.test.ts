import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startClarusSimulator } from '@clarus-connector/sandbox';
import { createKeepAliveFetch, splitUrl } from '../../src/http/keep-alive-fetch';
import { clientFor } from '../clarus/harness';

/** A local server whose answer per path the test decides; counts the TCP connections it accepted. */
async function startServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('createKeepAliveFetch (fetch-shaped client on undici request)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = await startServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/hang') return; // never answers
        if (req.url === '/reset') return req.socket.destroy();
        if (req.url === '/missing') {
          res.writeHead(404, { 'content-type': 'application/json', 'Retry-After': '7' });
          return res.end(JSON.stringify({ message: 'not here' }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, echo: body }));
      });
    });
  });
  afterAll(() => server.close());
  beforeEach(() => (seen.length = 0));

  it('sends method, headers and body, and resolves every status with its body and headers', async () => {
    const fetchLike = createKeepAliveFetch();
    const ok = await fetchLike(`${server.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'c-1' },
      body: '{"a":1}',
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(await ok.text())).toEqual({ ok: true, echo: '{"a":1}' });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { 'x-correlation-id': 'c-1' },
    });

    const missing = await fetchLike(`${server.url}/missing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Retry-After')).toBe('7');
    expect(missing.headers.get('x-absent')).toBeNull();
    expect(JSON.parse(await missing.text())).toEqual({ message: 'not here' });
  });

  it('drops header values the SDK leaves undefined (fetch drops them too)', async () => {
    const fetchLike = createKeepAliveFetch();
    const headers = { accept: 'application/json', 'x-empty': undefined } as unknown as Record<string, string>;
    await expect(fetchLike(`${server.url}/things`, { headers })).resolves.toMatchObject({ status: 200 });
    expect(seen[0]?.headers).not.toHaveProperty('x-empty');
  });

  it('keeps connections alive: ten sequential requests open at most two sockets, not ten', async () => {
    const fetchLike = createKeepAliveFetch();
    const before = server.connections();
    for (let i = 0; i < 10; i++) await (await fetchLike(`${server.url}/things`)).text();
    // The pool may open a second socket when a request follows in the very tick the first one finishes.
    expect(server.connections() - before).toBeLessThanOrEqual(2);
  });

  it('rejects with the signal reason on a timeout, as fetch does (TimeoutError)', async () => {
    const fetchLike = createKeepAliveFetch();
    await expect(fetchLike(`${server.url}/hang`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const controller = new AbortController();
    const pending = fetchLike(`${server.url}/hang`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a dropped connection as TypeError "fetch failed" with the network error as its cause', async () => {
    const fetchLike = createKeepAliveFetch();
    const error = await fetchLike(`${server.url}/reset`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: expect.any(String) } });
    const refused = await fetchLike('http://127.0.0.1:1/x').catch((e: unknown) => e);
    expect(refused).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });
});

describe('splitUrl', () => {
  it('splits origin from path, keeping a path prefix and the query', () => {
    expect(splitUrl('https://api.clarus.example/v1/api/goods_outs?x=1&y=%22a%22')).toEqual({
      origin: 'https://api.clarus.example',
      path: '/v1/api/goods_outs?x=1&y=%22a%22',
    });
    expect(splitUrl('http://127.0.0.1:8080')).toEqual({ origin: 'http://127.0.0.1:8080', path: '/' });
  });
});

describe('the API clients use it by default, not the global fetch', () => {
  it('Clarus: a call goes out without touching globalThis.fetch', async () => {
    const sim = await startClarusSimulator();
    const spy = jest.spyOn(globalThis, 'fetch');
    try {
      sim.seedProducts([{ code: 'KA-1' }]);
      const { client } = clientFor(sim);
      const found = await client.findProductsByCodes(['KA-1']);
      expect(found.map((p) => p.code)).toEqual(['KA-1']);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      await sim.close();
    }
  });
});
