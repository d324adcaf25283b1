/*
 * Cold start: each app process from fork to its first 200 on GET /health (bundled like a build, Connect's
 * heap limit), the median of three starts.
 */
import { startTestWorld } from '../sandbox/src';
import { startSubject } from './lib/subject';
import { round, type BenchMode } from './lib/util';

export const APPS = {
  'order-event-app': 'order-event-app/src/index.ts',
  'inventory-job': 'inventory-job/src/index.ts',
  'reconciliation-job': 'reconciliation-job/src/index.ts',
  'fulfilment-service': 'fulfilment-service/src/index.ts',
} as const;

export async function benchColdStart(mode: BenchMode): Promise<Record<string, number>> {
  const world = await startTestWorld();
  try {
    const env = world.env({ LOG_LEVEL: 'error' });
    const out: Record<string, number> = {};
    for (const [app, entry] of Object.entries(APPS)) {
      const times: number[] = [];
      for (let i = 0; i < (mode === 'smoke' ? 1 : 3); i++) {
        const subject = await startSubject(entry, env, app.endsWith('-job') ? 'job' : 'service');
        times.push(subject.coldStartMs);
        await subject.kill();
      }
      times.sort((a, b) => a - b);
      out[app] = round(times[Math.floor(times.length / 2)]!, 0);
    }
    return out;
  } finally {
    await world.close();
  }
}
