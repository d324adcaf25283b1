import {
  EXCEPTIONS_CONTAINER,
  EXPORT_CLAIMS_CONTAINER,
  createCustomObjects,
  createExceptionStore,
  purgeCustomObjects,
  retentionCutoff,
  retentionTargets,
  type CustomObjects,
  type ExceptionStore,
} from '../../src';
import { startEmulatorWithClient, testClock, type EmulatorWithClient } from '../commercetools/setup';

const DAY = 24 * 3_600_000;

describe('retentionCutoff', () => {
  it('keeps 30 days by default, never less than the look-back window plus a day', () => {
    const now = Date.parse('2030-03-01T00:00:00.000Z');
    expect(retentionCutoff(now, 30, 72)).toBe('2030-01-30T00:00:00.000Z');
    // A 60-day look-back: its sweep still needs claims 61 days back.
    expect(retentionCutoff(now, 30, 60 * 24)).toBe('2029-12-30T00:00:00.000Z');
  });
});

describe('Custom Object purge over the emulator (claims and resolved exceptions)', () => {
  let ctx: EmulatorWithClient;
  let objects: CustomObjects;
  let store: ExceptionStore;
  const clock = testClock('2030-01-01T00:00:00.000Z');

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    objects = createCustomObjects(ctx.api);
    store = createExceptionStore(objects, { now: clock.now });
  });
  afterAll(() => ctx.emulator.close());
  beforeEach(() => ctx.emulator.clear());

  const claim = (orderId: string, status: string) =>
    objects.put(EXPORT_CLAIMS_CONTAINER, orderId, {
      orderId,
      status,
      updatedAt: clock.now().toISOString(),
    });
  const purge = () =>
    purgeCustomObjects(
      { objects },
      {
        targets: retentionTargets(EXPORT_CLAIMS_CONTAINER),
        cutoffIso: retentionCutoff(clock.now().getTime(), 30, 72),
      },
    );
  const count = async (container: string) => (await objects.queryAll(container)).length;

  it('deletes finished claims and resolved exceptions older than the retention; keeps the rest', async () => {
    await claim('old-exported', 'exported');
    await claim('old-exporting', 'exporting'); // may hold an ambiguous create: never purged
    const order = { type: 'order' as const, id: 'old-order' };
    await store.raise({ kind: 'shipping-method-unmapped', entity: order, message: 'old, resolved' });
    await store.resolve('shipping-method-unmapped', order);
    const stillOpen = { type: 'order' as const, id: 'open-order' };
    await store.raise({ kind: 'shipping-method-unmapped', entity: stillOpen, message: 'old, still open' });
    clock.advance(29 * DAY);
    await claim('recent-exported', 'exported');

    expect(await purge()).toEqual({
      [EXPORT_CLAIMS_CONTAINER]: { deleted: 0, kept: 0 },
      [EXCEPTIONS_CONTAINER]: { deleted: 0, kept: 0 },
    });
    clock.advance(2 * DAY); // the first objects are 31 days old now

    expect(await purge()).toEqual({
      [EXPORT_CLAIMS_CONTAINER]: { deleted: 1, kept: 0 },
      [EXCEPTIONS_CONTAINER]: { deleted: 1, kept: 0 },
    });
    const claims = (await objects.query(EXPORT_CLAIMS_CONTAINER, { limit: 500 })).results.map((o) => o.key);
    expect(claims.sort()).toEqual(['old-exporting', 'recent-exported']);
    expect((await store.list({ status: 'open' })).map((e) => e.entity.id)).toEqual(['open-order']);
  });

  it('a simulated quarter: 20 orders and 5 resolved exceptions a day, purged daily, the count stays flat', async () => {
    const counts: number[] = [];
    for (let day = 0; day < 90; day++) {
      for (let i = 0; i < 20; i++) await claim(`d${day}-o${i}`, 'exported');
      for (let i = 0; i < 5; i++) {
        const entity = { type: 'order' as const, id: `d${day}-x${i}` };
        await store.raise({ kind: 'shipping-method-unmapped', entity, message: 'resolved the same day' });
        await store.resolve('shipping-method-unmapped', entity);
      }
      await purge();
      counts.push((await count(EXPORT_CLAIMS_CONTAINER)) + (await count(EXCEPTIONS_CONTAINER)));
      clock.advance(DAY);
    }
    // 31 days of 25 objects are kept at most; after the first month the count no longer grows.
    expect(Math.max(...counts)).toBe(31 * 25);
    expect(counts.slice(31)).toEqual(new Array(90 - 31).fill(31 * 25));
  }, 120_000);
});
