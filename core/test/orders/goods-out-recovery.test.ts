import type { ExportClaim } from '../../src/orders';
import {
  adoptFound,
  candidateReferences,
  holdLeftMs,
  isFullyExported,
  knownFromClaim,
  pendingInHold,
} from '../../src/orders';
import { anOrder } from '../../testing';

const ORDER_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
/** A claim exactly as the code before `pending` wrote it (upgrade: must stay readable). */
const legacyClaim: ExportClaim = {
  orderId: ORDER_ID,
  orderNumber: 'ORD-1001',
  status: 'exporting',
  holder: 'h',
  leaseUntil: '2026-11-26T10:00:30.000Z',
  attempts: 1,
  failures: 1,
  goodsOuts: {},
  updatedAt: '2026-11-26T10:00:00.000Z',
};
const HOLD = 5 * 60_000;
const at = Date.parse('2026-11-26T10:00:00.000Z');

describe('goods outs an order may have in Clarus', () => {
  it('looks up the planned reference, the order-id form and the references earlier attempts sent', () => {
    const order = anOrder({ orderNumber: 'LATE-1' });
    const refs = candidateReferences(order, {
      ...legacyClaim,
      orderNumber: undefined,
      pending: [{ reference: ORDER_ID, at: '2026-11-26T10:00:00.000Z' }],
    });
    expect([...refs]).toEqual([
      ['LATE-1', ''],
      [ORDER_ID, ''],
    ]);
  });

  it('reads a claim written before `pending` existed', () => {
    const order = anOrder();
    const refs = candidateReferences(order, legacyClaim);
    expect([...refs.keys()]).toEqual(['ORD-1001', ORDER_ID]);
    expect(pendingInHold(legacyClaim.pending, new Map(), at, HOLD)).toEqual([]);
    expect(knownFromClaim(legacyClaim, refs).size).toBe(0);
  });

  it('adopts a live goods out per slot, never a cancelled one or one of another reference', () => {
    const order = anOrder();
    const refs = candidateReferences(order, legacyClaim);
    const known = knownFromClaim(legacyClaim, refs);
    const adopted = adoptFound(
      known,
      [
        { id: 9, reference: 'ORD-1001', status: { code: 'CANCELLED', name: null } },
        { id: 12, reference: 'OTHER-7', status: null },
        { id: 11, reference: ORDER_ID, status: { code: 'ALLOCATED', name: null } },
      ],
      refs,
    );
    expect(adopted).toEqual([ORDER_ID]);
    expect(known.get('')).toEqual({ reference: ORDER_ID, id: 11 });
  });

  it('holds a pending create for the hold, measured from when it was sent, not from the lease', () => {
    const pending = [{ reference: 'ORD-1001', at: '2026-11-26T10:00:00.000Z' }];
    expect(pendingInHold(pending, new Map(), at + 31_000, HOLD)).toEqual(pending);
    expect(holdLeftMs(pending, at + 31_000, HOLD)).toBe(HOLD - 31_000);
    expect(pendingInHold(pending, new Map(), at + HOLD, HOLD)).toEqual([]);
    expect(pendingInHold(pending, new Map([['', { reference: 'ORD-1001', id: 1 }]]), at, HOLD)).toEqual([]);
  });

  it('counts an order as fully exported only with a goods out per shipping key', () => {
    const syncInfo = [{ channel: { typeId: 'channel' as const, id: 'ch' }, externalId: '1', syncedAt: '' }];
    expect(isFullyExported(anOrder({ syncInfo }), 'ch')).toBe(true);
    expect(isFullyExported(anOrder({ syncInfo }), 'other')).toBe(false);
  });
});
