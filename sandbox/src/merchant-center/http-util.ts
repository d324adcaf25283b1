import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Listens on a free loopback port; resolves with `http://127.0.0.1:<port>`. */
export function listenLoopback(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Request headers worth passing on to an upstream (hop-by-hop ones and the host dropped). */
export function forwardableHeaders(req: IncomingMessage, drop: string[] = []): Record<string, string> {
  const skip = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', ...drop]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!skip.has(name) && typeof value === 'string') out[name] = value;
  }
  return out;
}
