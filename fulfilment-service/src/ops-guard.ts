import { accessNeededFor, isRefusal, type OpsAuthenticator, type OpsPrincipal } from '@clarus-connector/core';
import type { RequestHandler, Response } from 'express';

/**
 * Lets a request under /ops through only when the authenticator accepts it for what the method needs
 * (GET/HEAD: view; anything else: manage). 401 with `WWW-Authenticate` when the caller proved nothing,
 * 403 when they may not do this; the accepted principal is on `res.locals.opsPrincipal`.
 */
export function opsGuard(authenticator: OpsAuthenticator): RequestHandler {
  return (req, res, next) => {
    authenticator
      .authenticate(req, accessNeededFor(req.method))
      .then((result) => {
        if (isRefusal(result)) {
          if (result.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="clarus-ops"');
          res.status(result.status).json({ error: result.error, message: result.message });
          return;
        }
        res.locals.opsPrincipal = result;
        next();
      })
      .catch(next);
  };
}

/** Who is calling (set by `opsGuard`). */
export const opsPrincipal = (res: Response): OpsPrincipal | undefined =>
  res.locals.opsPrincipal as OpsPrincipal | undefined;
