import { Writable } from 'node:stream';
import type { ShippingMethod } from '@commercetools/platform-sdk';
import {
  ensureClarusChannel,
  createClarusClient,
  createIntegration,
  createLogger,
  type HealthReport,
  type Integration,
} from '@clarus-connector/core';
import {
  importOrder,
  seedInventoryEntries,
  seedProducts,
  seedShippingMethods,
  seedSupplyChannels,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';

const AUTH = { Authorization: 'Bearer test-ops-token-456' };
const SETTINGS = {
  CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
  CLARUS_WAREHOUSE_ID: '1',
};

let world: TestWorld;
let integration: Integration;
let app: ReturnType<typeof createApp>;
let nextDay: ShippingMethod;

beforeAll(async () => {
  world = await startTestWorld();
  // post-deploy creates the channel at installation; orders before it are out of scope.
  await ensureClarusChannel(world.api);
  const config = world.config(SETTINGS);
  const logger = createLogger({
    service: 'ops-health-test',
    level: config.logLevel,
    stream: process.env.LOG_LEVEL ? undefined : new Writable({ write: (_c, _e, done) => done() }),
  });
  const clarus = createClarusClient({
    config: config.clarus,
    logger,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  integration = createIntegration({ config, logger, clarus, alertWindowMs: 0 });
  app = createApp(integration);
  await seedProducts(world.api, [{ sku: 'MUG-1' }]);
  nextDay = (await seedShippingMethods(world.api, ['next-day']))[0]!;
  world.clarus.seedProducts([{ code: 'MUG-1' }]);
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
  world.clarus.setStock([{ productCode: 'MUG-1', available: 100 }]);
  const [web] = await seedSupplyChannels(world.api, ['web-uk']);
  await seedInventoryEntries(world.api, [{ sku: 'MUG-1', channel: web!, quantity: 5 }]);
});

beforeEach(() => world.clarus.clearFaults());

afterAll(async () => {
  await world?.close();
});

const health = async (): Promise<HealthReport> => {
  const res = await request(app).get('/ops/health').set(AUTH);
  expect(res.status).toBe(200);
  return res.body as HealthReport;
};

describe('GET /ops/health', () => {
  it('reports a real failed inventory run, then the recovery, the reconciliation pass and open exceptions', async () => {
    // Clarus is down for the whole inventory run.
    world.clarus.injectFault({ kind: 'server_error', status: 503, match: { path: '/graphql' } });
    const failed = await integration.inventorySync.run();
    world.clarus.clearFaults();
    expect(failed.kind === 'ran' && failed.summary.outcome).toBe('failed');

    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.inventory).toMatchObject({
      jobName: 'inventory-sync',
      lastRun: {
        outcome: 'failed',
        reason: 'clarus-unavailable',
        durationMs: expect.any(Number),
        at: expect.any(String),
        ageSeconds: expect.any(Number),
      },
    });
    expect(degraded.reconciliation).toEqual({ jobName: 'reconciliation', lastRun: null });
    expect(degraded.problems).toEqual(
      expect.arrayContaining([
        'inventory-sync: last run failed (clarus-unavailable)',
        'reconciliation: no run recorded yet',
      ]),
    );
    expect(degraded.reachability.clarus.reachable).toBe(true);
    expect(degraded.reachability.commercetools.reachable).toBe(true);

    // Both jobs run fine: ok.
    const fixed = await integration.inventorySync.run();
    expect(fixed.kind === 'ran' && fixed.summary.outcome).toBe('finished');
    const pass = await integration.reconciliation.run();
    expect(pass.kind === 'ran' && pass.summary.outcome).toBe('completed');
    const ok = await health();
    expect(ok.problems).toEqual([]);
    expect(ok.status).toBe('ok');
    expect(ok.inventory).toMatchObject({ lastRun: { outcome: 'finished' } });
    expect(ok.reconciliation).toMatchObject({
      lastRun: { outcome: 'completed', durationMs: expect.any(Number) },
    });
  });

  it('counts the orders waiting for export with the oldest, and open exceptions by kind and team', async () => {
    const first = await importOrder(world.api, {
      orderNumber: 'WAIT-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    await importOrder(world.api, {
      orderNumber: 'WAIT-2',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const exported = await importOrder(world.api, {
      orderNumber: 'WAIT-3',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    expect((await integration.orderExport.exportOrder({ orderId: exported.id })).kind).toBe('exported');
    await integration.exceptions.raise({
      kind: 'stock-drift',
      entity: { type: 'sku', id: 'MUG-1', sku: 'MUG-1' },
      message: 'drift',
    });
    await integration.exceptions.raise({
      kind: 'fulfilment-stuck',
      entity: { type: 'order', id: exported.id, orderNumber: 'WAIT-3' },
      message: 'stuck',
    });

    const report = await health();
    expect(report.ordersWaitingForExport).toMatchObject({
      count: 2,
      oldest: {
        orderId: first.id,
        orderNumber: 'WAIT-1',
        createdAt: first.createdAt,
        ageMinutes: expect.any(Number),
      },
    });
    expect(report.exceptions).toMatchObject({
      total: 2,
      byKind: { 'stock-drift': 1, 'fulfilment-stuck': 1 },
      byTeam: { ecommerce: 0, operations: 1, finance: 1 },
    });
  });

  it('shows Clarus unreachable without failing the report', async () => {
    world.clarus.injectFault({ kind: 'drop' });
    const report = await health();
    world.clarus.clearFaults();
    expect(report.status).toBe('degraded');
    expect(report.reachability.clarus).toMatchObject({ reachable: false, error: expect.any(String) });
    expect(report.reachability.commercetools.reachable).toBe(true);
    expect(report.problems.some((p) => p.startsWith('Clarus unreachable'))).toBe(true);
  });
});
