import type { Channel } from '@commercetools/platform-sdk';
import type { ClarusClient } from '@clarus-connector/core';
import { inventoryByChannelKey, seedInventoryEntries, seedSupplyChannels } from '@clarus-connector/sandbox';
import { buildJob, inventoryWrites, startTestWorld, type TestWorld } from './harness';

/*
 * Issue 10, class 8 (ADR 0007): a stock write never replaces a value written after its own Clarus read, and a
 * read that cannot be completed writes nothing. The interleavings are driven by hooks on the Clarus client
 * (the moment right after a read), never by sleeps.
 */

const ENV = { INFLIGHT_LOOKBACK_MINUTES: '0', SAFETY_STOCK: '0' };

/** A Clarus client that runs `after` once, when its first complete stock read has been handed over. */
const afterFirstStockRead =
  (after: () => Promise<void>) =>
  (client: ClarusClient): ClarusClient => {
    let done = false;
    return {
      ...client,
      async *stockBalances(query, options) {
        yield* client.stockBalances(query, options);
        if (!done) {
          done = true;
          await after();
        }
      },
    };
  };

let world: TestWorld;
let channels: Channel[];

beforeEach(async () => {
  world = await startTestWorld();
  channels = await seedSupplyChannels(world.api, ['store', 'web']);
  world.clarus.seedProducts([{ code: 'FRESH-1' }, { code: 'CALM-1' }]);
  world.clarus.setStock([
    { productCode: 'FRESH-1', available: 10 },
    { productCode: 'CALM-1', available: 5 },
  ]);
  await seedInventoryEntries(
    world.api,
    ['FRESH-1', 'CALM-1'].flatMap((sku) => channels.map((channel) => ({ sku, channel, quantity: 0 }))),
  );
});
afterEach(() => world?.close());

describe('a value written after the Clarus read', () => {
  it('job reads at T0, the stock webhook reads at T1 and writes, the job does not write its T0 value', async () => {
    const webhook = buildJob(world, { env: ENV }).integration.inventorySync;
    let webhookResult: Awaited<ReturnType<typeof webhook.syncProductCodes>> | undefined;
    const job = buildJob(world, {
      env: ENV,
      wrapClarus: afterFirstStockRead(async () => {
        // Between the job's Clarus read and its writes: stock moves in Clarus and the webhook applies it.
        world.clarus.setStock([{ productCode: 'FRESH-1', available: 25 }]);
        webhookResult = await webhook.syncProductCodes(['FRESH-1']);
      }),
    });
    await world.ct.resetRequests();
    const res = await job.post();
    expect(webhookResult).toMatchObject({ skus: ['FRESH-1'], updated: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'finished', failed: 0, skippedNewer: 0 });
    const state = await inventoryByChannelKey(world.api, channels);
    // Never the job's older 10: the webhook's 25 stays; the untouched SKU gets the job's value.
    expect(state.get('FRESH-1')).toEqual({ store: [25], web: [25] });
    expect(state.get('CALM-1')).toEqual({ store: [5], web: [5] });
    // FRESH-1's entries were written twice, both by the webhook (the job's 10 never went out).
    const freshIds = (
      await world.api
        .inventory()
        .get({ queryArgs: { where: 'sku = "FRESH-1"' } })
        .execute()
    ).body.results.map((e) => e.id);
    // The job scans entries beside its Clarus read, so its attempts on FRESH-1 may meet the webhook's newer
    // version (409); on the re-read the entry is newer than the job's read and is left alone.
    const writes = (await inventoryWrites(world)).filter((w) => w.status === 200);
    expect(writes.filter((w) => freshIds.some((id) => w.url.split('?')[0]!.endsWith(id)))).toHaveLength(2);
    expect(writes).toHaveLength(4); // and CALM-1's two by the job
  });

  it('a webhook held after its read does not overwrite a later webhook: it reads Clarus again', async () => {
    const later = buildJob(world, { env: ENV }).integration.inventorySync;
    const held = buildJob(world, {
      env: ENV,
      wrapClarus: afterFirstStockRead(async () => {
        world.clarus.setStock([{ productCode: 'FRESH-1', available: 30 }]);
        await later.syncProductCodes(['FRESH-1']);
      }),
    }).integration.inventorySync;
    world.clarus.setStock([{ productCode: 'FRESH-1', available: 25 }]);
    await world.ct.resetRequests();
    const first = await held.syncProductCodes(['FRESH-1']);
    // It read 25, found entries written (30) after that read, read again (30): nothing left to write.
    expect(first).toMatchObject({ skus: ['FRESH-1'], updated: 0, unchanged: 2, skippedNewer: [] });
    expect((await inventoryByChannelKey(world.api, channels)).get('FRESH-1')).toEqual({
      store: [30],
      web: [30],
    });
    expect(await inventoryWrites(world)).toHaveLength(2); // the later webhook's only
  });

  it('leaves an entry that keeps changing after every read to the next run, and says so', async () => {
    let bumps = 0;
    const bump = async () => {
      bumps += 1;
      const entry = (
        await world.api
          .inventory()
          .get({ queryArgs: { where: `sku = "FRESH-1" and supplyChannel(id = "${channels[0]!.id}")` } })
          .execute()
      ).body.results[0]!;
      await world.api
        .inventory()
        .withId({ ID: entry.id })
        .post({
          body: { version: entry.version, actions: [{ action: 'changeQuantity', quantity: 100 + bumps }] },
        })
        .execute();
    };
    const wrapClarus = (client: ClarusClient): ClarusClient => ({
      ...client,
      // Another writer strikes after every read of this path.
      async *stockBalances(query, options) {
        yield* client.stockBalances(query, options);
        await bump();
      },
    });
    const sync = buildJob(world, { env: ENV, wrapClarus }).integration.inventorySync;
    const result = await sync.syncProductCodes(['FRESH-1']);
    expect(bumps).toBe(2); // two reads (the default), each overtaken
    expect(result).toMatchObject({ skippedNewer: ['FRESH-1'] });
    // The other channel's entry was not overtaken and carries Clarus's value.
    expect((await inventoryByChannelKey(world.api, channels)).get('FRESH-1')).toEqual({
      store: [102],
      web: [10],
    });
  });
});

describe('a read that cannot be completed (the stalled cursor itself: partial-read.test.ts)', () => {
  it('fails the run when the stock read throws after some pages, whatever the error, and writes nothing', async () => {
    const wrapClarus = (client: ClarusClient): ClarusClient => ({
      ...client,
      async *stockBalances(query, options) {
        for await (const page of client.stockBalances(query, { ...options })) {
          yield page;
          throw new Error('page 2 could not be read');
        }
      },
    });
    const job = buildJob(world, { env: ENV, pageSize: 1, wrapClarus });
    await world.ct.resetRequests();
    const res = await job.post();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ outcome: 'failed', reason: 'internal-error', created: 0, updated: 0 });
    expect(await inventoryWrites(world)).toEqual([]);
  });
});
