import {
  JOBS_CONTAINER,
  createCustomObjects,
  createJobLock,
  createJobState,
  lockKey,
  type CustomObjects,
  type JobLock,
} from '../../src';
import { startEmulatorWithClient, testClock, type EmulatorWithClient } from '../commercetools/setup';

const MINUTE = 60_000;

describe('job lock (lease in clarus-jobs, over the emulator)', () => {
  let ctx: EmulatorWithClient;
  let objects: CustomObjects;
  const clock = testClock();
  // Two instances of a job; they share the clock so expiry is decided by moving time, not by sleeping.
  let instanceA: JobLock;
  let instanceB: JobLock;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    objects = createCustomObjects(ctx.api);
    instanceA = createJobLock(objects, { now: clock.now });
    instanceB = createJobLock(createCustomObjects(ctx.client()), { now: clock.now });
  });
  afterAll(() => ctx.emulator.close());

  it('grants the lock once; a second acquire while the lease is live gets null', async () => {
    const lease = await instanceA.acquire('inventory', { holder: 'A', leaseMs: 5 * MINUTE });
    clock.advance(4 * MINUTE);
    const second = await instanceB.acquire('inventory', { holder: 'B', leaseMs: 5 * MINUTE });

    expect(lease).toMatchObject({ jobName: 'inventory', holder: 'A', version: 1 });
    expect(second).toBeNull();
    expect(await instanceB.inspect('inventory')).toMatchObject({ holder: 'A', live: true });
  });

  it('lets another holder take over an expired lease; the old holder can then neither renew nor release', async () => {
    const a = await instanceA.acquire('reconcile', { holder: 'A', leaseMs: 5 * MINUTE });
    expect(a).not.toBeNull();
    clock.advance(5 * MINUTE + 1);

    const b = await instanceB.acquire('reconcile', { holder: 'B', leaseMs: 5 * MINUTE });
    expect(b).toMatchObject({ holder: 'B' });

    expect(await instanceA.renew(a!)).toBeNull();
    expect(await instanceA.release(a!)).toBe(false);
    expect(await instanceB.inspect('reconcile')).toMatchObject({ holder: 'B', live: true });

    expect(await instanceB.release(b!)).toBe(true);
    expect(await instanceA.inspect('reconcile')).toMatchObject({ holder: 'B', live: false });
  });

  it('after a release the next acquire succeeds at once', async () => {
    const a = await instanceA.acquire('released', { holder: 'A', leaseMs: 10 * MINUTE });
    expect(await instanceA.release(a!)).toBe(true);

    const b = await instanceB.acquire('released', { holder: 'B', leaseMs: 10 * MINUTE });
    expect(b).toMatchObject({ holder: 'B' });
  });

  it('renew extends the lease so it outlives the original expiry', async () => {
    const a = await instanceA.acquire('renewing', { holder: 'A', leaseMs: 5 * MINUTE });
    clock.advance(4 * MINUTE);
    const renewed = await instanceA.renew(a!);
    expect(renewed).not.toBeNull();
    expect(Date.parse(renewed!.expiresAt)).toBe(clock.now().getTime() + 5 * MINUTE);

    clock.advance(2 * MINUTE); // past the first expiry, within the renewed one
    expect(await instanceB.acquire('renewing', { holder: 'B', leaseMs: 5 * MINUTE })).toBeNull();
    expect(await instanceA.release(renewed!)).toBe(true);
  });

  it('of two concurrent acquires of a free lock exactly one wins', async () => {
    for (const job of ['race-1', 'race-2', 'race-3', 'race-4', 'race-5']) {
      const results = await Promise.all([
        instanceA.acquire(job, { holder: 'A', leaseMs: MINUTE }),
        instanceB.acquire(job, { holder: 'B', leaseMs: MINUTE }),
      ]);
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect((await instanceA.inspect(job))?.holder).toBe(winners[0]!.holder);
    }
  });

  it('of two concurrent takeovers of an expired lease exactly one wins', async () => {
    for (const job of ['takeover-1', 'takeover-2', 'takeover-3']) {
      await instanceA.acquire(job, { holder: 'old', leaseMs: MINUTE });
      clock.advance(MINUTE + 1);
      const results = await Promise.all([
        instanceA.acquire(job, { holder: 'A', leaseMs: MINUTE }),
        instanceB.acquire(job, { holder: 'B', leaseMs: MINUTE }),
      ]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    }
  });

  it('stores the lease under a readable key in clarus-jobs', async () => {
    await instanceA.acquire('visible', { holder: 'A', leaseMs: MINUTE });
    const stored = await objects.get<{ holder: string }>(JOBS_CONTAINER, lockKey('visible'));
    expect(stored).toMatchObject({ key: 'lock.visible', value: { holder: 'A' } });
  });
});

describe('job state (checkpoints and last-run summaries)', () => {
  let ctx: EmulatorWithClient;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
  });
  afterAll(() => ctx.emulator.close());

  it('saves, reads and clears a checkpoint, and keeps the last run summary', async () => {
    const clock = testClock();
    const state = createJobState(createCustomObjects(ctx.api), { now: clock.now });

    expect(await state.getCheckpoint('inventory')).toBeUndefined();
    await state.saveCheckpoint('inventory', { afterSku: 'SKU-100' });
    await state.saveCheckpoint('inventory', { afterSku: 'SKU-200' });
    expect(await state.getCheckpoint<{ afterSku: string }>('inventory')).toEqual({
      jobName: 'inventory',
      savedAt: clock.now().toISOString(),
      data: { afterSku: 'SKU-200' },
    });
    await state.clearCheckpoint('inventory');
    await state.clearCheckpoint('inventory'); // clearing twice is fine
    expect(await state.getCheckpoint('inventory')).toBeUndefined();

    await state.saveLastRun('inventory', { written: 12, unchanged: 300, failed: 0 });
    expect(await state.getLastRun('inventory')).toMatchObject({
      summary: { written: 12, unchanged: 300, failed: 0 },
    });
  });
});
