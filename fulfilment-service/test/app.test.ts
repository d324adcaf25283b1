import { Writable } from 'node:stream';
import request from 'supertest';
import { OFFLINE_ENV } from '@clarus-connector/core/testing';
import { ConfigError, createIntegration, createLogger, loadConfig } from '@clarus-connector/core';
import { createApp, requiredConfigKeys, SERVICE_NAME } from '../src/app';

// Nothing is contacted while building the app.
const env = { ...OFFLINE_ENV, CLARUS_WEBHOOK_TOKEN: 'webhook-token-123', OPS_API_TOKEN: 'ops-token-123' };

function buildApp() {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const logger = createLogger({ service: SERVICE_NAME, stream: sink });
  return createApp(createIntegration({ config: loadConfig(env, requiredConfigKeys), logger }));
}

describe('fulfilment-service app', () => {
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

  it('refuses to start without the webhook and ops tokens, naming both keys', () => {
    const { CLARUS_WEBHOOK_TOKEN: _w, OPS_API_TOKEN: _o, ...withoutTokens } = env;
    expect(() => loadConfig(withoutTokens, requiredConfigKeys)).toThrow(ConfigError);
    expect(() => loadConfig(withoutTokens, requiredConfigKeys)).toThrow(
      /CLARUS_WEBHOOK_TOKEN[\s\S]*OPS_API_TOKEN/,
    );
  });
});
