import { createCustomObjects, createExportClaims, type PendingCreate } from '../../src';
import { startEmulatorWithClient, type EmulatorWithClient } from '../commercetools/setup';

/**
 * The export claim against the emulator over HTTP: a new claim carries the attempt's pending creates in
 * its one create-only write (no read first, no second write), a takeover never overwrites the pending
 * creates of the attempt it takes over (docs/adr/0018-keep-alive-http-client.md, 0006).
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

  it('creates a new claim with its pending creates in one write, without reading first', async () => {
    const result = await claims().acquire(
      { id: 'order-new-1', orderNumber: 'N-1' },
      { pending: pending('N-1') },
    );

    expect(result).toMatchObject({
      kind: 'acquired',
      earlierAttempt: false,
      claim: { version: 1, value: { status: 'exporting', pending: [{ reference: 'N-1' }] } },
    });
    expect(await claimRequests()).toEqual(['POST 201']);
  });

  it('answers busy for a live claim of another attempt (409 on the create, then one read)', async () => {
    await claims().acquire({ id: 'order-busy-1' }, { pending: pending('B-1') });
    await ctx.emulator.resetRequests();

    const second = await claims().acquire({ id: 'order-busy-1' }, { pending: pending('B-1-again') });

    expect(second).toMatchObject({ kind: 'busy', claim: { value: { pending: [{ reference: 'B-1' }] } } });
    expect(await claimRequests()).toEqual(['POST 409', 'GET 200']);
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
