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
  /** `tenant_rate`: tokens left and when they were counted (epoch ms). */
  bucket?: { tokens: number; at: number };
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
    if (
      ![
        'rate_limit',
        'server_error',
        'latency',
        'hang',
        'drop',
        'drop_after_commit',
        'cursor_stall',
        'tenant_rate',
        'rejection',
      ].includes(fault?.kind)
    ) {
      throw new Error(`Clarus simulator: unknown fault kind ${String(fault?.kind)}`);
    }
    if (fault.kind === 'latency' && !(typeof fault.ms === 'number' && fault.ms >= 0)) {
      throw new Error('Clarus simulator: latency fault needs ms >= 0');
    }
    if (fault.kind === 'tenant_rate' && !(typeof fault.perSecond === 'number' && fault.perSecond > 0)) {
      throw new Error('Clarus simulator: tenant_rate fault needs perSecond > 0');
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
      if (fault.kind === 'tenant_rate' && this.takeTenantToken(active)) continue;
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
        case 'tenant_rate':
        case 'rate_limit': {
          const retryAfter =
            fault.kind === 'tenant_rate' ? this.tenantRetryAfter(active) : (fault.retryAfterSeconds ?? 1);
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
        case 'rejection': {
          // A validation refusal the client could not foresee (Clarus-side master data): 422 in the documented shape.
          const attribute = fault.attribute ?? 'base';
          sendErrors(res, 422, [
            clarusError(422, fault.symbol ?? 'invalid', `${attribute} is invalid`, { attribute }),
          ]);
          return;
        }
        case 'hang':
          this.hung.add(res);
          res.on('close', () => this.hung.delete(res));
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'drop_after_commit':
          // Let the route do its work (the write commits), then lose the answer instead of sending it.
          res.end = (() => {
            req.socket.destroy();
            return res;
          }) as typeof res.end;
          next();
          return;
        case 'cursor_stall': {
          // Let the list be read as usual, then answer with the cursor the page was asked for.
          const after = afterCursorOf(req) as string;
          const json = res.json.bind(res);
          res.json = ((body: unknown) => json(stallCursor(body, after))) as typeof res.json;
          next();
          return;
        }
      }
    }
    next();
  };

  private matches(fault: Fault, req: Request): boolean {
    if (fault.kind === 'cursor_stall') {
      // Only pages asked for after a cursor, of the named list when one is named.
      if (req.method !== 'POST' || req.path !== '/graphql' || afterCursorOf(req) === undefined) return false;
      if (fault.list !== undefined && listOf(req) !== fault.list) return false;
    }
    const { method, path } = fault.match ?? {};
    if (method && method.toUpperCase() !== req.method) return false;
    if (path && !req.path.startsWith(path)) return false;
    // The token endpoint is only disturbed by a fault aimed at it.
    if (req.path.startsWith(TOKEN_PATH) && !path?.startsWith(TOKEN_PATH)) return false;
    return true;
  }

  /** Token bucket of a `tenant_rate` fault: true (and one token used) when the request is within the limit. */
  private takeTenantToken(active: ActiveFault): boolean {
    const perSecond = (active.fault as { perSecond: number }).perSecond;
    const now = Date.now();
    const bucket = (active.bucket ??= { tokens: perSecond, at: now });
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private tenantRetryAfter(active: ActiveFault): number {
    const perSecond = (active.fault as { perSecond: number }).perSecond;
    const missing = 1 - (active.bucket?.tokens ?? 0);
    return Math.max(1, Math.ceil(missing / perSecond));
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

const bodyOf = (req: Request): Record<string, unknown> =>
  typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};

/** The `after` variable of a GraphQL request, when it is a non-empty string. */
function afterCursorOf(req: Request): string | undefined {
  const variables = bodyOf(req).variables;
  const after =
    typeof variables === 'object' && variables !== null
      ? (variables as Record<string, unknown>).after
      : undefined;
  return typeof after === 'string' && after !== '' ? after : undefined;
}

/** The root field of a list query (`… { stock_balances { all(…`). */
function listOf(req: Request): string | undefined {
  const query = bodyOf(req).query;
  return typeof query === 'string' ? /\{\s*(\w+)\s*\{\s*all\b/.exec(query)?.[1] : undefined;
}

/** Every connection in the answer claims more pages and ends on `after`: the cursor does not advance. */
function stallCursor(body: unknown, after: string): unknown {
  const data = (body as { data?: Record<string, { all?: { pageInfo?: unknown } }> } | null)?.data;
  for (const list of Object.values(data ?? {})) {
    if (list?.all?.pageInfo) list.all.pageInfo = { hasNextPage: true, endCursor: after };
  }
  return body;
}
