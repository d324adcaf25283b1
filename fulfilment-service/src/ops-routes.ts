import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CUSTOM_OBJECT_KEY_MAX_LENGTH,
  CUSTOM_OBJECT_KEY_PATTERN,
  EXCEPTION_KIND_NAMES,
  TEAMS,
  exceptionsToCsv,
  isNotFound,
  type ExceptionFilter,
  type ExceptionRecord,
  type ExceptionStatus,
  type ExportOutcome,
  type Integration,
  type Team,
} from '@clarus-connector/core';
import { Router, type Request, type RequestHandler, type Response } from 'express';

export const OPS_PREFIX = '/ops';

/** What the operations API needs from the integration. */
export type OpsIntegration = Pick<
  Integration,
  'config' | 'logger' | 'now' | 'api' | 'exceptions' | 'orderExport' | 'health'
>;

export interface OpsRoutesOptions {
  /** Time a resend may take (default 15 s; a person is waiting). */
  resendBudgetMs?: number;
}

const STATUSES: readonly ExceptionStatus[] = ['open', 'resolved'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Order numbers are the merchant's: anything printable, within reason. */
const isOrderIdOrNumber = (value: string) =>
  value.length >= 1 && value.length <= 100 && !/\p{Cc}/u.test(value);

/**
 * The operations API (DESIGN "Operations"): health, exceptions as JSON and CSV, resend an order, resolve
 * an exception. Every route needs `Authorization: Bearer <OPS_API_TOKEN>` (compared in constant time).
 * Routes validate their input and call one use case each.
 */
export function opsRoutes(integration: OpsIntegration, options: OpsRoutesOptions = {}): Router {
  const token = integration.config.operations.opsApiToken;
  if (!token) throw new Error('OPS_API_TOKEN is required by the fulfilment-service');
  const { logger } = integration;
  const router = Router();
  router.use(OPS_PREFIX, authenticate(token, integration.logger));

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
      // JSON unless the client prefers CSV (a spreadsheet import, `Accept: text/csv`).
      if (req.accepts(['application/json', 'text/csv']) === 'text/csv') sendCsv(res, records);
      else res.status(200).json({ count: records.length, exceptions: records });
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
      if (!isOrderIdOrNumber(given)) {
        res.status(404).json({ error: 'order_not_found', message: 'the order id or number is not valid' });
        return;
      }
      const orderId = UUID.test(given) ? given : await orderIdByNumber(given);
      if (!orderId) {
        res.status(404).json({
          error: 'order_not_found',
          message: `no order with id or order number "${given}" in commercetools`,
        });
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

  async function listed(filter: ExceptionFilter): Promise<ExceptionRecord[]> {
    const records = await integration.exceptions.list(filter);
    // Most recent first, then by key: the JSON and the CSV list the same rows in the same order.
    return records.sort((a, b) =>
      a.lastSeenAt !== b.lastSeenAt ? (a.lastSeenAt < b.lastSeenAt ? 1 : -1) : a.key < b.key ? -1 : 1,
    );
  }

  async function orderIdByNumber(orderNumber: string): Promise<string | undefined> {
    try {
      return (await integration.api.orders().withOrderNumber({ orderNumber }).get().execute()).body.id;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

// ---- validation -----------------------------------------------------------------------------------

/** `?team=&kind=&status=`, each optional; an unknown value is a 400 naming the parameter. */
function parseFilter(req: Request, res: Response): ExceptionFilter | undefined {
  const filter: ExceptionFilter = {};
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
  }
}

// ---- guards ---------------------------------------------------------------------------------------

function authenticate(token: string, logger: OpsIntegration['logger']): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
    // Equal-length digests: the comparison takes the same time whatever the caller sent.
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      logger.warn('operations API refused: missing or wrong bearer token', { path: req.path });
      res
        .status(401)
        .setHeader('WWW-Authenticate', 'Bearer realm="clarus-ops"')
        .json({ error: 'unauthorized', message: 'send Authorization: Bearer <OPS_API_TOKEN>' });
      return;
    }
    next();
  };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

const wrap =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };
