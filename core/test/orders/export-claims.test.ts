import { createCustomObjects, createExportClaims, type PendingCreate } from '../../src';
import { startEmulatorWithClient, type EmulatorWithClient } from '../commercetools/setup';

/**
 * The export claim against the emulator over HTTP: a new claim carries the attempt's pending creates in
 * its one create-only write (after one read, no second write), a takeover never overwrites the pending
 * creates of the attempt it takes over (docs/adr/0018-keep-alive-http-client.md, 0006) — also against the
 * uncorrected mock, which treats `version: 0` on an existing object as an upsert (DESIGN.md "Emulator facts").
 */
describe('export claims', () => {
  let ctx: EmulatorWithClient;
  let clock: number;
  const claims = () =>
    createExportClaims({ customObjects: createCustomObjects(ctx.api), now: () => clock, leaseMs: 30_000 });
  const pending = (reference: string): PendingCreate[] => [{ reference, at: new Date(clock).toISOString() }];
  const claimRequests = async () =>
    (await ctx.emulator.requests())
      .filter((r) => r.url.includes('/custom-objects'))
      .map((r) => `${r.method} ${r.status}`);

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    await ctx.api.get().execute(); // token first: only the claim's requests are counted
  });
  afterAll(() => ctx.emulator.close());
  beforeEach(async () => {
    clock = Date.parse('2030-01-01T00:00:00.000Z');
    await ctx.emulator.resetRequests();
  });

  it('creates a new claim with its pending creates in one write, after one read', async () => {
    const result = await claims().acquire(
      { id: 'order-new-1', orderNumber: 'N-1' },
      { pending: pending('N-1') },
    );

    expect(result).toMatchObject({
      kind: 'acquired',
      earlierAttempt: false,
      claim: { version: 1, value: { status: 'exporting', pending: [{ reference: 'N-1' }] } },
    });
    expect(await claimRequests()).toEqual(['GET 404', 'POST 201']);
  });

  it('answers busy for a live claim of another attempt after one read, writing nothing', async () => {
    await claims().acquire({ id: 'order-busy-1' }, { pending: pending('B-1') });
    await ctx.emulator.resetRequests();

    const second = await claims().acquire({ id: 'order-busy-1' }, { pending: pending('B-1-again') });

    expect(second).toMatchObject({ kind: 'busy', claim: { value: { pending: [{ reference: 'B-1' }] } } });
    expect(await claimRequests()).toEqual(['GET 200']);
  });

  it('keeps the earlier attempt’s pending creates on a takeover, for the taker to look up first', async () => {
    await claims().acquire({ id: 'order-takeover-1' }, { pending: pending('T-1') });
    clock += 31_000; // the first attempt's lease ran out (it crashed after writing its claim)

    const taken = await claims().acquire({ id: 'order-takeover-1' }, { pending: pending('T-1-later') });

    expect(taken).toMatchObject({
      kind: 'acquired',
      earlierAttempt: true,
      claim: { value: { attempts: 2, pending: [{ reference: 'T-1' }] } },
    });
  });

  it('writes no pending field when there is none to write', async () => {
    const result = await claims().acquire({ id: 'order-plain-1' });
    expect(result.kind).toBe('acquired');
    expect(result.claim.value).not.toHaveProperty('pending');
  });
});

describe('export claims against the uncorrected mock (upsert on version 0)', () => {
  let raw: EmulatorWithClient;
  let clock = Date.parse('2030-01-01T00:00:00.000Z');
  const claims = () =>
    createExportClaims({ customObjects: createCustomObjects(raw.api), now: () => clock, leaseMs: 30_000 });
  const pending = (reference: string): PendingCreate[] => [{ reference, at: new Date(clock).toISOString() }];

  beforeAll(async () => {
    raw = await startEmulatorWithClient({ rawCustomObjects: true });
  });
  afterAll(() => raw.emulator.close());

  it('a redelivery after a lost create answer takes over the claim and keeps its pending reference', async () => {
    // First delivery: claim with the pending create, the create's answer is lost, the process dies.
    await claims().acquire({ id: 'order-lost-1', orderNumber: 'L-1' }, { pending: pending('L-1') });
    clock += 31_000;

    const again = await claims().acquire(
      { id: 'order-lost-1', orderNumber: 'L-1' },
      { pending: pending('L-1') },
    );

    // Without the read first the upsert would answer "created" (a fresh claim, no earlier attempt) and the
    // retry would send a second create instead of looking L-1 up in Clarus.
    expect(again).toMatchObject({
      kind: 'acquired',
      earlierAttempt: true,
      claim: { value: { attempts: 2, pending: [{ reference: 'L-1' }] } },
    });
  });

  it('a live claim of another attempt stays untouched', async () => {
    await claims().acquire({ id: 'order-live-1' }, { pending: pending('V-1') });
    const second = await claims().acquire({ id: 'order-live-1' }, { pending: pending('V-1-again') });
    expect(second).toMatchObject({ kind: 'busy', claim: { value: { pending: [{ reference: 'V-1' }] } } });
  });
});
