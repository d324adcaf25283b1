import request from 'supertest';
import type { InventorySync } from '@clarus-connector/core';
import { itServesTheSharedShell, offlineIntegration } from '@clarus-connector/core/testing';
import { createApp, INVENTORY_SYNC_PATH, requiredConfigKeys } from '../src/app';

function buildApp(run?: InventorySync['run']) {
  const integration = offlineIntegration(requiredConfigKeys);
  if (run) integration.inventorySync.run = run;
  return createApp(integration);
}

describe('inventory-job app', () => {
  itServesTheSharedShell(() => buildApp(), INVENTORY_SYNC_PATH);

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
