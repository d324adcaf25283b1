import { Writable } from 'node:stream';
import request from 'supertest';
import { OFFLINE_ENV } from '@clarus-connector/core/testing';
import { createIntegration, createLogger, loadConfig, type InventorySync } from '@clarus-connector/core';
import { createApp, INVENTORY_SYNC_PATH, requiredConfigKeys, SERVICE_NAME } from '../src/app';

// Nothing is contacted while building the app.
const env = { ...OFFLINE_ENV };

function buildApp(run?: InventorySync['run']) {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const logger = createLogger({ service: SERVICE_NAME, stream: sink });
  const integration = createIntegration({ config: loadConfig(env, requiredConfigKeys), logger });
  if (run) integration.inventorySync.run = run;
  return createApp(integration);
}

describe('inventory-job app', () => {
  it('answers GET /health with 200 JSON', async () => {
    const res = await request(buildApp()).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers a malformed JSON body with a clear 400 from the shared error handler', async () => {
    const res = await request(buildApp())
      .post(INVENTORY_SYNC_PATH)
      .set('content-type', 'application/json')
      .send('{bad');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_json', message: 'request body is not valid JSON' });
  });

  it('answers 503 with the summary when commercetools cannot be reached at all', async () => {
    const res = await request(buildApp()).post(INVENTORY_SYNC_PATH).send();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ outcome: 'failed', reason: 'commercetools-unavailable' });
  });

  it('answers 200 {"skipped":"locked"} when another run holds the lock', async () => {
    const res = await request(buildApp(async () => ({ kind: 'skipped', reason: 'locked' })))
      .post(INVENTORY_SYNC_PATH)
      .send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ skipped: 'locked' });
  });
});
