/*
 * Benchmark entry of the order event app: the app exactly as `order-event-app/src/index.ts` starts it, with
 * one benchmark setting — the ambiguous-create hold (ADR 0006, 5 minutes in production) from
 * BENCH_AMBIGUOUS_HOLD_MS, so a create answered 5xx (1 % of requests here) is retried within the run.
 */
import { runApp, type IntegrationOptions } from '../../core/src';
import { createApp, requiredConfigKeys, SERVICE_NAME } from '../../order-event-app/src/app';

const hold = Number(process.env.BENCH_AMBIGUOUS_HOLD_MS ?? 2000);
// runApp passes `integration` through to createIntegration; its type names only the option apps use.
const integration = { ambiguousCreateHoldMs: hold } as Pick<IntegrationOptions, 'alertWindowMs'>;

runApp({ serviceName: SERVICE_NAME, requiredConfigKeys, createApp: (i) => createApp(i), integration }).catch(
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
