import {
  ClarusValidationError,
  createLogger,
  type ExceptionStore,
  type OrderCancellation,
  type OrderExport,
} from '@clarus-connector/core';
import { orderMessage, pushEnvelope } from '@clarus-connector/sandbox';
import type { Order } from '@commercetools/platform-sdk';
import express from 'express';
import request from 'supertest';
import { orderEventsHandler, statusFor } from '../src/order-events-route';

/** The route alone (no emulators): outcome → HTTP answer, and no upstream status ever passed through. */
const order = { id: 'a1b2c3d4-0000-4000-8000-000000000009', version: 1, orderState: 'Open' } as Order;

function appWith(exportOrder: OrderExport['exportOrder']) {
  const app = express();
  app.use(express.json());
  const handler = orderEventsHandler({
    exporter: { exportOrder },
    cancellation: {
      cancelOrder: async () => ({ kind: 'cancelled', orderId: order.id, goodsOutIds: [] }),
    } as OrderCancellation,
    exceptions: {} as ExceptionStore,
    logger: createLogger({ level: 'error', service: 'test' }),
    now: Date.now,
    budgetMs: 2000,
  });
  app.post('/order-events', (req, res, next) => {
    handler(req, res).catch(next);
  });
  return app;
}
const deliver = (app: express.Express) =>
  request(app)
    .post('/order-events')
    .send(pushEnvelope(orderMessage('OrderCreated', order)));

describe('order events route: outcome → HTTP status', () => {
  it('acknowledges (200) every outcome a retry cannot change, nacks (503) the transient ones, 500 for a bug', () => {
    for (const kind of [
      'exported',
      'already_exported',
      'invalid',
      'rejected',
      'skipped',
      'cancelled',
      'refused',
      'not_exported',
    ])
      expect([kind, statusFor(kind)]).toEqual([kind, 200]);
    for (const kind of ['retry_later', 'in_progress', 'over_budget'])
      expect([kind, statusFor(kind)]).toEqual([kind, 503]);
    expect(statusFor('failed')).toBe(500);
  });

  it('answers a thrown Clarus 422 with 500, never with the upstream 422 (a 4xx reads as a bad delivery)', async () => {
    const app = appWith(async () => {
      throw new ClarusValidationError({ operation: 'POST /api/goods_outs', status: 422 }, [
        { symbol: 'invalid_email' },
      ]);
    });
    const res = await deliver(app);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ outcome: 'failed', orderId: order.id });
  });

  it('acknowledges a rejected export and asks the export to read the order itself (the payload is a hint)', async () => {
    const requests: unknown[] = [];
    const app = appWith(async (req) => {
      requests.push(req);
      return { kind: 'rejected', orderId: order.id, reason: 'Clarus rejected', symbols: ['invalid_email'] };
    });
    const res = await deliver(app);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('rejected');
    expect(requests).toEqual([{ orderId: order.id, source: 'created', deadline: expect.any(Number) }]);
  });
});
