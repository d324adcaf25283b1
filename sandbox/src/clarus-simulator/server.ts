import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { requireBearer, requireTenant, TokenStore, tokenRoute } from './auth';
import { controlRouter } from './control-routes';
import { clarusError, sendErrors } from './errors';
import { FaultInjector } from './faults';
import { goodsOutRecord, requireGoodsOut, setGoodsOutStatus } from './goods-outs';
import { graphqlRoute } from './graphql/route';
import { buildClarusSchema } from './graphql/schema';
import { RequestLog } from './request-log';
import { restRouter } from './rest-routes';
import { seedGoodsOut } from './seed-goods-outs';
import { createShipments, dispatchPendingShipment, relabelPackage } from './shipments';
import { adjustStock, setStock } from './stock';
import { Store } from './store';
import type { ClarusSimulator, ClarusSimulatorOptions, DispatchResult, Shipment } from './types';
import { AUTOMATION_IDS, goodsOutPayload, stockAdjustmentPayload, WebhookSender } from './webhooks';

/** Starts a Clarus WMS simulator on its own HTTP server; resolves once it is listening. */
export async function startClarusSimulator(options: ClarusSimulatorOptions = {}): Promise<ClarusSimulator> {
  const settings = {
    host: options.host ?? '127.0.0.1',
    subdomain: options.subdomain ?? 'acme',
    clientId: options.clientId ?? 'sim-client',
    clientSecret: options.clientSecret ?? 'sim-secret',
    accountId: options.accountId ?? 1,
    restPrefix: normalisePrefix(options.restPrefix ?? '/api'),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    exposeLineReference: options.exposeLineReference ?? true,
    autoAllocate: options.autoAllocate ?? true,
    now: options.now ?? Date.now,
  };

  const store = new Store(settings.accountId, settings.subdomain.toUpperCase(), settings.now);
  const defaultWarehouseId = 1;
  const behaviour = { autoAllocate: settings.autoAllocate, defaultWarehouseId };
  const tokens = new TokenStore(settings);
  const faults = new FaultInjector();
  const log = new RequestLog(settings.now);
  let url = '';
  const webhooks = new WebhookSender(options.webhooks, {
    subdomain: settings.subdomain,
    apiDomain: () => new URL(url).host,
  });

  const sendDispatchWebhook = async (goodsOutId: number): Promise<number> => {
    const target = webhooks.dispatchUrl;
    if (!target) throw new Error('Clarus simulator: no dispatch webhook URL configured');
    const payload = goodsOutPayload(store, requireGoodsOut(store, goodsOutId), settings.exposeLineReference);
    return webhooks.post(target, AUTOMATION_IDS.dispatch, payload);
  };
  const afterDispatch = async (
    goodsOutId: number,
    shipments: Shipment[],
    fireWebhook: boolean | undefined,
  ): Promise<DispatchResult> => {
    const result: DispatchResult = { shipments: structuredClone(shipments) };
    if (fireWebhook !== false && webhooks.dispatchUrl) {
      result.webhookStatus = await sendDispatchWebhook(goodsOutId);
    }
    return result;
  };

  const sim: ClarusSimulator = {
    url: '',
    subdomain: settings.subdomain,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    accountId: settings.accountId,
    defaultWarehouseId,
    close: async () => {
      faults.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    seedWarehouses: (ws) => store.seedWarehouses(ws),
    seedAccount: (account) => store.seedAccount(account),
    seedProducts: (ps) => store.seedProducts(ps),
    seedGoodsOut: (seed) => seedGoodsOut(store, seed, behaviour),
    seedCarrierServices: (cs) => store.seedCarrierServices(cs),
    setStock: (entries) => setStock(store, entries, defaultWarehouseId),
    adjustStock: async (productCode, delta, opts = {}) => {
      const adjustment = adjustStock(
        store,
        productCode,
        delta,
        opts.warehouseId ?? defaultWarehouseId,
        opts.accountId,
      );
      if (opts.fireWebhook !== false && webhooks.stockUrl) {
        await webhooks.post(
          webhooks.stockUrl,
          AUTOMATION_IDS.stockAdjustment,
          stockAdjustmentPayload(adjustment),
        );
      }
    },
    stockBalances: () => structuredClone(store.sortedBalances()),
    configureWebhooks: (w) => webhooks.configure(w),
    dispatch: async (goodsOutId, opts = {}) =>
      afterDispatch(
        goodsOutId,
        createShipments(store, goodsOutId, opts.shipments, opts.complete),
        opts.fireWebhook,
      ),
    dispatchShipment: async (shipmentId, opts = {}) => {
      const shipment = dispatchPendingShipment(store, shipmentId, opts.complete);
      return afterDispatch(shipment.goods_out_id, [shipment], opts.fireWebhook);
    },
    relabelPackage: async (packageId, opts = {}) => {
      const shipment = relabelPackage(store, packageId, opts);
      return afterDispatch(shipment.goods_out_id, [shipment], opts.fireWebhook);
    },
    fireDispatchWebhook: sendDispatchWebhook,
    products: () => [...store.products.values()].map((p) => structuredClone(p)),
    goodsOuts: () =>
      [...store.goodsOuts.values()].sort((a, b) => a.id - b.id).map((g) => goodsOutRecord(store, g)),
    setGoodsOutStatus: (id, code) => setGoodsOutStatus(store, id, code),
    injectFault: (f) => faults.inject(f),
    clearFaults: () => faults.clear(),
    get requests() {
      return log.entries;
    },
    resetRequests: () => log.reset(),
    revokeTokens: () => tokens.revokeAll(),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use('/__control', controlRouter(sim));
  app.use(log.record);
  app.use(express.json({ type: ['application/json', 'application/*+json'], limit: '5mb' }));
  app.use(express.urlencoded({ extended: false }));
  app.use(log.captureBody);
  app.use(faults.middleware);
  app.post('/oauth/token', tokenRoute(settings, tokens));
  app.use(requireBearer(tokens));
  app.use(requireTenant(settings.subdomain));
  app.post('/graphql', graphqlRoute(buildClarusSchema(settings), store));
  app.use(settings.restPrefix, restRouter(store, behaviour));
  app.use((req, res) => {
    sendErrors(res, 404, [
      clarusError(404, 'route_not_found', `No route matches ${req.method} ${req.path}`, {
        method: req.method,
        path: req.path,
      }),
    ]);
  });
  app.use(errorHandler);

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  sim.url = url;
  return sim;
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Unparseable bodies are a 400 in the documented error shape; anything else is a simulator bug. */
const errorHandler: ErrorRequestHandler = (
  err: { type?: string; status?: number; message?: string },
  _req,
  res,
  _next,
) => {
  if (err.type === 'entity.parse.failed') {
    sendErrors(res, 400, [clarusError(400, 'invalid_json', 'Request body is not valid JSON')]);
    return;
  }
  const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  sendErrors(res, status, [
    clarusError(status, status === 500 ? 'internal_server_error' : 'bad_request', String(err.message)),
  ]);
};
