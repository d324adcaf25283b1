/*
 * Dispatch webhooks: Clarus (the simulator) posts dispatch automations to the fulfilment service (its own
 * process) at a steady rate, 10 % of them repeats of a webhook already answered; 20 ms latency on every
 * Clarus and commercetools call. Measured: answer time per webhook (p50/p99) and commercetools writes the
 * repeats caused (should be none).
 */
import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { importOrder, seedProducts, seedShippingMethods, startTestWorld } from '../sandbox/src';
import { startLatencyProxy } from './lib/latency-proxy';
import { startSubject } from './lib/subject';
import { percentile, pool, progress, round, sleep, type BenchMode } from './lib/util';

const SIZES: Record<BenchMode, { perSecond: number; seconds: number }> = {
  full: { perSecond: 50, seconds: 60 },
  quick: { perSecond: 50, seconds: 10 },
  smoke: { perSecond: 10, seconds: 2 },
};
const LATENCY_MS = 20;
const DUPLICATE_SHARE = 0.1;

export interface DispatchResult {
  perSecond: number;
  p99Ms: number;
  duplicateWrites: number;
  detail: Record<string, number>;
}

export async function benchDispatch(mode: BenchMode): Promise<DispatchResult> {
  const { perSecond, seconds } = SIZES[mode];
  const total = perSecond * seconds;
  const duplicates = Math.round(total * DUPLICATE_SHARE);
  const originals = total - duplicates;
  const world = await startTestWorld();
  const proxy = await startLatencyProxy(world.ct.env().CTP_API_URL!, 0);
  let service: Awaited<ReturnType<typeof startSubject>> | undefined;
  try {
    const skus = ['DSP-A', 'DSP-B', 'DSP-C'];
    await seedProducts(
      world.api,
      skus.map((sku) => ({ sku })),
    );
    world.clarus.seedProducts(skus.map((code) => ({ code })));
    world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD', carrierName: 'DPD UK' }]);
    const [method] = await seedShippingMethods(world.api, ['next-day']);
    const settings = {
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      TRACKING_URL_TEMPLATES: JSON.stringify({ DPD: 'https://track.example/dpd/{trackingNumber}' }),
      CLARUS_MAX_REQUESTS_PER_SECOND: '1000',
      CLARUS_MAX_CONCURRENCY: '16',
    };
    const warm = 5;
    progress(`dispatch: importing and exporting ${originals + warm} orders`);
    const exporter = world.integration(settings);
    const orders: Order[] = new Array(originals + warm);
    await pool(
      Array.from({ length: originals + warm }, (_, i) => i),
      8,
      async (i) => {
        orders[i] = await importOrder(world.api, {
          orderNumber: `DSP-${i}`,
          lines: [{ sku: skus[i % skus.length]!, quantity: 1 + (i % 3) }],
          shippingMethod: method as ShippingMethod,
        });
        const outcome = await exporter.orderExport.exportOrder({ orderId: orders[i]!.id });
        if (outcome.kind !== 'exported') throw new Error(`dispatch bench: export ${outcome.kind}`);
      },
    );
    const goodsOutOf = new Map(world.clarus.goodsOuts().map((g) => [g.attributes.reference, g.id]));
    const ids = orders.map((o) => goodsOutOf.get(o.id) ?? goodsOutOf.get(o.orderNumber!)!);

    proxy.setLatency(LATENCY_MS);
    world.clarus.injectFault({ kind: 'latency', ms: LATENCY_MS });
    service = await startSubject(
      'fulfilment-service/src/index.ts',
      world.env({ ...settings, CTP_API_URL: proxy.url, CTP_AUTH_URL: proxy.url, LOG_LEVEL: 'error' }),
    );
    world.clarus.configureWebhooks({
      dispatchUrl: `${service.url}/clarus/webhooks/dispatch?token=${encodeURIComponent(world.env().CLARUS_WEBHOOK_TOKEN!)}`,
    });

    // Writes per first delivery, from a few warm-up dispatches.
    proxy.reset();
    for (const id of ids.slice(0, warm)) await world.clarus.dispatch(id);
    const writesPerDispatch = proxy.total((k) => k.startsWith('POST') && !k.includes('/oauth')) / warm;

    proxy.reset();
    const cpuBefore = (await service.stats()).cpuMs;
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const answered: number[] = [];
    const inFlight: Promise<void>[] = [];
    let nextOriginal = warm;
    const everyDuplicate = Math.round(1 / DUPLICATE_SHARE);
    progress(`dispatch: ${total} webhooks at ${perSecond}/s (${duplicates} repeats)`);
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / perSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      const repeat = i % everyDuplicate === everyDuplicate - 1 && answered.length > 0;
      const id = repeat ? answered[Math.floor(Math.random() * answered.length)]! : ids[nextOriginal++]!;
      if (id === undefined) continue;
      const sent = performance.now();
      inFlight.push(
        (repeat
          ? world.clarus.fireDispatchWebhook(id)
          : world.clarus.dispatch(id).then((r) => r.webhookStatus ?? 0)
        ).then((status) => {
          latencies.push(performance.now() - sent);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (!repeat) answered.push(id);
        }),
      );
    }
    await Promise.all(inFlight);
    const originalsSent = nextOriginal - warm;
    const repeatsSent = latencies.length - originalsSent;
    const writes = proxy.total((k) => k.startsWith('POST') && !k.includes('/oauth'));
    const stats = await service.stats();
    return {
      perSecond,
      p99Ms: round(percentile(latencies, 99), 1),
      duplicateWrites: Math.max(0, Math.round(writes - originalsSent * writesPerDispatch)),
      detail: {
        webhooks: latencies.length,
        repeats: repeatsSent,
        p50Ms: round(percentile(latencies, 50), 1),
        maxMs: round(Math.max(...latencies), 1),
        non2xx: Object.entries(statuses)
          .filter(([s]) => !s.startsWith('2'))
          .reduce((n, [, v]) => n + v, 0),
        writesPerDispatch: round(writesPerDispatch, 2),
        commercetoolsWrites: writes,
        peakRssMb: round(stats.maxRssMb, 1),
        serviceCpuMsPerWebhook: round((stats.cpuMs - cpuBefore) / Math.max(1, latencies.length), 2),
      },
    };
  } finally {
    await service?.kill();
    await proxy.close();
    await world.close();
  }
}
