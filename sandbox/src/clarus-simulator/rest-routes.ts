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
import { addProductMaterial, assignProductToAccount, createProduct, updateProduct } from './products';
import type { Store } from './store';
import type { Product } from './types';

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

  router.post('/products', (req, res) => {
    respond(res, () => ({ status: 200, body: { data: productResource(createProduct(store, req.body)) } }));
  });

  router.patch('/products/:id', (req, res) => {
    withId(req, res, (id) => ({
      status: 200,
      body: { data: productResource(updateProduct(store, id, req.body)) },
    }));
  });

  router.post('/products/:id/account_products', (req, res) => {
    withId(req, res, (id) => ({ status: 200, body: assignProductToAccount(store, id, req.body) }));
  });

  router.post('/products/:id/materials', (req, res) => {
    withId(req, res, (id) => ({ status: 200, body: addProductMaterial(store, id, req.body) }));
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

/** The documented create/update answer: `{data:{id, type:"products", attributes}}` (ProductAttributes). */
function productResource(p: Product): { id: number; type: 'products'; attributes: Record<string, unknown> } {
  return {
    id: p.id,
    type: 'products',
    attributes: {
      code: p.code,
      description: p.description,
      barcode: p.barcode,
      product_type: p.product_type,
      stock_unit_type_id: p.stock_unit_type_id,
      external_system_reference1: p.external_system_reference1,
    },
  };
}

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
