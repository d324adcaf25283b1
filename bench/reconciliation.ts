/*
 * Reconciliation pass over the orders of its look-back window: 90 % exported and awaiting dispatch (the
 * dispatch catch-up looks each up in Clarus), 10 % never exported (the sweep exports them). The job runs in
 * its own process; 20 ms latency on every call. Measured: wall time, peak RSS, requests per order.
 * The commercetools mock holds the orders (up to 10,000: beyond that its queries scan too slowly).
 */
import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { importOrder, seedProducts, seedShippingMethods, startTestWorld } from '../sandbox/src';
import { startLatencyProxy } from './lib/latency-proxy';
import { startSubject } from './lib/subject';
import { pool, postAndWait, progress, round, type BenchMode } from './lib/util';

const SIZES: Record<BenchMode, { orders: number }> = {
  full: { orders: 10_000 },
  quick: { orders: 1000 },
  smoke: { orders: 30 },
};
const LATENCY_MS = 20;

export interface ReconciliationResult {
  orders: number;
  peakRssMb: number;
  wallMs: number;
  detail: Record<string, number | string>;
}

export async function benchReconciliation(mode: BenchMode): Promise<ReconciliationResult> {
  const { orders: count } = SIZES[mode];
  const world = await startTestWorld();
  const proxy = await startLatencyProxy(world.ct.env().CTP_API_URL!, 0);
  let job: Awaited<ReturnType<typeof startSubject>> | undefined;
  try {
    const skus = ['REC-A', 'REC-B', 'REC-C'];
    await seedProducts(
      world.api,
      skus.map((sku) => ({ sku })),
    );
    world.clarus.seedProducts(skus.map((code) => ({ code })));
    world.clarus.seedCarrierServices([{ code: 'DPD-NEXT' }]);
    const [method] = await seedShippingMethods(world.api, ['next-day']);
    const settings = {
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      CLARUS_MAX_REQUESTS_PER_SECOND: '1000',
      CLARUS_MAX_CONCURRENCY: '16',
      RECONCILE_GRACE_MINUTES: '0',
      DISPATCH_CATCHUP_MIN_AGE_MINUTES: '0',
    };
    const exporter = world.integration(settings);
    progress(`reconciliation: importing ${count} orders (90 % exported)`);
    const orders: Order[] = new Array(count);
    await pool(
      Array.from({ length: count }, (_, i) => i),
      8,
      async (i) => {
        orders[i] = await importOrder(world.api, {
          orderNumber: `REC-${i}`,
          lines: [{ sku: skus[i % skus.length]!, quantity: 1 }],
          shippingMethod: method as ShippingMethod,
        });
        if (i % 10 !== 0) await exporter.orderExport.exportOrder({ orderId: orders[i]!.id });
      },
    );
    proxy.setLatency(LATENCY_MS);
    world.clarus.injectFault({ kind: 'latency', ms: LATENCY_MS });
    job = await startSubject(
      'reconciliation-job/src/index.ts',
      world.env({ ...settings, CTP_API_URL: proxy.url, CTP_AUTH_URL: proxy.url, LOG_LEVEL: 'error' }),
      'job',
    );
    proxy.reset();
    world.clarus.resetRequests();
    progress(`reconciliation: one pass over ${count} orders`);
    const started = Date.now();
    const { body: summary } = await postAndWait(`${job.url}/reconcile`);
    const wallMs = Date.now() - started;
    const stats = await job.stats();
    const ct = proxy.total((k) => !k.includes('/oauth'));
    const clarus = world.clarus.requests.filter((r) => !r.path.startsWith('/oauth')).length;
    return {
      orders: count,
      peakRssMb: round(stats.maxRssMb, 1),
      wallMs,
      detail: {
        outcome: String(summary.outcome ?? summary.skipped),
        commercetoolsRequestsPerOrder: round(ct / count, 3),
        clarusRequestsPerOrder: round(clarus / count, 3),
        commercetoolsRequests: ct,
        clarusRequests: clarus,
      },
    };
  } finally {
    await job?.kill();
    await proxy.close();
    await world.close();
  }
}
