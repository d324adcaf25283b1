import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createIntegration, createLogger, listen, loadConfig } from '@clarus-connector/core';
import { createApp as createFulfilmentService } from '../../../../fulfilment-service/src/app';
import { startForwardToStandIn, type ForwardToStandIn } from '../forward-to-stand-in';
import { closeServer } from '../http-util';

/*
 * `npm start -- --keep` also serves the two Merchant Center customizations outside Merchant Center: a page per
 * customization (the same components, in a development application context), served by the Merchant Center
 * stand-in, whose /proxy/forward-to signs a JWT for a pretend user and forwards to a fulfilment-service
 * instance configured like a Connect deployment (MERCHANT_CENTER_API_URL = the stand-in, FULFILMENT_SERVICE_URL
 * = that instance). So the preview exercises the real forward-to authentication against the sandbox's
 * commercetools emulator and Clarus simulator. Sandbox only.
 */

export interface MerchantCenterPreview {
  /** The stand-in (Merchant Center API and the preview pages). */
  url: string;
  /** The fulfilment-service instance the customizations talk to. */
  serviceUrl: string;
  /** The order panel for an order id or number; `canManage` false = a user with the view permission only. */
  orderPanelUrl(order: string, canManage?: boolean): string;
  operationsAppUrl(canManage?: boolean): string;
  standIn: ForwardToStandIn;
  close(): Promise<void>;
}

export interface MerchantCenterPreviewOptions {
  /** The environment of the sandbox's apps (emulator and simulator URLs, settings). */
  env: Record<string, string>;
  /** Port of the preview pages (default: any free port). */
  port?: number;
  logLevel?: string;
}

const REPO = resolve(__dirname, '../../../..');

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

/** The browser bundle of browser-entry.tsx (esbuild, in memory; the packages resolve like the apps' builds). */
export async function bundlePreview(): Promise<{ js: string; css: string }> {
  // Loaded lazily: only the preview needs esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(REPO, 'sandbox/preview/browser-entry.tsx')],
    bundle: true,
    write: false,
    outdir: '/preview',
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    minify: true,
    logLevel: 'silent',
    nodePaths: [
      join(REPO, 'operations-app/node_modules'),
      join(REPO, 'order-panel/node_modules'),
      join(REPO, 'node_modules'),
    ],
    // As mc-scripts' webpack config: Node's querystring for the browser.
    alias: { querystring: 'querystring-es3' },
    define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEBUG': 'false', __DEV__: 'false' },
    loader: {
      '.svg': 'dataurl',
      '.png': 'dataurl',
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
      '.graphql': 'text',
    },
  });
  const text = (ext: string) =>
    result.outputFiles
      .filter((f) => f.path.endsWith(ext))
      .map((f) => f.text)
      .join('\n');
  return { js: text('.js'), css: text('.css') };
}

export async function startMerchantCenterPreview(
  options: MerchantCenterPreviewOptions,
): Promise<MerchantCenterPreview> {
  const bundle = await bundlePreview();
  const projectKey = options.env.CTP_PROJECT_KEY ?? 'sandbox';
  const servicePort = await freePort();
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  let url = '';

  const page = (view: 'order-panel' | 'operations-app', params: URLSearchParams) => {
    const app = {
      applicationName: view === 'order-panel' ? 'clarus-order-panel-preview' : 'clarus-wms-preview',
      applicationIdentifier: '__local',
      entryPointUriPath: 'clarus-wms',
      mcApiUrl: url,
      frontendHost: url.replace(/^https?:\/\//, ''),
      location: 'eu',
      env: 'development',
      cdnUrl: url,
      servedByProxy: false,
      revision: 'preview',
      fulfilmentServiceUrl: serviceUrl,
    };
    const config = {
      view,
      projectKey,
      orderId: params.get('order') ?? undefined,
      canManage: params.get('manage') !== '0',
    };
    const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clarus WMS preview</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/preview.css">
<style>body{margin:0;background:#f4f6f8;font-family:Inter,"Open Sans",Helvetica,Arial,sans-serif}</style></head><body>
<div id="app"></div><script>window.app=${json(app)};window.previewConfig=${json(config)};</script>
<script src="/preview.js"></script></body></html>`;
  };

  const standIn = await startForwardToStandIn({
    user: {
      id: 'sandbox-user',
      projectKey,
      permissions: ['viewClarusWms', 'manageClarusWms', 'view', 'manage'],
    },
    allowedOrigins: [serviceUrl],
    ...(options.port ? { port: options.port } : {}),
    fallback: (req, res) => {
      const at = new URL(req.url ?? '/', 'http://preview');
      const send = (type: string, body: string) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
        return true;
      };
      if (req.method !== 'GET') return false;
      if (at.pathname === '/preview.js') return send('text/javascript; charset=utf-8', bundle.js);
      if (at.pathname === '/preview.css') return send('text/css; charset=utf-8', bundle.css);
      if (at.pathname === '/order-panel')
        return send('text/html; charset=utf-8', page('order-panel', at.searchParams));
      if (at.pathname === '/clarus-wms')
        return send('text/html; charset=utf-8', page('operations-app', at.searchParams));
      if (at.pathname === '/')
        return send(
          'text/html; charset=utf-8',
          '<!doctype html><h1>Clarus WMS preview</h1><ul><li><a href="/clarus-wms">Clarus WMS application</a></li><li>Order panel: /order-panel?order=&lt;order id or number&gt;</li></ul>',
        );
      return false;
    },
  });
  url = standIn.url;

  const env = { ...options.env, MERCHANT_CENTER_API_URL: url, FULFILMENT_SERVICE_URL: serviceUrl };
  const config = loadConfig(env, ['CLARUS_WEBHOOK_TOKEN', 'OPS_API_TOKEN']);
  const logger = createLogger({
    service: 'fulfilment-service-preview',
    level: options.logLevel ?? config.logLevel,
    ...(options.logLevel ? {} : { stream: new Writable({ write: (_c, _e, done) => done() }) }),
  });
  const server: Server = await listen(
    createFulfilmentService(createIntegration({ config, logger })),
    servicePort,
    '127.0.0.1',
  );

  return {
    url,
    serviceUrl,
    standIn,
    orderPanelUrl: (order, canManage = true) =>
      `${url}/order-panel?order=${encodeURIComponent(order)}${canManage ? '' : '&manage=0'}`,
    operationsAppUrl: (canManage = true) => `${url}/clarus-wms${canManage ? '' : '?manage=0'}`,
    close: async () => {
      await Promise.all([closeServer(server), standIn.close()]);
    },
  };
}
