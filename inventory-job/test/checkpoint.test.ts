import { INVENTORY_JOB_NAME } from '@clarus-connector/core';
import {
  buildJob,
  expectConverged,
  inventoryWrites,
  openExceptionIds,
  seedScenario,
  startTestWorld,
  SCENARIO_ENV,
  type Scenario,
  type TestWorld,
} from './harness';

let world: TestWorld;
let scenario: Scenario;

beforeAll(async () => {
  world = await startTestWorld();
  scenario = await seedScenario(world);
});
afterAll(() => world?.close());

describe('time budget and checkpoints', () => {
  it('checkpoints, resumes where it stopped, and converges to the state of one full run', async () => {
    // Two batches of 50 SKUs per run stand in for "the budget is nearly spent" (deterministic).
    const job = buildJob(world, { env: SCENARIO_ENV, appOptions: { batchSize: 50, maxBatches: 2 } });
    const runs: Record<string, unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await job.post();
      expect(res.status).toBe(200);
      runs.push(res.body);
      if (res.body.outcome !== 'checkpointed') break;
      const saved = await job.integration.jobState.getCheckpoint<{ afterSku: string }>(INVENTORY_JOB_NAME);
      expect(saved?.data.afterSku).toBe(res.body.checkpoint);
    }
    // 270 SKUs sold of the 300 Clarus codes + 2 ghosts + 1 bundle = 273 SKUs = 6 batches of ≤ 50 (the 30
    // codes no SKU carries are reported once per run, never batched).
    expect(runs.map((r) => r.outcome)).toEqual(['checkpointed', 'checkpointed', 'finished']);
    expect(runs.map((r) => r.batches)).toEqual([2, 2, 2]);
    for (let i = 1; i < runs.length; i++) expect(runs[i]?.resumedAfter).toBe(runs[i - 1]?.checkpoint);
    const sum = (field: string) => runs.reduce((total, r) => total + Number(r[field]), 0);
    expect(sum('skusProcessed')).toBe(273);
    expect(sum('created')).toBe(313);
    expect(sum('failed')).toBe(0);
    expect(sum('exceptionsRaised')).toBe(32);
    expect(await job.integration.jobState.getCheckpoint(INVENTORY_JOB_NAME)).toBeUndefined();

    await expectConverged(world.api, scenario);
    expect(await openExceptionIds(job.integration, 'sku-not-held-by-clarus')).toEqual(['GHOST-1', 'GHOST-2']);
    expect(await openExceptionIds(job.integration, 'sku-not-sold-in-commercetools')).toEqual(
      scenario.notSold,
    );

    // A full run over the converged state has nothing left to write, and starts from the beginning.
    await world.ct.resetRequests();
    const full = await buildJob(world, { env: SCENARIO_ENV }).post();
    expect(full.body).toMatchObject({ outcome: 'finished', skusProcessed: 273, created: 0, updated: 0 });
    expect(full.body.resumedAfter).toBeUndefined();
    expect(await inventoryWrites(world)).toEqual([]);
  });
});
