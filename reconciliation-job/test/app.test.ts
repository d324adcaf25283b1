import request from 'supertest';
import { itServesTheSharedShell, offlineIntegration, silentLogger } from '@clarus-connector/core/testing';
import type { ReconciliationResult } from '@clarus-connector/core';
import { createApp, requiredConfigKeys, SERVICE_NAME } from '../src/app';

const buildApp = () => createApp(offlineIntegration(requiredConfigKeys, {}, { alertWindowMs: 0 }));

/** The app around a stand-in pass, to pin the route's answers. */
function withResult(result: ReconciliationResult) {
  return createApp({ logger: silentLogger(SERVICE_NAME), reconciliation: { run: async () => result } });
}

describe('reconciliation-job app', () => {
  itServesTheSharedShell(buildApp);

  it('answers POST /reconcile with the summary: 200 when completed, 503 when a step failed, 200 skipped when locked', async () => {
    const summary = { runId: 'r1', outcome: 'completed' } as never;
    const ok = await request(withResult({ kind: 'ran', summary })).post('/reconcile');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ runId: 'r1', outcome: 'completed' });

    const partial = { runId: 'r2', outcome: 'partial' } as never;
    expect((await request(withResult({ kind: 'ran', summary: partial })).post('/reconcile')).status).toBe(
      503,
    );

    const locked = await request(withResult({ kind: 'skipped', reason: 'locked' })).post('/reconcile');
    expect(locked.status).toBe(200);
    expect(locked.body).toEqual({ skipped: 'locked' });
  });

  it('answers 503 with the reason when neither commercetools nor Clarus can be reached', async () => {
    const res = await request(buildApp()).post('/reconcile');
    expect(res.status).toBe(503);
    expect(res.body.outcome).toBe('failed');
    expect(res.body.error).toMatch(/commercetools|job lock/);
  });
});
