import request from 'supertest';
import { OFFLINE_ENV, silentLogger } from '@clarus-connector/core/testing';
import { createIntegration, loadConfig, type ReconciliationResult } from '@clarus-connector/core';
import { createApp, requiredConfigKeys, SERVICE_NAME } from '../src/app';

// Nothing is contacted while building the app.
const env = { ...OFFLINE_ENV };

function buildApp() {
  const logger = silentLogger(SERVICE_NAME);
  return createApp(
    createIntegration({ config: loadConfig(env, requiredConfigKeys), logger, alertWindowMs: 0 }),
  );
}

/** The app around a stand-in pass, to pin the route's answers. */
function withResult(result: ReconciliationResult) {
  return createApp({ logger: silentLogger(SERVICE_NAME), reconciliation: { run: async () => result } });
}

describe('reconciliation-job app', () => {
  it('answers GET /health with 200 JSON', async () => {
    const res = await request(buildApp()).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers a malformed JSON body with a clear 400 from the shared error handler', async () => {
    const res = await request(buildApp())
      .post('/health')
      .set('content-type', 'application/json')
      .send('{bad');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_json', message: 'request body is not valid JSON' });
  });

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
