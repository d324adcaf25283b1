/*
 * Dispatch webhooks: Clarus (the simulator) posts dispatch automations to the fulfilment service (its own
 * process) at a steady rate, 10 % of them repeats of a webhook already answered; 20 ms latency on every
 * Clarus and commercetools call. Measured: answer time per webhook (p50/p99, first deliveries and repeats
 * apart) and commercetools writes the repeats caused (should be none); the service's CPU and requests per
 * webhook; and what the stand-ins cost meanwhile — this process's CPU and event-loop delay (it runs the
 * simulator, the latency proxy and the timing), the commercetools emulator's CPU and the machine's load —
 * so a p99 that waited for the stand-ins or for a busy machine shows as such (a WARNING on stderr).
 * BENCH_CPU_PROF=<dir> writes CPU profiles of the service and of this process's webhook phase.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

/** `size` overrides the mode's rate or duration (for trying sizes between quick and full). */
export async function benchDispatch(
  mode: BenchMode,
  size: Partial<(typeof SIZES)[BenchMode]> = {},
): Promise<DispatchResult> {
  const { perSecond, seconds } = { ...SIZES[mode], ...size };
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
    const exportStarted = Date.now();
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
    progress(`dispatch: exported in ${Date.now() - exportStarted} ms`);
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
    world.clarus.resetRequests();
    const cpuBefore = (await service.stats()).cpuMs;
    const benchCpuBefore = process.cpuUsage();
    const emulatorCpuBefore = childCpuMs('commercetools-emulator');
    const machineBefore = machineCpu();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const benchProfile = await startProfile();
    const latencies: number[] = [];
    const firstLatencies: number[] = [];
    const repeatLatencies: number[] = [];
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
          (repeat ? repeatLatencies : firstLatencies).push(performance.now() - sent);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (!repeat) answered.push(id);
        }),
      );
    }
    await Promise.all(inFlight);
    const wallMs = Date.now() - started;
    loopDelay.disable();
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const emulatorCpuMs = childCpuMs('commercetools-emulator') - emulatorCpuBefore;
    const machine = machineCpu();
    await benchProfile?.stop('dispatch-bench-process');
    const originalsSent = nextOriginal - warm;
    const repeatsSent = latencies.length - originalsSent;
    const writes = proxy.total((k) => k.startsWith('POST') && !k.includes('/oauth'));
    const stats = await service.stats();
    const machineBusyShare = round(
      1 - (machine.idle - machineBefore.idle) / Math.max(1, machine.total - machineBefore.total),
      2,
    );
    const loopDelayP99Ms = round(loopDelay.percentile(99) / 1e6, 1);
    if (loopDelayP99Ms > 50 || machineBusyShare > 0.9) {
      progress(
        `dispatch: WARNING the answer times include waiting for the stand-ins or for CPU: benchmark process ` +
          `event-loop delay p99 ${loopDelayP99Ms} ms, machine ${Math.round(machineBusyShare * 100)} % busy`,
      );
    }
    progress(`dispatch: commercetools requests ${describeCounts(proxy.counts(), latencies.length)}`);
    progress(
      `dispatch: Clarus requests ${describeCounts(clarusCounts(world.clarus.requests), latencies.length)}`,
    );
    return {
      perSecond,
      p99Ms: round(percentile(latencies, 99), 1),
      duplicateWrites: Math.max(0, Math.round(writes - originalsSent * writesPerDispatch)),
      detail: {
        webhooks: latencies.length,
        repeats: repeatsSent,
        p50Ms: round(percentile(latencies, 50), 1),
        p99FirstDeliveryMs: round(percentile(firstLatencies, 99), 1),
        p99RepeatMs: round(percentile(repeatLatencies, 99), 1),
        maxMs: round(Math.max(...latencies), 1),
        non2xx: Object.entries(statuses)
          .filter(([s]) => !s.startsWith('2'))
          .reduce((n, [, v]) => n + v, 0),
        writesPerDispatch: round(writesPerDispatch, 2),
        commercetoolsWrites: writes,
        peakRssMb: round(stats.maxRssMb, 1),
        serviceCpuMsPerWebhook: round((stats.cpuMs - cpuBefore) / Math.max(1, latencies.length), 2),
        commercetoolsRequestsPerWebhook: round(
          proxy.total((k) => !k.includes('/oauth')) / Math.max(1, latencies.length),
          2,
        ),
        clarusRequestsPerWebhook: round(
          world.clarus.requests.filter((r) => r.path !== '/oauth/token' && !r.path.startsWith('/_')).length /
            Math.max(1, latencies.length),
          2,
        ),
        benchCpuShare: round((benchCpu.user + benchCpu.system) / 1000 / Math.max(1, wallMs), 2),
        emulatorCpuShare: round(emulatorCpuMs / Math.max(1, wallMs), 2),
        machineBusyShare,
        benchLoopDelayP99Ms: loopDelayP99Ms,
        benchLoopDelayMaxMs: round(loopDelay.max / 1e6, 1),
      },
    };
  } finally {
    // A graceful stop lets `--cpu-prof` write its profile (BENCH_CPU_PROF, bench/lib/subject.ts).
    await service?.kill(process.env.BENCH_CPU_PROF ? 'SIGTERM' : 'SIGKILL');
    await proxy.close();
    await world.close();
  }
}

/** `key ×per-webhook` for each request kind, most frequent first. */
function describeCounts(counts: Map<string, number>, webhooks: number): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${round(n / Math.max(1, webhooks), 2)}`)
    .join(', ');
}

/** Clarus requests by method, path and (for GraphQL) the root fields selected. */
function clarusCounts(requests: readonly { method: string; path: string; body?: unknown }[]) {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const query = (r.body as { query?: unknown } | undefined)?.query;
    const roots =
      typeof query === 'string' ? [...query.matchAll(/(\w+)\s*\{\s*all\(/g)].map((m) => m[1]).join('+') : '';
    const key = `${r.method} ${r.path}${roots ? ` ${roots}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** CPU ms so far of this process's child whose command line contains `name` (Linux /proc; NaN elsewhere). */
function childCpuMs(name: string): number {
  try {
    const tick = 10; // USER_HZ is 100 on Linux: one clock tick = 10 ms
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ');
      for (const pid of children.filter(Boolean)) {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name)) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime
      }
    }
  } catch {
    // not Linux, or the process is gone
  }
  return NaN;
}

/** Machine-wide CPU ticks (all cores), total and idle, from /proc/stat (zeros elsewhere). */
function machineCpu(): { total: number; idle: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { total: cpu.reduce((a, b) => a + b, 0), idle: cpu[3]! + (cpu[4] ?? 0) };
  } catch {
    return { total: 0, idle: 0 };
  }
}

/**
 * With BENCH_CPU_PROF=<dir>: a V8 CPU profile of this (the benchmark's) process over the webhook phase, to
 * see what the stand-ins cost while the service is measured; `undefined` otherwise.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
