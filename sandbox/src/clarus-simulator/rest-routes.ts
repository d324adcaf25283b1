import { Router, type Request, type Response } from 'express';
import { clarusError, NotFoundError, sendErrors, sendNotFound, UnprocessableError } from './errors';
import {
  cancelGoodsOut,
  createGoodsOut,
  deleteGoodsOut,
  restResource,
  updateGoodsOut,
  type GoodsOutBehaviour,
} from './goods-outs';
import type { Store } from './store';

/** The REST mutations under the configurable prefix (JSON:API bodies, documented error shapes). */
export function restRouter(store: Store, behaviour: GoodsOutBehaviour): Router {
  const router = Router();

  router.post('/goods_outs', (req, res) => {
    respond(res, () => ({
      status: 200,
      body: { data: restResource(createGoodsOut(store, req.body, behaviour)) },
    }));
  });

  router.patch('/goods_outs/:id', (req, res) => {
    withId(req, res, (id) => ({
      status: 200,
      body: { data: restResource(updateGoodsOut(store, id, req.body, behaviour)) },
    }));
  });

  router.delete('/goods_outs/:id', (req, res) => {
    withId(req, res, (id) => {
      deleteGoodsOut(store, id);
      return { status: 204 };
    });
  });

  router.post('/goods_outs/:id/cancel', (req, res) => {
    withId(req, res, (id) => {
      // Deleted (draft/pending) orders answer with their last state; the record is gone afterwards.
      const { goodsOut } = cancelGoodsOut(store, id);
      return { status: 200, body: { data: restResource(goodsOut) } };
    });
  });

  router.use((req, res) => {
    sendErrors(res, 404, [
      clarusError(404, 'route_not_found', `No route matches ${req.method} ${req.baseUrl}${req.path}`, {
        method: req.method,
        path: `${req.baseUrl}${req.path}`,
      }),
    ]);
  });

  return router;
}

type Outcome = { status: number; body?: unknown };

function withId(req: Request, res: Response, run: (id: number) => Outcome): void {
  const raw = String(req.params.id ?? '');
  if (!/^\d+$/.test(raw)) {
    sendNotFound(res, 'Goods out', raw);
    return;
  }
  respond(res, () => run(Number(raw)));
}

function respond(res: Response, run: () => Outcome): void {
  try {
    const { status, body } = run();
    if (body === undefined) res.status(status).end();
    else res.status(status).json(body);
  } catch (error) {
    if (error instanceof UnprocessableError) sendErrors(res, 422, error.errors);
    else if (error instanceof NotFoundError) sendNotFound(res, error.resource, error.id);
    else throw error;
  }
}
