import type { Order } from '@commercetools/platform-sdk';
import { emptyPassSummary, type ExceptionRecord } from '../../src';
import { createDispatchStage, type OpenDispatchExceptions } from '../../src/reconciliation/dispatch-check';
import { anOrder } from '../../testing';

/*
 * The dispatch checks' act stage on one page, alone: open fulfilment-stuck exceptions are decided by the
 * page's id range — those of orders not on the page are read by id with it — and never outside that range.
 */

const NOW = Date.parse('2030-01-10T12:00:00.000Z');
const DAY = 86_400_000;
const CHANNEL = 'clarus';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Exported 5 days ago as goods out `n` (stuck after 3 days). */
const exported = (n: number, overrides: Partial<Order> = {}) =>
  anOrder({
    id: id(n),
    orderNumber: `SO-${n}`,
    syncInfo: [
      {
        channel: { typeId: 'channel', id: CHANNEL },
        externalId: String(n),
        syncedAt: new Date(NOW - 5 * DAY).toISOString(),
      },
    ],
    ...overrides,
  });

const stuckRecord = (n: number): ExceptionRecord =>
  ({
    key: `fulfilment-stuck:${id(n)}`,
    kind: 'fulfilment-stuck',
    entity: { type: 'order', id: id(n) },
    message: 'old message',
  }) as ExceptionRecord;

function setup(byId: Order[]) {
  const resolved: string[] = [];
  const raised: string[] = [];
  const readByIds: string[][] = [];
  const stage = createDispatchStage({
    gateway: {
      ordersByIds: async (ids) => {
        readByIds.push([...ids]);
        return byId.filter((o) => ids.includes(o.id));
      },
    },
    // Every goods out is ALLOCATED in Clarus: not dispatched.
    clarus: {
      findGoodsOutsByReferences: async (refs) =>
        refs.map((r) => ({
          id: Number(r.slice(3)),
          reference: r,
          status: { code: 'ALLOCATED', name: null },
        })),
    },
    dispatchSync: {
      readGoodsOuts: async () => [],
      applyGoodsOut: async () => ({ kind: 'unchanged' }),
    } as never,
    exceptions: {
      raise: async (input: { entity: { id: string } }) => {
        raised.push(input.entity.id);
        return { isNew: true };
      },
      resolve: async (_kind: string, entity: { id: string }) => {
        resolved.push(entity.id);
        return true;
      },
    } as never,
    config: { dispatchCatchupMinAgeMinutes: 60, stuckFulfilmentDays: 3 },
    logger: silent,
    now: () => NOW,
  });
  return { stage, resolved, raised, readByIds };
}

describe('dispatch checks on one page', () => {
  it('decides the open stuck exceptions whose order ids fall in the page range, and no others', async () => {
    // Page (id 2, id 4], orders 3 and 4 on it. Open: 1 (before the range), 2 (outside the window, shipped),
    // 3 (on the page, still stuck), 5 (after the range: the next page's).
    const shipped = exported(2, { shipmentState: 'Shipped' });
    const { stage, resolved, raised, readByIds } = setup([shipped]);
    const open: OpenDispatchExceptions = {
      stuck: new Map([1, 2, 3, 5].map((n) => [id(n), stuckRecord(n)])),
      tracking: new Map(),
    };
    const summary = emptyPassSummary('run', NOW, { from: '', to: '' }, 2);
    const outcome = await stage.checkPage(
      [exported(3), exported(4)],
      { after: id(1), upTo: id(4), last: false },
      summary.dispatchCatchUp,
      summary.stuckFulfilment,
      { channelId: CHANNEL, open, overBudget: () => false, keepAlive: async () => {} },
    );
    expect(outcome).toEqual({});
    expect(readByIds).toEqual([[id(2)]]);
    expect(resolved).toEqual([id(2)]);
    // 3 and 4 are stuck (3's message changed, 4 is new); 1 and 5 wait for their own pages.
    expect(raised.sort()).toEqual([id(3), id(4)]);
    expect([...open.stuck.keys()].sort()).toEqual([id(1), id(5)]);
    expect(summary.stuckFulfilment).toMatchObject({ stuck: 2, raised: 2, resolved: 1 });
  });

  it('stops at the first order past the budget and leaves the open exceptions from there for the next run', async () => {
    const { stage, resolved, raised } = setup([]);
    const open: OpenDispatchExceptions = {
      stuck: new Map([5, 6].map((n) => [id(n), stuckRecord(n)])),
      tracking: new Map(),
    };
    const summary = emptyPassSummary('run', NOW, { from: '', to: '' }, 4);
    let checks = 0;
    const outcome = await stage.checkPage(
      [exported(3), exported(4), exported(5)],
      { after: id(2), last: true },
      summary.dispatchCatchUp,
      summary.stuckFulfilment,
      { channelId: CHANNEL, open, overBudget: () => ++checks > 1, keepAlive: async () => {} },
    );
    expect(outcome).toEqual({ deferredFrom: id(4) });
    expect(summary.dispatchCatchUp.deferred).toBe(2);
    expect(raised).toEqual([id(3)]);
    // 6 is in the (open) range but after the first deferred order: not resolved by this run.
    expect(resolved).toEqual([]);
    expect([...open.stuck.keys()].sort()).toEqual([id(5), id(6)]);
  });
});
