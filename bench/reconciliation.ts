/*
 * Reconciliation pass over the orders of its look-back window: 90 % exported and awaiting dispatch (the
 * dispatch catch-up looks each up in Clarus), 10 % never exported (the sweep exports them through the export
 * use case: claim, Clarus create, syncInfo). The job runs in its own process; 20 ms latency on every call.
 * Measured: wall time, the job's peak RSS (flat in the window: the pass holds one page), requests per order,
 * and whether the pass completed in one run or stopped at its time budget and resumed (runs are repeated
 * until the pass completes).
 *
 * The orders live in `instruments/orders-standin.ts` (a benchmark instrument behind the latency-modelled
 * `instruments/commercetools-standin.ts`): the commercetools mock scans every order per query, and seeding
 * 100,000 orders through it would take longer than the benchmark. Token, channel, Custom Objects (claims,
 * lock, checkpoint, exceptions) are the mock's; goods outs are the Clarus simulator's.
 * BENCH_RECONCILE_ORDERS overrides the window's size, BENCH_RECONCILE_TIME_BUDGET_MS the pass's budget.
 */
import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel } from '../core/src';
import { importOrder, seedProducts, seedShippingMethods, startTestWorld } from '../sandbox/src';
import { startCommercetoolsStandin } from './instruments/commercetools-standin';
import { createOrdersStandin, orderId, type SlimOrder } from './instruments/orders-standin';
import { startSubject } from './lib/subject';
import { postAndWait, progress, round, type BenchMode } from './lib/util';

const SIZES: Record<BenchMode, { orders: number }> = {
  full: { orders: 100_000 },
  quick: { orders: 10_000 },
  smoke: { orders: 60 },
};
const LATENCY_MS = 20;
/** Passes run until one completes; a pass that keeps stopping at its budget fails the benchmark here. */
const MAX_RUNS = 20;

export interface ReconciliationResult {
  orders: number;
  peakRssMb: number;
  wallMs: number;
  detail: Record<string, number | string | boolean>;
}

interface PassSummary {
  outcome: string;
  checkpoint?: unknown;
  orderSweep: { exported: number; pages: number; ordersRead: number };
  dispatchCatchUp: { orders: number; pages: number; ordersRead: number };
  requests?: { commercetools: number; clarus: number; ordersRead: number };
}

export async function benchReconciliation(mode: BenchMode): Promise<ReconciliationResult> {
  const count = Number(process.env.BENCH_RECONCILE_ORDERS ?? SIZES[mode].orders);
  const world = await startTestWorld();
  let job: Awaited<ReturnType<typeof startSubject>> | undefined;
  let standin: Awaited<ReturnType<typeof startCommercetoolsStandin>> | undefined;
  try {
    const skus = ['REC-A', 'REC-B', 'REC-C'];
    await seedProducts(
      world.api,
      skus.map((sku) => ({ sku })),
    );
    world.clarus.seedProducts(skus.map((code) => ({ code })));
    world.clarus.setStock(skus.map((productCode) => ({ productCode, available: 10 * count })));
    world.clarus.seedCarrierServices([{ code: 'DPD-NEXT' }]);
    const [method] = await seedShippingMethods(world.api, ['next-day']);
    const channel = await ensureClarusChannel(world.api);
    // One real order of the mock is the template every stand-in order is rendered from.
    const template: Order = await importOrder(world.api, {
      orderNumber: 'REC-TEMPLATE',
      lines: [{ sku: 'REC-A', quantity: 1 }],
      shippingMethod: method as ShippingMethod,
    });
    const settings = {
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      CLARUS_MAX_REQUESTS_PER_SECOND: '1000',
      CLARUS_MAX_CONCURRENCY: '16',
      RECONCILE_GRACE_MINUTES: '0',
      DISPATCH_CATCHUP_MIN_AGE_MINUTES: '0',
    };

    progress(`reconciliation: seeding ${count} orders (90 % exported, their goods outs in Clarus)`);
    const orders = createOrdersStandin(template);
    // Created when the connector was installed (the channel), so all are in the window.
    const at = channel.createdAt;
    const batch: SlimOrder[] = [];
    for (let i = 0; i < count; i++) {
      const id = orderId(i + 1);
      const orderNumber = `REC-${i}`;
      const syncInfo =
        i % 10 === 0
          ? []
          : [
              {
                channelId: channel.id,
                externalId: String(
                  world.clarus.seedGoodsOut({
                    reference: orderNumber,
                    externalSystemReference1: id,
                    lines: [{ productCode: 'REC-A', quantity: 1 }],
                  }).id,
                ),
                syncedAt: at,
              },
            ];
      batch.push({
        id,
        version: 1,
        orderNumber,
        createdAt: at,
        lastModifiedAt: at,
        orderState: 'Open',
        syncInfo,
      });
    }
    orders.add(batch);
    batch.length = 0;

    standin = await startCommercetoolsStandin({
      forwardTo: world.ct.env().CTP_API_URL!,
      latencyMs: LATENCY_MS,
      orders,
    });
    world.clarus.injectFault({ kind: 'latency', ms: LATENCY_MS });
    job = await startSubject(
      'bench/subjects/reconciliation-job.ts',
      world.env({
        ...settings,
        CTP_API_URL: standin.url,
        CTP_AUTH_URL: standin.url,
        LOG_LEVEL: 'error',
        // Live heap sampled every 2 s (a forced GC: a few ms each), next to the peak RSS.
        BENCH_HEAP_SAMPLE_MS: process.env.BENCH_HEAP_SAMPLE_MS ?? '2000',
        ...(process.env.BENCH_RECONCILE_TIME_BUDGET_MS
          ? { BENCH_RECONCILE_TIME_BUDGET_MS: process.env.BENCH_RECONCILE_TIME_BUDGET_MS }
          : {}),
      }),
      'job',
    );
    standin.reset();
    orders.reset();
    world.clarus.resetRequests();

    const passes: PassSummary[] = [];
    let wallMs = 0;
    for (let run = 1; run <= MAX_RUNS; run++) {
      progress(`reconciliation: pass run ${run} over ${count} orders`);
      const started = Date.now();
      const { body } = await postAndWait(`${job.url}/reconcile`);
      wallMs += Date.now() - started;
      const summary = body as unknown as PassSummary;
      passes.push(summary);
      if (summary.outcome !== 'checkpointed') break;
    }
    const stats = await job.stats();
    const heap = (await (await fetch(`${job.url}/__bench/heap`)).json()) as { peakLiveHeapMb: number };
    const last = passes[passes.length - 1]!;
    const sum = (f: (p: PassSummary) => number) => passes.reduce((n, p) => n + f(p), 0);
    const ct = sum((p) => p.requests?.commercetools ?? 0);
    const clarus = sum((p) => p.requests?.clarus ?? 0);
    const goodsOuts = world.clarus.goodsOuts().filter((g) => /^REC-\d+$/.test(g.attributes.reference));
    const references = new Set(goodsOuts.map((g) => g.attributes.reference));
    const instrument = orders.counts();
    return {
      orders: count,
      peakRssMb: round(stats.maxRssMb, 1),
      wallMs,
      detail: {
        peakLiveHeapMb: heap.peakLiveHeapMb,
        outcome: String(last.outcome ?? JSON.stringify(last)),
        runs: passes.length,
        resumed: passes.length > 1 && last.outcome !== 'checkpointed',
        exportedBySweep: sum((p) => p.orderSweep.exported),
        // Exactly once: one goods out per order of the window.
        everyOrderOnce: references.size === count && goodsOuts.length === count,
        commercetoolsRequestsPerOrder: round(ct / count, 3),
        clarusRequestsPerOrder: round(clarus / count, 3),
        commercetoolsRequests: ct,
        clarusRequests: clarus,
        pages: sum((p) => p.orderSweep.pages + p.dispatchCatchUp.pages),
        standinOrderQueries: instrument.queries,
        standinOrderWrites: instrument.writes,
      },
    };
  } finally {
    await job?.kill();
    await standin?.close();
    await world.close();
  }
}
