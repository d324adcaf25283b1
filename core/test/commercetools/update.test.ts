import type { InventoryEntry, InventoryEntryUpdateAction } from '@commercetools/platform-sdk';
import { ConcurrentModificationExhaustedError, updateWithRecompute } from '../../src';
import { startEmulatorWithClient, type EmulatorWithClient } from './setup';

describe('updateWithRecompute against real 409s from the emulator', () => {
  let ctx: EmulatorWithClient;
  let channelId: string;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    const channel = await ctx.api
      .channels()
      .post({ body: { key: 'update-test-web', roles: ['InventorySupply'] } })
      .execute();
    channelId = channel.body.id;
  });
  afterAll(() => ctx.emulator.close());

  const createEntry = async (sku: string, quantityOnStock: number) =>
    (
      await ctx.api
        .inventory()
        .post({ body: { sku, quantityOnStock, supplyChannel: { typeId: 'channel', id: channelId } } })
        .execute()
    ).body;
  const load = (id: string) => async () =>
    (await ctx.api.inventory().withId({ ID: id }).get().execute()).body;
  const apply = async (entry: InventoryEntry, actions: InventoryEntryUpdateAction[]) =>
    (
      await ctx.api
        .inventory()
        .withId({ ID: entry.id })
        .post({ body: { version: entry.version, actions } })
        .execute()
    ).body;
  /** Another writer (another instance, the stock webhook…) sets the quantity behind our back. */
  const otherWriterSets = async (id: string, quantity: number) => {
    const current = await load(id)();
    await apply(current, [{ action: 'changeQuantity', quantity }]);
  };
  // The decision depends on the state it is made from: "5 more than what is on stock now".
  const addFive = (fresh: InventoryEntry): InventoryEntryUpdateAction[] => [
    { action: 'changeQuantity', quantity: fresh.quantityOnStock + 5 },
  ];

  it('re-reads and decides again after a 409, ending with the value computed from fresh state', async () => {
    const entry = await createEntry('UPD-1', 10);
    const decidedFrom: number[] = [];
    let interfered = false;
    await ctx.emulator.resetRequests();

    const result = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
      initial: entry,
      load: load(entry.id),
      decide: (fresh) => {
        decidedFrom.push(fresh.quantityOnStock);
        return addFive(fresh);
      },
      apply: async (resource, actions) => {
        if (!interfered) {
          interfered = true;
          await otherWriterSets(entry.id, 20); // between our read and our write
        }
        return apply(resource, actions);
      },
      backoffMs: () => 0,
    });

    expect(result).toMatchObject({ attempts: 2, changed: true });
    expect(result.resource.quantityOnStock).toBe(25); // 20 (fresh) + 5, not 10 + 5 resent
    expect(decidedFrom).toEqual([10, 20]);
    expect((await load(entry.id)()).quantityOnStock).toBe(25);
    // The conflict was the emulator's own version check, over HTTP.
    const writes = (await ctx.emulator.requests()).filter(
      (r) => r.method === 'POST' && r.url.includes('/inventory/'),
    );
    expect(writes.map((r) => r.status)).toEqual([200, 409, 200]);
  });

  it('does not write when decide finds nothing to do', async () => {
    const entry = await createEntry('UPD-2', 7);
    await ctx.emulator.resetRequests();

    const result = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
      load: load(entry.id),
      decide: (fresh) => (fresh.quantityOnStock === 7 ? [] : [{ action: 'changeQuantity', quantity: 7 }]),
      apply,
    });

    expect(result).toMatchObject({ attempts: 1, changed: false });
    expect(result.resource.version).toBe(entry.version);
    expect((await ctx.emulator.requests()).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('stops deciding when the other writer already did the work', async () => {
    const entry = await createEntry('UPD-3', 1);
    const result = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
      initial: entry,
      load: load(entry.id),
      decide: (fresh) => (fresh.quantityOnStock === 50 ? [] : [{ action: 'changeQuantity', quantity: 50 }]),
      apply: async (resource, actions) => {
        await otherWriterSets(entry.id, 50);
        return apply(resource, actions);
      },
      backoffMs: () => 0,
    });

    expect(result).toMatchObject({ attempts: 2, changed: false });
    expect(result.resource.quantityOnStock).toBe(50);
  });

  it('gives up after maxAttempts with a typed error when every attempt meets a concurrent writer', async () => {
    const entry = await createEntry('UPD-4', 0);
    let round = 0;
    await ctx.emulator.resetRequests();

    const err = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
      initial: entry,
      load: load(entry.id),
      decide: addFive,
      apply: async (resource, actions) => {
        round += 1;
        await otherWriterSets(entry.id, 100 + round);
        return apply(resource, actions);
      },
      maxAttempts: 3,
      backoffMs: () => 0,
      label: 'inventory-entry',
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ConcurrentModificationExhaustedError);
    expect(err).toMatchObject({ attempts: 3, resourceId: entry.id });
    const conflicts = (await ctx.emulator.requests()).filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(3);
  });

  it('passes other errors through at once', async () => {
    const entry = await createEntry('UPD-5', 3);
    let applied = 0;
    const err = await updateWithRecompute<InventoryEntry, InventoryEntryUpdateAction>({
      initial: entry,
      load: load(entry.id),
      decide: () => [{ action: 'noSuchAction' } as unknown as InventoryEntryUpdateAction],
      apply: async (resource, actions) => {
        applied += 1;
        return apply(resource, actions);
      },
    }).catch((e: unknown) => e);

    expect(err).toMatchObject({ statusCode: 400 });
    expect(applied).toBe(1);
  });
});
