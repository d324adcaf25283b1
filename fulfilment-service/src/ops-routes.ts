import {
  CUSTOM_OBJECT_KEY_MAX_LENGTH,
  CUSTOM_OBJECT_KEY_PATTERN,
  EXCEPTION_KIND_NAMES,
  TEAMS,
  byMostRecent,
  exceptionsToCsv,
  opsAuthenticatorFromConfig,
  pageOf,
  searchExceptions,
  type ExceptionFilter,
  type ExceptionRecord,
  type ExceptionStatus,
  type ExportOutcome,
  type Integration,
  type Team,
} from '@clarus-connector/core';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { opsGuard } from './ops-guard';
import { opsViewRoutes } from './ops-views';
import { orderNotFound, resolveOrderId } from './order-ref';

export const OPS_PREFIX = '/ops';

/** What the operations API needs from the integration. */
export type OpsIntegration = Pick<
  Integration,
  'config' | 'logger' | 'now' | 'api' | 'exceptions' | 'orderExport' | 'health' | 'jobState' | 'orderView'
>;

export interface OpsRoutesOptions {
  /** Time a resend may take (default 15 s; a person is waiting). */
  resendBudgetMs?: number;
}

const STATUSES: readonly ExceptionStatus[] = ['open', 'resolved'];
/** Page size of GET /ops/exceptions when `limit` is not given, and the largest allowed. */
export const EXCEPTIONS_PAGE_DEFAULT = 100;
export const EXCEPTIONS_PAGE_MAX = 500;

/**
 * The operations API (DESIGN "Operations"): health, exceptions as JSON (paged) and CSV, resend an order,
 * resolve an exception, and the read-only views of the Merchant Center UIs (ops-views.ts). Every route
 * needs one of: `Authorization: Bearer <OPS_API_TOKEN>` (constant time), a Merchant Center forward-to JWT
 * (view permission to read, manage to resend/resolve), or a commercetools API client token with
 * OPS_API_CLIENT_SCOPE (ADR 0013). Routes validate their input and call one use case each.
 */
export function opsRoutes(integration: OpsIntegration, options: OpsRoutesOptions = {}): Router {
  const token = integration.config.operations.opsApiToken;
  if (!token) throw new Error('OPS_API_TOKEN is required by the fulfilment-service');
  const { logger } = integration;
  const router = Router();
  router.use(OPS_PREFIX, opsGuard(opsAuthenticatorFromConfig(integration.config, logger)));
  router.use(opsViewRoutes(integration, OPS_PREFIX));

  router.get(
    `${OPS_PREFIX}/health`,
    wrap(async (_req, res) => {
      res.status(200).json(await integration.health.report());
    }),
  );

  router.get(
    `${OPS_PREFIX}/exceptions.csv`,
    wrap(async (req, res) => {
      const filter = parseFilter(req, res);
      if (filter) sendCsv(res, await listed(filter));
    }),
  );

  router.get(
    `${OPS_PREFIX}/exceptions`,
    wrap(async (req, res) => {
      const filter = parseFilter(req, res);
      if (!filter) return;
      const records = await listed(filter);
      // JSON unless the client prefers CSV (a spreadsheet import, `Accept: text/csv`): every row, unpaged.
      if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
        sendCsv(res, records);
        return;
      }
      const paging = parsePaging(req, res);
      if (!paging) return;
      const page = pageOf(records, paging.offset, paging.limit);
      res.status(200).json({
        count: page.items.length,
        total: page.total,
        offset: page.offset,
        limit: page.limit,
        exceptions: page.items,
      });
    }),
  );

  router.get(
    `${OPS_PREFIX}/exceptions/:key`,
    wrap(async (req, res) => {
      const key = exceptionKeyParam(req, res);
      if (!key) return;
      const record = await integration.exceptions.get(key);
      if (!record) {
        notFoundException(res, key);
        return;
      }
      res.status(200).json(record);
    }),
  );

  router.post(
    `${OPS_PREFIX}/exceptions/:key/resolve`,
    wrap(async (req, res) => {
      const key = exceptionKeyParam(req, res);
      if (!key) return;
      if (!(await integration.exceptions.get(key))) {
        notFoundException(res, key);
        return;
      }
      const resolved = await integration.exceptions.resolveByKey(key);
      const record = await integration.exceptions.get(key);
      logger.info('exception resolved through the operations API', { key, changed: resolved });
      res.status(200).json({ resolved, exception: record });
    }),
  );

  router.post(
    `${OPS_PREFIX}/orders/:orderId/resend`,
    wrap(async (req, res) => {
      const given = String(req.params.orderId ?? '');
      const orderId = await resolveOrderId(integration.api, given);
      if (!orderId) {
        res.status(404).json(orderNotFound(given));
        return;
      }
      const outcome = await integration.orderExport.exportOrder({
        orderId,
        resend: true,
        deadline: integration.now() + (options.resendBudgetMs ?? 15_000),
      });
      logger.info('order resend requested', { orderId, outcome: outcome.kind });
      sendExportOutcome(res, outcome);
    }),
  );

  // Anything else under /ops (after authentication): a JSON 404 rather than express' HTML page.
  router.use(OPS_PREFIX, (req, res) => {
    res.status(404).json({
      error: 'not_found',
      message: `no operations route ${req.method} ${req.originalUrl.split('?')[0]}`,
    });
  });
  return router;

  /** The filtered exceptions, narrowed by `?q=` (order number, order id or SKU), most recent first. */
  async function listed(filter: ExceptionFilter & { search?: string }): Promise<ExceptionRecord[]> {
    const records = await integration.exceptions.list(filter);
    return searchExceptions(records, filter.search).sort(byMostRecent);
  }
}

// ---- validation -----------------------------------------------------------------------------------

/** `?team=&kind=&status=&q=`, each optional; an unknown value is a 400 naming the parameter. */
function parseFilter(req: Request, res: Response): (ExceptionFilter & { search?: string }) | undefined {
  const q = req.query.q;
  if (q !== undefined && (typeof q !== 'string' || q.length > 100)) {
    res.status(400).json({
      error: 'invalid_query',
      parameter: 'q',
      message: 'q must be one text of at most 100 characters',
    });
    return undefined;
  }
  const filter: ExceptionFilter & { search?: string } = q ? { search: q } : {};
  const checks = [
    ['team', TEAMS],
    ['kind', EXCEPTION_KIND_NAMES],
    ['status', STATUSES],
  ] as const;
  for (const [name, allowed] of checks) {
    const raw = req.query[name];
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
      res.status(400).json({
        error: 'invalid_query',
        parameter: name,
        message: `${name} must be one of: ${allowed.join(', ')}`,
      });
      return undefined;
    }
    if (name === 'team') filter.team = raw as Team;
    else if (name === 'kind') filter.kind = raw as ExceptionFilter['kind'];
    else filter.status = raw as ExceptionStatus;
  }
  return filter;
}

/** `?limit=&offset=` of the JSON list: whole numbers, limit 1–500 (default 100), offset from 0. */
function parsePaging(req: Request, res: Response): { limit: number; offset: number } | undefined {
  const read = (name: 'limit' | 'offset', fallback: number, min: number, max: number) => {
    const raw = req.query[name];
    if (raw === undefined || raw === '') return fallback;
    const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (value >= min && value <= max) return value;
    res.status(400).json({
      error: 'invalid_query',
      parameter: name,
      message: `${name} must be a whole number from ${min} to ${max}`,
    });
    return undefined;
  };
  const limit = read('limit', EXCEPTIONS_PAGE_DEFAULT, 1, EXCEPTIONS_PAGE_MAX);
  if (limit === undefined) return undefined;
  const offset = read('offset', 0, 0, Number.MAX_SAFE_INTEGER);
  return offset === undefined ? undefined : { limit, offset };
}

function exceptionKeyParam(req: Request, res: Response): string | undefined {
  const key = String(req.params.key ?? '');
  if (CUSTOM_OBJECT_KEY_PATTERN.test(key) && key.length <= CUSTOM_OBJECT_KEY_MAX_LENGTH) return key;
  notFoundException(res, key);
  return undefined;
}

function notFoundException(res: Response, key: string): void {
  res.status(404).json({
    error: 'exception_not_found',
    message: `no exception with key "${key.slice(0, 300)}" (keys are listed by GET /ops/exceptions)`,
  });
}

// ---- answers --------------------------------------------------------------------------------------

function sendCsv(res: Response, records: readonly ExceptionRecord[]): void {
  res
    .status(200)
    .type('text/csv; charset=utf-8; header=present')
    .setHeader('Content-Disposition', 'attachment; filename="clarus-exceptions.csv"')
    .send(exceptionsToCsv(records));
}

/** 200 with the outcome when the export decided; 404 for an unknown order; 409 busy; 503 try again. */
function sendExportOutcome(res: Response, outcome: ExportOutcome): void {
  switch (outcome.kind) {
    case 'exported':
    case 'already_exported': {
      const { kind, ...rest } = outcome;
      res.status(200).json({ outcome: kind, ...rest });
      return;
    }
    case 'invalid':
      res.status(200).json({ outcome: outcome.kind, orderId: outcome.orderId, problems: outcome.problems });
      return;
    case 'skipped':
      if (/not found/.test(outcome.reason)) {
        res.status(404).json({ error: 'order_not_found', orderId: outcome.orderId, message: outcome.reason });
        return;
      }
      res.status(200).json({ outcome: outcome.kind, orderId: outcome.orderId, reason: outcome.reason });
      return;
    case 'in_progress':
      res.status(409).json({
        outcome: outcome.kind,
        orderId: outcome.orderId,
        message: 'another export of this order is in progress; look again in a minute',
      });
      return;
    case 'retry_later':
      if (outcome.retryAfterMs) res.setHeader('Retry-After', String(Math.ceil(outcome.retryAfterMs / 1000)));
      res.status(503).json({ outcome: outcome.kind, orderId: outcome.orderId, reason: outcome.reason });
      return;
    case 'rejected':
      // Refused for good (Clarus 4xx, unreadable answer): the exception it raised names the reason.
      res.status(200).json({
        outcome: outcome.kind,
        orderId: outcome.orderId,
        reason: outcome.reason,
        symbols: outcome.symbols,
      });
      return;
    case 'failed':
      res.status(500).json({ outcome: outcome.kind, orderId: outcome.orderId, message: 'internal error' });
      return;
  }
}

// ---- helpers --------------------------------------------------------------------------------------

const wrap =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };
