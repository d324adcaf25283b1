import type { ExceptionRecord } from '@clarus-connector/core';
import {
  seedInventoryEntries,
  seedProducts,
  seedSupplyChannels,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { buildJob, DAY, testClock } from './harness';

/*
 * Issue 10, class 7: the master-data audit reads every variant and entry, so it finds every pair of SKUs that
 * translate to one Clarus code (including one the inventory job and the webhook cannot see: a variant-only
 * SKU next to an entry SKU), raises `sku-collision` naming both, and resolves it once it clears. The stock
 * audit does not compare the SKUs of a collision.
 */

let world: TestWorld;
afterAll(() => world?.close());

const openOf = async (job: ReturnType<typeof buildJob>, kind: string): Promise<ExceptionRecord[]> =>
  (await job.integration.exceptions.list({ status: 'open' })).filter((e) => e.kind === kind);

it('reports 01234/1234 and 05678 (variant only)/5678 under stripLeadingZeros; resolves what was fixed the next day', async () => {
  world = await startTestWorld();
  const [web] = await seedSupplyChannels(world.api, ['web']);
  const products = await seedProducts(world.api, [{ sku: '5678' }, { sku: '05678' }, { sku: '42' }]);
  await seedInventoryEntries(world.api, [
    { sku: '5678', channel: web!, quantity: 3 },
    { sku: '42', channel: web!, quantity: 0 },
    { sku: '01234', channel: web!, quantity: 1 },
    { sku: '1234', channel: web!, quantity: 2 },
  ]);
  world.clarus.seedProducts([{ code: '5678' }, { code: '42' }, { code: '1234' }]);
  world.clarus.setStock([
    { productCode: '5678', available: 9 },
    { productCode: '42', available: 4 },
    { productCode: '1234', available: 30 },
  ]);
  const env = {
    CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true }),
    INFLIGHT_LOOKBACK_MINUTES: '0',
    STOCK_AUDIT_TOLERANCE: '0',
  };
  const clock = testClock();
  const job = buildJob(world, { env, now: clock.now });

  const first = await job.pass();
  expect(first.masterDataAudit).toMatchObject({ status: 'ran', report: { collisions: 2 } });
  const collisions = (await openOf(job, 'sku-collision')).sort((a, b) =>
    a.entity.id < b.entity.id ? -1 : 1,
  );
  expect(collisions.map((e) => [e.entity.id, e.team])).toEqual([
    ['1234', 'operations'],
    ['5678', 'operations'],
  ]);
  expect(collisions[0]!.message).toContain('01234 and 1234');
  expect(collisions[1]!.message).toContain('05678 and 5678');
  // The stock audit uses the inventory job's view: 01234/1234 (entries on the channel) are a collision and
  // not compared; 5678 is the only entry SKU of its code there, so the job gives it the stock (9 ≠ 3).
  expect((await openOf(job, 'stock-drift')).map((e) => e.entity.id).sort()).toEqual(['42', '5678']);

  // The fix: the stray variant is deleted. The next day's audit resolves the collision.
  const stray = products.find((p) => p.masterData.staged.masterVariant.sku === '05678')!;
  await world.api
    .products()
    .withId({ ID: stray.id })
    .delete({ queryArgs: { version: stray.version } })
    .execute();
  clock.advance(DAY);
  const next = await job.pass();
  expect(next.masterDataAudit).toMatchObject({ status: 'ran', report: { collisions: 1 } });
  expect((await openOf(job, 'sku-collision')).map((e) => e.entity.id)).toEqual(['1234']);
});
