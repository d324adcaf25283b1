import type { Express } from 'express';
import request from 'supertest';
import { loadConfig, type Env } from '../src/config';
import { createIntegration, type Integration, type IntegrationOptions } from '../src/runtime';
import { OFFLINE_ENV, silentLogger } from './env';

/** An app's integration built offline (nothing is contacted while an app is built). */
export function offlineIntegration(
  requiredConfigKeys: (keyof Env)[],
  extraEnv: Record<string, string> = {},
  options: Pick<IntegrationOptions, 'alertWindowMs'> = {},
): Integration {
  return createIntegration({
    config: loadConfig({ ...OFFLINE_ENV, ...extraEnv }, requiredConfigKeys),
    logger: silentLogger(),
    ...options,
  });
}

/** The shared HTTP shell every app must be wired into: `/health`, and a clear 400 for malformed JSON. */
export function itServesTheSharedShell(build: () => Express, postPath = '/health'): void {
  it('answers GET /health with 200 JSON', async () => {
    const res = await request(build()).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers a malformed JSON body with a clear 400 from the shared error handler', async () => {
    const res = await request(build()).post(postPath).set('content-type', 'application/json').send('{bad');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_json', message: 'request body is not valid JSON' });
  });
}
