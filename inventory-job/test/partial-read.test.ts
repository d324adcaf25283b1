import { INVENTORY_JOB_NAME, type InventoryRunSummary } from '@clarus-connector/core';
import { inventoryByChannelKey } from '@clarus-connector/sandbox';
import {
  buildJob,
  expectConverged,
  inventoryWrites,
  lastRun,
  seedScenario,
  sku,
  startTestWorld,
  SCENARIO_ENV,
  type Scenario,
  type TestWorld,
} from './harness';

/**
 * Invariant 2: a partial read never counts as a complete one. A stock list whose GraphQL cursor stops
 * advancing must fail the run; before, the client took the stall for the end of the list, and every SKU
 * after it counted as "not held by Clarus" and went to 0 on every channel.
 */
describe('inventory run with a stalled Clarus cursor', () => {
  let world: TestWorld;
  let scenario: Scenario;
  beforeAll(async () => {
    world = await startTestWorld();
    scenario = await seedScenario(world, 30);
    expect((await buildJob(world, { env: SCENARIO_ENV, pageSize: 10 }).post()).body.outcome).toBe('finished');
  });
  afterEach(() => world.clarus.clearFaults());
  afterAll(() => world?.close());

  it('fails the run and writes nothing (no SKU after the stall goes to 0), then recovers', async () => {
    // Clarus stock moved: a run that got through would write every SKU.
    for (let i = 0; i < 30; i++) scenario.available.set(sku(i), (scenario.available.get(sku(i)) ?? 0) + 3);
    world.clarus.setStock(
      [...scenario.available].map(([productCode, available]) => ({ productCode, available })),
    );
    const before = await inventoryByChannelKey(world.api, scenario.channels);
    // Page 2 of stock_balances (asked after page 1's cursor) comes back with that same cursor.
    world.clarus.injectFault({ kind: 'cursor_stall', list: 'stock_balances' });
    const job = buildJob(world, { env: SCENARIO_ENV, pageSize: 10 });
    await world.ct.resetRequests();

    const res = await job.post();

    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ outcome: 'failed', created: 0, updated: 0 });
    expect(res.body.message).toMatch(/stock_balances could not be read to its end \(cursor_stalled\)/);
    expect(await inventoryWrites(world)).toEqual([]);
    expect(await inventoryByChannelKey(world.api, scenario.channels)).toEqual(before);
    expect(await lastRun(job.integration)).toMatchObject<Partial<InventoryRunSummary>>({ outcome: 'failed' });
    expect((await job.integration.jobLock.inspect(INVENTORY_JOB_NAME))?.live).toBe(false);

    world.clarus.clearFaults();
    const recovered = await buildJob(world, { env: SCENARIO_ENV, pageSize: 10 }).post();
    expect(recovered.body).toMatchObject({ outcome: 'finished', skusRead: 30 });
    await expectConverged(world.api, scenario);
  });
});
