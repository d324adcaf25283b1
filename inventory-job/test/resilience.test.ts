import type { ClarusClient, InventoryRunSummary } from '@clarus-connector/core';
import { DEFAULT_INVENTORY_LEASE_MS, INVENTORY_JOB_NAME } from '@clarus-connector/core';
import { inventoryByChannelKey } from '@clarus-connector/sandbox';
import {
  buildJob,
  expectConverged,
  expectedAts,
  inventoryWrites,
  lastRun,
  seedScenario,
  sku,
  startTestWorld,
  SCENARIO_ENV,
  testClock,
  type Scenario,
  type TestWorld,
} from './harness';

const entryOf = async (world: TestWorld, skuValue: string, channelId: string) =>
  (
    await world.api
      .inventory()
      .get({ queryArgs: { where: `sku = "${skuValue}" and supplyChannel(id = "${channelId}")` } })
      .execute()
  ).body.results[0]!;

const setQuantity = async (world: TestWorld, skuValue: string, channelId: string, quantity: number) => {
  const entry = await entryOf(world, skuValue, channelId);
  await world.api
    .inventory()
    .withId({ ID: entry.id })
    .post({ body: { version: entry.version, actions: [{ action: 'changeQuantity', quantity }] } })
    .execute();
  return entry.id;
};

describe('a concurrent change between read and write (409)', () => {
  let world: TestWorld;
  let scenario: Scenario;
  beforeAll(async () => {
    world = await startTestWorld();
    scenario = await seedScenario(world, 30);
    expect((await buildJob(world, { env: SCENARIO_ENV }).post()).body.outcome).toBe('finished');
  });
  afterAll(() => world?.close());

  const channel = (key: string) => scenario.channels.find((c) => c.key === key)!;

  it('re-reads the entry after an injected 409 and still ends with the right value', async () => {
    const id = await setQuantity(world, sku(10), channel('web').id, 1);
    await world.ct.failNext({ method: 'POST', path: `/inventory/${id}`, status: 409, when: 'before' });
    await world.ct.resetRequests();
    const res = await buildJob(world, { env: SCENARIO_ENV }).post();
    expect(res.body).toMatchObject({ outcome: 'finished', updated: 1, failed: 0 });
    const onEntry = (await world.ct.requests())
      .filter((r) => r.url.split('?')[0]?.endsWith(`/inventory/${id}`))
      .map((r) => `${r.method} ${r.status}`);
    expect(onEntry).toEqual(['POST 409', 'GET 200', 'POST 200']);
    await expectConverged(world.api, scenario);
  });

  it('decides again on the fresh entry when another writer really changed it meanwhile', async () => {
    const store = channel('store').id;
    const moved = await setQuantity(world, sku(11), store, 2);
    const settled = await setQuantity(world, sku(12), store, 3);
    // Between the batch's entry read and its writes the sync asks Clarus about GHOST-1/2 (entries, no
    // balance): that is where the other writer strikes, bumping both entries' versions.
    let strike: (() => Promise<void>) | undefined = async () => {
      strike = undefined;
      await setQuantity(world, sku(11), store, 13);
      await setQuantity(world, sku(12), store, expectedAts(scenario, sku(12), 'store'));
    };
    const wrapClarus = (client: ClarusClient): ClarusClient => ({
      ...client,
      findProductsByCodes: async (codes, options) => {
        await strike?.();
        return client.findProductsByCodes(codes, options);
      },
    });
    await world.ct.resetRequests();
    const res = await buildJob(world, { env: SCENARIO_ENV, wrapClarus }).post();
    expect(strike).toBeUndefined();
    expect(res.body).toMatchObject({ outcome: 'finished', updated: 1, failed: 0 });
    const writesTo = async (id: string) =>
      (await inventoryWrites(world)).filter((r) => r.url.endsWith(`/inventory/${id}`)).map((r) => r.status);
    // The test's own write, ours refused as stale, then ours recomputed from 13.
    expect(await writesTo(moved)).toEqual([200, 409, 200]);
    // Already at ATS after the other writer: no second write.
    expect(await writesTo(settled)).toEqual([200, 409]);
    await expectConverged(world.api, scenario);
  });

  it('counts an entry that keeps changing as failed (no exception: it is transient) and fixes it next run', async () => {
    const id = await setQuantity(world, sku(13), channel('market').id, 0);
    await world.ct.failNext({ method: 'POST', path: `/inventory/${id}`, status: 409, times: 5 });
    const res = await buildJob(world, { env: SCENARIO_ENV }).post();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'finished', failed: 1, exceptionsRaised: 0 });
    const next = await buildJob(world, { env: SCENARIO_ENV }).post();
    expect(next.body).toMatchObject({ outcome: 'finished', updated: 1, failed: 0 });
    await expectConverged(world.api, scenario);
  });
});

describe('one run at a time', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startTestWorld();
    await seedScenario(world, 30);
  });
  afterAll(() => world?.close());

  it('runs one of two concurrent POSTs and skips the other', async () => {
    let enter!: () => void;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let gated = false;
    const wrapClarus = (client: ClarusClient): ClarusClient => ({
      ...client,
      async *stockBalances(query, options) {
        if (!gated) {
          gated = true;
          enter();
          await gate;
        }
        yield* client.stockBalances(query, options);
      },
    });
    const job = buildJob(world, { env: SCENARIO_ENV, wrapClarus });
    const first = job.post().then((r) => r);
    await entered; // the first run holds the lock and is reading Clarus
    const second = await job.post();
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ skipped: 'locked' });
    open();
    const done = await first;
    expect(done.status).toBe(200);
    expect(done.body.outcome).toBe('finished');
    expect((await job.integration.jobLock.inspect(INVENTORY_JOB_NAME))?.live).toBe(false);
  });

  it('takes over the lease of a killed run once it expires', async () => {
    const clock = testClock();
    const job = buildJob(world, { env: SCENARIO_ENV, now: clock.now });
    const killed = await job.integration.jobLock.acquire(INVENTORY_JOB_NAME, {
      holder: 'killed-run',
      leaseMs: DEFAULT_INVENTORY_LEASE_MS,
    });
    expect(killed).not.toBeNull();
    expect((await job.post()).body).toEqual({ skipped: 'locked' });
    clock.advance(DEFAULT_INVENTORY_LEASE_MS - 1000);
    expect((await job.post()).body).toEqual({ skipped: 'locked' });
    clock.advance(2000);
    const res = await job.post();
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('finished');
    const lock = await job.integration.jobLock.inspect(INVENTORY_JOB_NAME);
    expect(lock).toMatchObject({ live: false, holder: `inventory-job:${res.body.runId}` });
  });
});

describe('Clarus throttling and outages', () => {
  let world: TestWorld;
  let scenario: Scenario;
  beforeAll(async () => {
    world = await startTestWorld();
    scenario = await seedScenario(world, 30);
  });
  afterEach(() => world.clarus.clearFaults());
  afterAll(() => world?.close());

  it('retries reads answered with 429 and 5xx while paging, and finishes', async () => {
    world.clarus.resetRequests();
    world.clarus.injectFault({
      kind: 'rate_limit',
      count: 2,
      retryAfterSeconds: 0,
      match: { path: '/graphql' },
    });
    world.clarus.injectFault({ kind: 'server_error', count: 1, status: 503, match: { path: '/graphql' } });
    const res = await buildJob(world, { env: SCENARIO_ENV, pageSize: 10 }).post();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'finished', skusRead: 30, clarusBalances: 30, failed: 0 });
    const graphql = world.clarus.requests.filter((r) => r.path === '/graphql').map((r) => r.status);
    expect(graphql.slice(0, 4)).toEqual([429, 429, 503, 200]);
    await expectConverged(world.api, scenario);
  });

  it('fails cleanly when Clarus stays down mid-paging: 503 with the reason, nothing written, lock released', async () => {
    // Stock changed in Clarus: a run that got through would write. Clarus then fails after the first page.
    world.clarus.setStock(Array.from({ length: 30 }, (_, i) => ({ productCode: sku(i), available: 0 })));
    const before = await inventoryByChannelKey(world.api, scenario.channels);
    const wrapClarus = (client: ClarusClient): ClarusClient => ({
      ...client,
      async *stockBalances(query, options) {
        for await (const page of client.stockBalances(query, options)) {
          yield page;
          world.clarus.injectFault({ kind: 'server_error', status: 502, match: { path: '/graphql' } });
        }
      },
    });
    const job = buildJob(world, { env: SCENARIO_ENV, pageSize: 10, wrapClarus });
    await world.ct.resetRequests();
    const res = await job.post();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      outcome: 'failed',
      reason: 'clarus-unavailable',
      created: 0,
      updated: 0,
    });
    expect(res.body.message).toMatch(/Clarus unavailable.*502/);
    expect(await inventoryWrites(world)).toEqual([]);
    expect(await inventoryByChannelKey(world.api, scenario.channels)).toEqual(before);
    expect((await job.integration.jobLock.inspect(INVENTORY_JOB_NAME))?.live).toBe(false);
    expect(await lastRun(job.integration)).toMatchObject<Partial<InventoryRunSummary>>({
      outcome: 'failed',
      reason: 'clarus-unavailable',
    });

    world.clarus.clearFaults();
    const recovered = await buildJob(world, { env: SCENARIO_ENV, pageSize: 10 }).post();
    expect(recovered.body.outcome).toBe('finished');
    for (let i = 0; i < 30; i++) scenario.available.set(sku(i), 0);
    await expectConverged(world.api, scenario);
  });
});
