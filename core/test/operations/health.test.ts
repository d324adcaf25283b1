import { createHealthCheck, healthProblems, jobRunHealth } from '../../src';
import { silentLogger } from '../../testing';

const NOW = Date.parse('2030-01-01T12:00:00.000Z');

describe('health (pure parts)', () => {
  it('reads any job’s last-run summary', () => {
    expect(
      jobRunHealth(
        {
          jobName: 'inventory-sync',
          savedAt: '2030-01-01T11:59:00.000Z',
          summary: {
            outcome: 'failed',
            reason: 'clarus-unavailable',
            message: 'Clarus answered 503',
            startedAt: '2030-01-01T11:58:00.000Z',
            finishedAt: '2030-01-01T11:58:30.000Z',
            durationMs: 30_000,
          },
        },
        NOW,
      ),
    ).toEqual({
      at: '2030-01-01T11:58:30.000Z',
      startedAt: '2030-01-01T11:58:00.000Z',
      outcome: 'failed',
      reason: 'clarus-unavailable',
      message: 'Clarus answered 503',
      durationMs: 30_000,
      ageSeconds: 90,
    });
    expect(jobRunHealth({ jobName: 'x', savedAt: '2030-01-01T11:00:00.000Z', summary: null }, NOW)).toEqual({
      at: '2030-01-01T11:00:00.000Z',
      ageSeconds: 3600,
    });
  });

  it('is degraded when a system is unreachable or a job failed or never ran', () => {
    const up = { reachable: true, latencyMs: 5 };
    const ran = (outcome: string) => ({ jobName: 'j', lastRun: { at: 'x', ageSeconds: 1, outcome } });
    expect(
      healthProblems({
        inventory: ran('finished'),
        reconciliation: ran('completed'),
        clarus: up,
        commercetools: up,
      }),
    ).toEqual([]);
    expect(
      healthProblems({
        inventory: { jobName: 'inventory-sync', lastRun: null },
        reconciliation: ran('partial'),
        clarus: { reachable: false, latencyMs: 3000, error: 'no answer within 3000 ms' },
        commercetools: up,
      }),
    ).toEqual([
      'Clarus unreachable: no answer within 3000 ms',
      'inventory-sync: no run recorded yet',
      'j: last run partial',
    ]);
  });
});

describe('createHealthCheck', () => {
  it('reports each part on its own: a failing part says why, a hanging probe times out', async () => {
    const check = createHealthCheck({
      jobState: { getLastRun: async () => undefined },
      exceptions: {
        countsOpen: async () => {
          throw new Error('commercetools answered 500');
        },
      },
      jobs: { inventory: 'inventory-sync', reconciliation: 'reconciliation' },
      waitingOrders: async () => ({ count: 0 }),
      lookbackHours: 72,
      probes: {
        clarus: (signal) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
        commercetools: async () => ({}),
      },
      probeTimeoutMs: 50,
      now: () => NOW,
      logger: silentLogger(),
    });
    const report = await check.report();
    expect(report.exceptions).toEqual({ error: 'commercetools answered 500' });
    expect(report.ordersWaitingForExport).toEqual({
      count: 0,
      since: '2029-12-29T12:00:00.000Z',
      oldest: null,
    });
    expect(report.reachability.clarus).toMatchObject({ reachable: false, error: 'no answer within 50 ms' });
    expect(report.reachability.commercetools.reachable).toBe(true);
    expect(report.status).toBe('degraded');
  });
});
