import { createHash, timingSafeEqual } from 'node:crypto';
import {
  classifyFailure,
  dispatchTriggerFrom,
  stockTriggerFrom,
  type DispatchOutcome,
  type DispatchSync,
  type InventorySync,
  type Logger,
} from '@clarus-connector/core';
import { Router, type Request, type RequestHandler, type Response } from 'express';

export const DISPATCH_WEBHOOK_PATH = '/clarus/webhooks/dispatch';
export const STOCK_WEBHOOK_PATH = '/clarus/webhooks/stock';

export interface WebhookRoutesDeps {
  dispatch: Pick<DispatchSync, 'applyDispatch'>;
  inventory: Pick<InventorySync, 'syncProductCodes'>;
  /** CLARUS_WEBHOOK_TOKEN: the secret in the automation URL's `?token=`. */
  token: string;
  /** CLARUS_SUBDOMAIN: the tenant `X-ClarusWMS-Subdomain` must name when Clarus sends it. */
  subdomain: string;
  logger: Logger;
  /** The clock the Clarus client measures deadlines with. */
  now: () => number;
  /** Time a webhook may take before it answers 503 (Clarus then calls again). */
  budgetMs: number;
}

/**
 * Clarus automation webhooks. Clarus signs nothing: a secret token in the URL (compared in constant time)
 * and the tenant header keep strangers out, and the body is only a trigger — the use cases re-read
 * everything from Clarus. 2xx: done or nothing to do; 503: a transient failure, call again; 4xx: a request
 * that will never work (with the reason).
 */
export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const router = Router();
  const guard = [authenticate(deps), requireJson];

  router.post(DISPATCH_WEBHOOK_PATH, ...guard, (req, res) => {
    dispatchHandler(deps, req, res).catch((err: unknown) => failed(deps, res, 'dispatch', err));
  });
  router.post(STOCK_WEBHOOK_PATH, ...guard, (req, res) => {
    stockHandler(deps, req, res).catch((err: unknown) => failed(deps, res, 'stock', err));
  });
  return router;
}

/**
 * A failure no retry is known to fix (e.g. Clarus refusing our credentials, an unreadable answer). Answered
 * here, not by the shared error handler: Clarus and commercetools errors carry the *upstream* status, which
 * must not become this endpoint's 4xx.
 */
function failed(deps: Pick<WebhookRoutesDeps, 'logger'>, res: Response, webhook: string, err: unknown): void {
  deps.logger.error('webhook failed', { webhook, error: err });
  if (!res.headersSent) res.status(500).json({ error: 'internal_error', message: 'internal error' });
}

async function dispatchHandler(deps: WebhookRoutesDeps, req: Request, res: Response): Promise<void> {
  const trigger = dispatchTriggerFrom(req.body);
  if (!trigger.ok) {
    res.status(400).json({
      error: 'invalid_webhook',
      message: `the body names no goods out: expected ${trigger.missing}`,
    });
    return;
  }
  const { goodsOutId, reference } = trigger.value;
  deps.logger.info('dispatch webhook received', { goodsOutId, reference, automationId: automationId(req) });
  const outcome = await withinBudget(
    deps,
    deps.dispatch.applyDispatch(trigger.value, { deadline: deps.now() + deps.budgetMs }),
  );
  if (outcome === 'over_budget' || outcome.kind === 'retry_later') {
    retryLater(res, outcome === 'over_budget' ? undefined : outcome.retryAfterMs);
    res.json({ outcome: outcome === 'over_budget' ? 'over_budget' : 'retry_later', goodsOutId, reference });
    return;
  }
  res.status(200).json(describeDispatch(outcome));
}

async function stockHandler(deps: WebhookRoutesDeps, req: Request, res: Response): Promise<void> {
  const trigger = stockTriggerFrom(req.body);
  if (!trigger.ok) {
    res
      .status(400)
      .json({ error: 'invalid_webhook', message: `the body names no product: expected ${trigger.missing}` });
    return;
  }
  const { productCode } = trigger.value;
  deps.logger.info('stock webhook received', { productCode, automationId: automationId(req) });
  let outcome;
  try {
    outcome = await withinBudget(
      deps,
      deps.inventory.syncProductCodes([productCode], { deadline: deps.now() + deps.budgetMs }),
    );
  } catch (err) {
    const { reason, message } = classifyFailure(err);
    if (reason !== 'clarus-unavailable' && reason !== 'commercetools-unavailable') throw err;
    deps.logger.warn('stock webhook will be retried', { productCode, reason, message });
    retryLater(res, undefined);
    res.json({ outcome: 'retry_later', productCode, reason });
    return;
  }
  if (outcome === 'over_budget') {
    retryLater(res, undefined);
    res.json({ outcome: 'over_budget', productCode });
    return;
  }
  deps.logger.info('stock webhook applied', {
    productCode,
    skus: outcome.skus,
    created: outcome.created,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    failed: outcome.failed,
    collisions: outcome.collisions.length,
    skippedNewer: outcome.skippedNewer.length,
  });
  // Entries whose write failed transiently, or that kept being written after every Clarus read, are left to
  // the next inventory run (it owns that retry). A code two SKUs share is acknowledged: `sku-collision` is
  // open for operations and retrying cannot help.
  const result = outcome.collisions.length ? 'sku_collision' : 'synced';
  res.status(200).json({ ...outcome, outcome: result, productCode });
}

// ---- guards ---------------------------------------------------------------------------------------

function authenticate(deps: Pick<WebhookRoutesDeps, 'token' | 'subdomain' | 'logger'>): RequestHandler {
  const expected = digest(deps.token);
  const tenant = deps.subdomain.trim().toLowerCase();
  return (req, res, next) => {
    const given = req.query.token;
    // Equal-length digests: the comparison takes the same time whatever the caller sent.
    if (typeof given !== 'string' || given === '' || !timingSafeEqual(digest(given), expected)) {
      deps.logger.warn('webhook refused: missing or wrong token', { path: req.path });
      res.status(401).json({
        error: 'unauthorized',
        message: 'add ?token=<CLARUS_WEBHOOK_TOKEN> to the automation URL configured in Clarus',
      });
      return;
    }
    const subdomain = req.header('x-claruswms-subdomain');
    if (subdomain !== undefined && subdomain.trim().toLowerCase() !== tenant) {
      deps.logger.warn('webhook refused: another Clarus tenant', { path: req.path });
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    next();
  };
}

const requireJson: RequestHandler = (req, res, next) => {
  // `false`: a body of another type (a body-less request is `null` and gets the 400 below instead).
  if (req.is(['application/json', 'application/*+json']) === false) {
    res.status(415).json({ error: 'unsupported_media_type', message: 'send the body as application/json' });
    return;
  }
  next();
};

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

// ---- helpers --------------------------------------------------------------------------------------

function automationId(req: Request): string | undefined {
  const id = req.header('x-claruswms-automation-id');
  return id && /^[\w-]{1,40}$/.test(id) ? id : undefined;
}

function withinBudget<T>(
  deps: Pick<WebhookRoutesDeps, 'budgetMs'>,
  work: Promise<T>,
): Promise<T | 'over_budget'> {
  let timer: NodeJS.Timeout | undefined;
  const over = new Promise<'over_budget'>((resolve) => {
    timer = setTimeout(() => resolve('over_budget'), deps.budgetMs + 500);
    timer.unref();
  });
  return Promise.race([work, over]).finally(() => clearTimeout(timer));
}

function retryLater(res: Response, retryAfterMs: number | undefined): void {
  if (retryAfterMs) res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  res.status(503);
}

/** The answer names ids, keys and states only (never anything from the order's addresses). */
function describeDispatch(outcome: Exclude<DispatchOutcome, { kind: 'retry_later' }>) {
  if (outcome.kind === 'goods_out_not_found') {
    return { outcome: outcome.kind, goodsOutId: outcome.goodsOutId, reference: outcome.reference };
  }
  return { outcome: outcome.kind, goodsOuts: outcome.goodsOuts };
}
