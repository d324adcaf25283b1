import type { Request, RequestHandler, Response } from 'express';
import { clarusError, sendErrors } from './errors';
import { RequestLog } from './request-log';
import type { Fault } from './types';

interface ActiveFault {
  fault: Fault;
  /** Firings left; undefined = until cleared. */
  remaining: number | undefined;
  /** Matching requests seen, for `every`. */
  seen: number;
}

const TOKEN_PATH = '/oauth';

/**
 * Deterministic failures on demand. Faults are checked in the order injected: latency delays and lets
 * the next fault (or the route) act; the others answer (or swallow) the request.
 */
export class FaultInjector {
  private active: ActiveFault[] = [];
  private readonly hung = new Set<Response>();
  private readonly timers = new Set<NodeJS.Timeout>();

  inject(fault: Fault): void {
    if (!['rate_limit', 'server_error', 'latency', 'hang', 'drop'].includes(fault?.kind)) {
      throw new Error(`Clarus simulator: unknown fault kind ${String(fault?.kind)}`);
    }
    if (fault.kind === 'latency' && !(typeof fault.ms === 'number' && fault.ms >= 0)) {
      throw new Error('Clarus simulator: latency fault needs ms >= 0');
    }
    if (fault.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 1)) {
      throw new Error('Clarus simulator: fault count must be a positive integer');
    }
    if (
      fault.kind === 'server_error' &&
      fault.every !== undefined &&
      (!Number.isInteger(fault.every) || fault.every < 1)
    ) {
      throw new Error('Clarus simulator: fault every must be a positive integer');
    }
    this.active.push({ fault, remaining: fault.count, seen: 0 });
  }

  /** Removes every fault and lets go of hung requests (their sockets are closed, still unanswered). */
  clear(): void {
    this.active = [];
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
  }

  close(): void {
    this.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  readonly middleware: RequestHandler = async (req, res, next) => {
    for (const active of [...this.active]) {
      if (!this.matches(active.fault, req)) continue;
      const { fault } = active;
      if (fault.kind === 'server_error') {
        active.seen += 1;
        if (active.seen % (fault.every ?? 1) !== 0) continue;
      }
      this.consume(active);
      const entry = RequestLog.entryOf(res);
      if (entry) entry.fault = fault.kind;
      switch (fault.kind) {
        case 'latency':
          await this.delay(fault.ms);
          continue;
        case 'rate_limit': {
          const retryAfter = fault.retryAfterSeconds ?? 1;
          res.setHeader('Retry-After', String(retryAfter));
          sendErrors(res, 429, [
            clarusError(429, 'rate_limit_exceeded', 'Too many requests, retry later', {
              retry_after_seconds: retryAfter,
            }),
          ]);
          return;
        }
        case 'server_error': {
          const status = fault.status ?? 500;
          sendErrors(res, status, [clarusError(status, 'internal_server_error', 'Internal server error')]);
          return;
        }
        case 'hang':
          this.hung.add(res);
          res.on('close', () => this.hung.delete(res));
          return;
        case 'drop':
          req.socket.destroy();
          return;
      }
    }
    next();
  };

  private matches(fault: Fault, req: Request): boolean {
    const { method, path } = fault.match ?? {};
    if (method && method.toUpperCase() !== req.method) return false;
    if (path && !req.path.startsWith(path)) return false;
    // The token endpoint is only disturbed by a fault aimed at it.
    if (req.path.startsWith(TOKEN_PATH) && !path?.startsWith(TOKEN_PATH)) return false;
    return true;
  }

  private consume(active: ActiveFault): void {
    if (active.remaining === undefined) return;
    active.remaining -= 1;
    if (active.remaining <= 0) this.active = this.active.filter((a) => a !== active);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
