/*
 * Benchmark entry of the reconciliation job: the app exactly as `reconciliation-job/src/index.ts` starts it,
 * with benchmark settings passed as run options — orders per page (BENCH_RECONCILE_PAGE_SIZE, default the
 * product's 200) and the pass's time budget (BENCH_RECONCILE_TIME_BUDGET_MS, default the product's 20
 * minutes), so the benchmark can show a pass that stops at its budget and the next one resuming.
 * BENCH_HEAP_SAMPLE_MS: every so often collect garbage and keep the largest live heap, answered on
 * GET /__bench/heap — what the pass retains, as opposed to garbage V8 has not collected yet (RSS).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { runApp, type ReconciliationRunOptions } from '../../core/src';
import { createApp, requiredConfigKeys, SERVICE_NAME } from '../../reconciliation-job/src/app';

const options: ReconciliationRunOptions = {
  ...(process.env.BENCH_RECONCILE_PAGE_SIZE
    ? { pageSize: Number(process.env.BENCH_RECONCILE_PAGE_SIZE) }
    : {}),
  ...(process.env.BENCH_RECONCILE_TIME_BUDGET_MS
    ? { timeBudgetMs: Number(process.env.BENCH_RECONCILE_TIME_BUDGET_MS) }
    : {}),
};

let peakLiveHeap = 0;
let sample = () => {};
const sampleMs = Number(process.env.BENCH_HEAP_SAMPLE_MS ?? 0);
if (sampleMs > 0) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  sample = () => {
    gc();
    peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
  };
  setInterval(sample, sampleMs).unref();
}

runApp({
  serviceName: SERVICE_NAME,
  requiredConfigKeys,
  createApp: (integration) => {
    const app = createApp(integration, options);
    app.get('/__bench/heap', (_req, res) => {
      sample();
      res.json({ peakLiveHeapMb: Math.round((peakLiveHeap / 1048576) * 10) / 10 });
    });
    return app;
  },
  // One alert message per pass, as in reconciliation-job/src/index.ts.
  integration: { alertWindowMs: 0 },
}).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
