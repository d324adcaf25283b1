/**
 * A test instrument, not product code: an HTTP proxy the soak puts in front of the commercetools emulator (one
 * per app instance, so a fault can aim at one app) and in front of the fulfilment-service's webhooks (to see
 * what Clarus's automation calls were answered). It forwards every request unchanged and can, on demand:
 * - answer a status without forwarding (`status`: 409 ConcurrentModification, 503, …);
 * - forward, then answer a status instead of the real answer (`status_after`: the write landed, the answer
 *   did not), or drop the connection (`drop_after`);
 * - drop the connection without forwarding (`drop`: a status-less network failure);
 * - never answer until the client gives up (`timeout`);
 * - hold matching requests until the soak releases them (`gate`), to order a race deterministically.
 * It records every exchange it completed (method, path, JSON bodies, status) for the soak's observers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyFaultKind = 'status' | 'status_after' | 'drop' | 'drop_after' | 'timeout';

export interface ProxyFault {
  kind: ProxyFaultKind;
  /** For `status` / `status_after`. */
  status?: number;
  method?: string;
  /** Matched against the path without the query string. */
  path: RegExp;
  /** Firings (default 1). */
  count?: number;
  /** Counted under this class in the summary (default: the kind and status). */
  label?: string;
}

export interface Exchange {
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

interface ActiveFault extends ProxyFault {
  remaining: number;
}

interface Gate {
  method?: string;
  path: RegExp;
  held: (() => void)[];
  released: boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'host',
  'upgrade',
]);

/** Longest a `timeout` fault holds a request before dropping it (clients time out well before). */
const TIMEOUT_HOLD_MS = 30_000;

export class FaultProxy {
  url = '';
  private server: Server | undefined;
  private faults: ActiveFault[] = [];
  private gates: Gate[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners: ((e: Exchange) => void)[] = [];
  /** Faults that fired, by label. */
  readonly fired = new Map<string, number>();
  /** Bearer tokens seen (the log check looks for them). */
  readonly tokens = new Set<string>();
  requests = 0;

  constructor(
    readonly name: string,
    private readonly target: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  inject(fault: ProxyFault): void {
    this.faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Calls `listener` with every completed exchange; returns the unsubscribe function. */
  onExchange(listener: (e: Exchange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Holds every matching request from now on until `release()`. `held()` says how many wait. */
  gate(match: { method?: string; path: RegExp }): { held: () => number; release: () => void } {
    const gate: Gate = { ...match, held: [], released: false };
    this.gates.push(gate);
    return {
      held: () => gate.held.length,
      release: () => {
        gate.released = true;
        this.gates = this.gates.filter((g) => g !== gate);
        for (const go of gate.held.splice(0)) go();
      },
    };
  }

  /** Like a process dying: every open connection is cut and nothing is accepted any more. */
  async close(): Promise<void> {
    for (const gate of this.gates) gate.released = true;
    this.gates = [];
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private take(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) => (!f.method || f.method === method) && f.path.test(path) && f.remaining > 0,
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const label = fault.label ?? `${fault.kind}${fault.status ? ` ${fault.status}` : ''}`;
    this.fired.set(label, (this.fired.get(label) ?? 0) + 1);
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) this.tokens.add(auth.slice(7));

    const gate = this.gates.find((g) => (!g.method || g.method === method) && g.path.test(path));
    if (gate) await new Promise<void>((resolve) => gate.held.push(resolve));
    if (res.destroyed) return;

    const fault = this.take(method, path);
    if (fault?.kind === 'drop') return void req.socket.destroy();
    if (fault?.kind === 'timeout') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        req.socket.destroy();
      }, TIMEOUT_HOLD_MS);
      this.timers.add(timer);
      return;
    }
    if (fault?.kind === 'status') return this.answerFault(res, fault.status ?? 503);

    let status: number;
    let headers: [string, string][];
    let payload: Buffer;
    try {
      const upstream = await fetch(`${this.target}${req.url ?? '/'}`, {
        method,
        headers: Object.entries(req.headers).flatMap(([k, v]) =>
          HOP_BY_HOP.has(k) || v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]],
        ) as [string, string][],
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      });
      status = upstream.status;
      headers = [...upstream.headers.entries()].filter(([k]) => !HOP_BY_HOP.has(k));
      payload = Buffer.from(await upstream.arrayBuffer());
    } catch {
      return void req.socket.destroy();
    }
    this.record(method, path, body, status, payload);
    if (fault?.kind === 'drop_after') return void req.socket.destroy();
    if (fault?.kind === 'status_after') return this.answerFault(res, fault.status ?? 503);
    res.writeHead(status, Object.fromEntries(headers));
    res.end(payload);
  }

  private record(method: string, path: string, body: Buffer, status: number, payload: Buffer): void {
    if (!this.listeners.length) return;
    const exchange: Exchange = {
      method,
      path,
      requestBody: parseJson(body),
      status,
      responseBody: parseJson(payload),
    };
    for (const listener of this.listeners) listener(exchange);
  }

  private answerFault(res: ServerResponse, status: number): void {
    const message =
      status === 409
        ? 'Object has a different version than expected (injected by the soak fault proxy).'
        : `HTTP ${status} (injected by the soak fault proxy)`;
    const code = status === 409 ? 'ConcurrentModification' : status >= 500 ? 'General' : 'InvalidOperation';
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: status, message, errors: [{ code, message }] }));
  }
}

function parseJson(buffer: Buffer): unknown {
  if (!buffer.length) return undefined;
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}
