import {
  buildJob,
  CHANNEL_KEYS,
  expectConverged,
  expectedAts,
  inventoryWrites,
  lastRun,
  openExceptionIds,
  seedScenario,
  sku,
  startTestWorld,
  SCENARIO_ENV,
  type JobUnderTest,
  type Scenario,
  testClock,
  type TestWorld,
} from './harness';
import { inventoryByChannelKey } from '@clarus-connector/sandbox';

// One world for the file: the tests run in order and each builds on the state the previous one left.
let world: TestWorld;
let scenario: Scenario;
let job: JobUnderTest;

beforeAll(async () => {
  world = await startTestWorld();
  scenario = await seedScenario(world);
  job = buildJob(world, { env: SCENARIO_ENV });
});

afterAll(async () => {
  await world?.close();
});

describe('POST /inventory-sync against the emulators', () => {
  it('writes ATS for 300 SKUs on 3 supply channels: safety stock, in-flight orders, missing entries created', async () => {
    const res = await job.post();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: 'finished',
      channels: CHANNEL_KEYS,
      // 270 codes are SKUs commercetools sells; the other 30 no SKU of the catalogue translates to.
      skusRead: 270,
      unmappedCodes: 30,
      collisions: 0,
      skippedNewer: 0,
      // 0–249 lack market; 250–269 and the bundle have no entries at all.
      created: 250 + 20 * 3 + 3,
      bundles: 1,
      failed: 0,
      inFlightOrders: 2,
      // 30 not sold + 2 not held.
      exceptionsRaised: 32,
    });
    expect(res.body.updated + res.body.unchanged).toBe(500 + 2);
    expect(res.body.durationMs).toEqual(expect.any(Number));
    await expectConverged(world.api, scenario);
    // Spot checks of the rules, so a wrong expectation cannot hide behind the helper.
    expect(expectedAts(scenario, sku(1), 'web')).toBe(37 - 2 - 2);
    expect(expectedAts(scenario, sku(4), 'market')).toBe(Math.max(0, ((4 * 37) % 61) - 4 - 5));
    expect(expectedAts(scenario, sku(7), 'market')).toBe((7 * 37) % 61);

    expect(await openExceptionIds(job.integration, 'sku-not-held-by-clarus')).toEqual(['GHOST-1', 'GHOST-2']);
    expect(await openExceptionIds(job.integration, 'sku-not-sold-in-commercetools')).toEqual(
      scenario.notSold,
    );
    expect(await lastRun(job.integration)).toMatchObject({ outcome: 'finished', created: 313 });
  });

  it('makes zero inventory writes when Clarus did not change, and exactly 7 × channels after 7 SKUs change', async () => {
    await world.ct.resetRequests();
    const again = await job.post();
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      outcome: 'finished',
      created: 0,
      updated: 0,
      failed: 0,
      exceptionsRaised: 0,
    });
    expect(again.body.unchanged).toBe(313 + 502);
    expect(await inventoryWrites(world)).toEqual([]);
    // Issue 11: every entry is read once, by the catalogue scan (815 entries = 2 pages of 500); no batch
    // reads its entries again.
    const entryQueries = (await world.ct.requests()).filter(
      (r) => r.method === 'GET' && /\/inventory\?/.test(r.url),
    );
    expect(entryQueries).toHaveLength(Math.ceil((313 + 502) / 500));

    const changed = [3, 10, 42, 99, 150, 200, 249].map(sku);
    world.clarus.setStock(changed.map((s, i) => ({ productCode: s, available: 500 + i })));
    for (const [i, s] of changed.entries()) scenario.available.set(s, 500 + i);
    await world.ct.resetRequests();
    const third = await job.post();
    expect(third.body).toMatchObject({ outcome: 'finished', updated: 7 * 3, created: 0, failed: 0 });
    const writes = await inventoryWrites(world);
    expect(writes).toHaveLength(7 * CHANNEL_KEYS.length);
    expect(writes.every((w) => w.status === 200)).toBe(true);
    await expectConverged(world.api, scenario);
  });

  it('resolves exceptions whose condition cleared', async () => {
    // GHOST-1 now exists in Clarus; GHOST-2's entry is deleted; SKU-0270 becomes a product in commercetools.
    world.clarus.seedProducts([{ code: 'GHOST-1' }]);
    world.clarus.setStock([{ productCode: 'GHOST-1', available: 12 }]);
    const ghost2 = (
      await world.api
        .inventory()
        .get({ queryArgs: { where: 'sku = "GHOST-2"' } })
        .execute()
    ).body.results[0]!;
    await world.api
      .inventory()
      .withId({ ID: ghost2.id })
      .delete({ queryArgs: { version: ghost2.version } })
      .execute();
    const { seedProducts } = await import('@clarus-connector/sandbox');
    await seedProducts(world.api, [{ sku: sku(270) }]);

    const res = await job.post();
    expect(res.body).toMatchObject({ outcome: 'finished', created: 3 + 2, exceptionsResolved: 3, failed: 0 });
    expect(await openExceptionIds(job.integration, 'sku-not-held-by-clarus')).toEqual([]);
    expect(await openExceptionIds(job.integration, 'sku-not-sold-in-commercetools')).toEqual(
      scenario.notSold.slice(1),
    );
    const state = await inventoryByChannelKey(world.api, scenario.channels);
    // GHOST-1: 12 − 1 on web and store, 12 − 5 on market (created now that Clarus holds it).
    expect(state.get('GHOST-1')).toEqual({ web: [11], store: [11], market: [7] });
    scenario.available.set('GHOST-1', 12);
    scenario.synced.push('GHOST-1', sku(270));
    scenario.ghosts = [];
    scenario.notSold = scenario.notSold.slice(1);
    await expectConverged(world.api, scenario);
    const available270 = (270 * 37) % 61;
    expect(state.get(sku(270))).toEqual({
      web: [available270 - 1],
      store: [available270 - 1],
      market: [available270 - 5],
    });
  });

  it('raises inventory-write-failed for a write the API refuses, and resolves it on a later success', async () => {
    world.clarus.setStock([{ productCode: sku(20), available: 33 }]);
    scenario.available.set(sku(20), 33);
    const entry = (
      await world.api
        .inventory()
        .get({
          queryArgs: { where: `sku = "${sku(20)}" and supplyChannel(id = "${scenario.channels[0]!.id}")` },
        })
        .execute()
    ).body.results[0]!;
    await world.ct.failNext({ method: 'POST', path: `/inventory/${entry.id}`, status: 400 });
    const failing = await job.post();
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({ outcome: 'finished', failed: 1, updated: 2, exceptionsRaised: 1 });
    const [exception] = (await job.integration.exceptions.list({ status: 'open' })).filter(
      (e) => e.kind === 'inventory-write-failed',
    );
    expect(exception).toMatchObject({ entity: { type: 'sku', id: sku(20) }, team: 'operations' });
    expect(exception?.message).toContain('market');

    const next = await job.post();
    expect(next.body).toMatchObject({ outcome: 'finished', failed: 0, updated: 1, exceptionsResolved: 1 });
    expect(await openExceptionIds(job.integration, 'inventory-write-failed')).toEqual([]);
    await expectConverged(world.api, scenario);
  });

  it('syncs one SKU for the stock webhook: product_code filter, only what differs on every channel', async () => {
    world.clarus.setStock([{ productCode: sku(30), available: 60 }]);
    scenario.available.set(sku(30), 60);
    world.clarus.resetRequests();
    await world.ct.resetRequests();
    const result = await job.integration.inventorySync.syncSkus([sku(30)]);
    expect(result).toMatchObject({ skus: [sku(30)], synced: [sku(30)], updated: 3, created: 0, failed: 0 });
    expect(await inventoryWrites(world)).toHaveLength(3);
    const graphql = world.clarus.requests.filter((r) => r.path === '/graphql');
    expect(graphql).toHaveLength(1);
    expect(JSON.stringify(graphql[0]?.body)).toContain(`"product_code":{"in":["${sku(30)}"]}`);
    const state = await inventoryByChannelKey(world.api, scenario.channels);
    expect(state.get(sku(30))).toEqual({ market: [55], store: [59], web: [59] });

    // Same again: nothing differs, nothing is written. By Clarus code too (through the catalogue index:
    // a code no SKU with entries or a variant carries is unmapped, never guessed).
    await world.ct.resetRequests();
    const again = await job.integration.inventorySync.syncProductCodes([sku(30), 'NO SUCH CODE']);
    expect(again).toMatchObject({
      skus: [sku(30)],
      updated: 0,
      unchanged: 3,
      unmappedCodes: ['NO SUCH CODE'],
      collisions: [],
      skippedNewer: [],
    });
    expect(await inventoryWrites(world)).toEqual([]);
  });
  it('stops counting orders as in flight once they are older than INFLIGHT_LOOKBACK_MINUTES', async () => {
    const clock = testClock();
    clock.advance(121 * 60_000);
    const later = buildJob(world, { env: SCENARIO_ENV, now: clock.now });
    const res = await later.post();
    expect(res.body).toMatchObject({ outcome: 'finished', inFlightOrders: 0, failed: 0 });
    scenario.inFlight.clear();
    await expectConverged(world.api, scenario);
  });
});
