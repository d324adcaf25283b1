import type { Channel, Order } from '@commercetools/platform-sdk';
import {
  createReconciliation,
  type JobLock,
  type JobState,
  type Lease,
  type ReconciliationDeps,
} from '../../src';
import { anOrder } from '../../testing';

/*
 * The pass composed from fakes: the export workers of a page renew the job lease as they finish. Renewals
 * that overlap conflict on the lease's version (a Custom Object), and the second one would look like a
 * lease taken over; the pass must renew one at a time.
 */

const MINUTE = 60_000;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;

function fakeLock() {
  let version = 1;
  let inFlight = 0;
  const stats = { renewals: 0, overlapping: 0 };
  const lease = (): Lease =>
    ({
      jobName: 'reconciliation',
      holder: 'test',
      leaseId: 'l',
      leaseMs: 2 * MINUTE,
      acquiredAt: '',
      expiresAt: '',
      version,
    }) as Lease;
  const lock: JobLock = {
    acquire: async () => lease(),
    async renew(held) {
      inFlight += 1;
      stats.renewals += 1;
      if (inFlight > 1) stats.overlapping += 1;
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      // A versioned update: a renewal with a version someone else already bumped is refused.
      if (held.version !== version) return null;
      version += 1;
      return lease();
    },
    release: async () => true,
    inspect: async () => undefined,
  };
  return { lock, stats };
}

function memoryState(): JobState {
  const checkpoints = new Map<string, unknown>();
  return {
    getCheckpoint: async (name) => checkpoints.get(name) as never,
    saveCheckpoint: async (name, data) => {
      checkpoints.set(name, { jobName: name, savedAt: '', data });
    },
    clearCheckpoint: async (name) => {
      checkpoints.delete(name);
    },
    getLastRun: async () => undefined,
    saveLastRun: async () => {},
  };
}

it('renews the lease one call at a time while four exports finish together', async () => {
  let now = Date.parse('2030-01-10T12:00:00.000Z');
  const orders: Order[] = Array.from({ length: 8 }, (_, i) =>
    anOrder({ id: `00000000-0000-4000-8000-00000000000${i}`, orderNumber: `SO-${i}`, syncInfo: [] }),
  );
  const { lock, stats } = fakeLock();
  // Exports finish four at a time, each moving the clock past half the lease: every finish wants a renewal.
  let waiting: (() => void)[] = [];
  const exportOrder = () =>
    new Promise<{ kind: 'exported'; orderId: string; goodsOuts: Record<string, number> }>((resolve) => {
      waiting.push(() => resolve({ kind: 'exported', orderId: '', goodsOuts: {} }));
      if (waiting.length === 4) {
        now += 2 * MINUTE;
        const all = waiting;
        waiting = [];
        for (const finish of all) finish();
      }
    });
  const deps: ReconciliationDeps = {
    gateway: {
      ordersWithoutExport: async (_w, _c, page) =>
        orders.filter((o) => page.after === undefined || o.id > page.after).slice(0, page.limit),
      exportedNotShipped: async () => [],
      ordersByIds: async () => [],
      waitingForExport: async () => ({ count: 0 }),
      catalogueVariantPages: async () => {},
    },
    clarus: { findGoodsOutsByReferences: async () => [] },
    orderExport: { exportOrder } as never,
    dispatchSync: {
      readGoodsOuts: async () => [],
      applyGoodsOut: async () => ({ kind: 'unchanged' }),
    } as never,
    audits: { runIfDue: async () => ({ status: 'not_due', day: '' }) } as never,
    exceptions: {
      list: async () => [],
      resolve: async () => false,
      resolveByKey: async () => false,
    } as never,
    jobLock: lock,
    jobState: memoryState(),
    clarusChannel: async () => ({ id: 'clarus', createdAt: '2020-01-01T00:00:00.000Z' }) as Channel,
    alerts: { flush: async () => ({ exceptions: 0, outcome: 'empty' }) },
    config: {
      reconciliation: {
        lookbackHours: 72,
        retentionDays: 30,
        graceMinutes: 10,
        dispatchCatchupMinAgeMinutes: 60,
        stuckFulfilmentDays: 3,
        stockAuditTolerance: 0,
      },
    },
    logger: silent,
    now: () => now,
  };
  const orderTimes = orders.map((o) => ({ ...o, createdAt: new Date(now - 60 * MINUTE).toISOString() }));
  orders.splice(0, orders.length, ...orderTimes);

  const result = await createReconciliation(deps).run({ pageSize: 4, timeBudgetMs: 24 * 60 * MINUTE });
  if (result.kind !== 'ran') throw new Error('the pass did not run');
  expect(result.summary.error).toBeUndefined();
  expect(result.summary.outcome).toBe('completed');
  expect(result.summary.orderSweep).toMatchObject({ exported: 8, pages: 3 });
  expect(stats.renewals).toBeGreaterThan(0);
  expect(stats.overlapping).toBe(0);
});
