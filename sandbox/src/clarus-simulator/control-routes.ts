import express, { Router, type Request, type Response } from 'express';
import { NotFoundError, UnprocessableError } from './errors';
import type { ClarusSimulator } from './types';

/**
 * `/__control/...`: the control API over HTTP (JSON, no auth) so another process (the local sandbox)
 * can drive the simulator. Each route calls the method of the same name.
 */
export function controlRouter(sim: ClarusSimulator): Router {
  const router = Router();
  router.use(express.json({ limit: '10mb' }));

  const route =
    (run: (req: Request) => unknown) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        const result = await run(req);
        if (result === undefined) res.status(204).end();
        else res.status(200).json(result);
      } catch (error) {
        const status = error instanceof NotFoundError ? 404 : 400;
        const details = error instanceof UnprocessableError ? error.errors : undefined;
        res.status(status).json({ error: (error as Error).message, ...(details ? { errors: details } : {}) });
      }
    };
  const id = (req: Request): number => {
    const value = Number(req.params.id);
    if (!Number.isInteger(value)) throw new Error(`not an id: ${String(req.params.id)}`);
    return value;
  };
  const body = (req: Request): Record<string, unknown> =>
    typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const list = <T>(req: Request): T[] => {
    if (!Array.isArray(req.body)) throw new Error('body must be a JSON array');
    return req.body as T[];
  };

  router.get(
    '/info',
    route(() => ({
      url: sim.url,
      subdomain: sim.subdomain,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      accountId: sim.accountId,
      defaultWarehouseId: sim.defaultWarehouseId,
    })),
  );
  router.post(
    '/warehouses',
    route((req) => sim.seedWarehouses(list(req))),
  );
  router.post(
    '/accounts',
    route((req) => sim.seedAccount(body(req) as { id: number; code?: string })),
  );
  router.post(
    '/goods-outs',
    route((req) => sim.seedGoodsOut(body(req) as never)),
  );
  router.post(
    '/products',
    route((req) => sim.seedProducts(list(req))),
  );
  router.post(
    '/carrier-services',
    route((req) => sim.seedCarrierServices(list(req))),
  );
  router.post(
    '/stock',
    route((req) => sim.setStock(list(req))),
  );
  router.get(
    '/stock',
    route(() => sim.stockBalances()),
  );
  router.post(
    '/stock/adjust',
    route((req) => {
      const { productCode, delta, warehouseId, fireWebhook, accountId } = body(req);
      return sim.adjustStock(String(productCode), Number(delta), {
        warehouseId: warehouseId === undefined ? undefined : Number(warehouseId),
        accountId: accountId === undefined ? undefined : Number(accountId),
        fireWebhook: fireWebhook === undefined ? undefined : Boolean(fireWebhook),
      });
    }),
  );
  router.post(
    '/webhooks',
    route((req) => sim.configureWebhooks(body(req))),
  );
  router.get(
    '/goods-outs',
    route(() => sim.goodsOuts()),
  );
  router.post(
    '/goods-outs/:id/status',
    route((req) => sim.setGoodsOutStatus(id(req), String(body(req).code))),
  );
  router.post(
    '/goods-outs/:id/dispatch',
    route((req) => sim.dispatch(id(req), body(req))),
  );
  router.post(
    '/goods-outs/:id/fire-dispatch-webhook',
    route(async (req) => ({ status: await sim.fireDispatchWebhook(id(req)) })),
  );
  router.post(
    '/shipments/:id/dispatch',
    route((req) => sim.dispatchShipment(id(req), body(req))),
  );
  router.post(
    '/packages/:id/relabel',
    route((req) => sim.relabelPackage(id(req), body(req))),
  );
  router.post(
    '/faults',
    route((req) => sim.injectFault(body(req) as never)),
  );
  router.delete(
    '/faults',
    route(() => sim.clearFaults()),
  );
  router.get(
    '/requests',
    route(() => sim.requests),
  );
  router.delete(
    '/requests',
    route(() => sim.resetRequests()),
  );
  router.post(
    '/tokens/revoke',
    route(() => sim.revokeTokens()),
  );
  return router;
}
