import { createHash, timingSafeEqual } from 'node:crypto';
import { extensionInputSchema, extensionRefusal, type Logger, type SkuGuard } from '@clarus-connector/core';
import { Router, type RequestHandler } from 'express';

/** The SKU guard's commercetools API Extension endpoint (registered by connector/extension.ts). */
export const SKU_GUARD_PATH = '/commercetools/extensions/products';

export interface ExtensionRoutesDeps {
  guard: SkuGuard;
  /** SKU_GUARD_SECRET: commercetools sends `Authorization: Bearer <secret>`. */
  secret: string;
  logger: Logger;
}

/**
 * commercetools API Extension protocol (docs "API Extensions › Input / Response"): the body is
 * `{action, resource:{typeId, id, obj}, oldResource?}`; `200 {"actions": []}` accepts the change,
 * `400 {"errors": [{"code": "InvalidInput", "message"}]}` refuses it and Merchant Center shows the messages.
 * Answers from memory (no Clarus call): commercetools fails the merchandiser's save after 2 s.
 */
export function extensionRoutes(deps: ExtensionRoutesDeps): Router {
  const router = Router();
  router.post(SKU_GUARD_PATH, bearer(deps.secret), (req, res) => {
    const parsed = extensionInputSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({
        errors: [
          {
            code: 'InvalidInput',
            message:
              `not a product API Extension request: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim(),
          },
        ],
      });
      return;
    }
    const decision = deps.guard.check(parsed.data);
    if (decision.kind === 'refuse') {
      res.status(400).json(extensionRefusal(decision.violations));
      return;
    }
    res.status(200).json({ actions: [] });
  });
  return router;
}

/** `Authorization: Bearer <secret>`, compared in constant time (digests of equal length); 401 otherwise. */
function bearer(secret: string): RequestHandler {
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  const expected = digest(secret);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      res.status(401).json({ errors: [{ code: 'Unauthorized', message: 'missing or wrong bearer token' }] });
      return;
    }
    next();
  };
}
