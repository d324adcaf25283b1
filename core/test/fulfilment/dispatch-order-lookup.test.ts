import type { Order } from '@commercetools/platform-sdk';
import { recordsGoodsOut } from '../../src/fulfilment/dispatch-order-lookup';

const syncInfo = (channelId: string, externalId?: string) => ({
  channel: { typeId: 'channel' as const, id: channelId },
  ...(externalId !== undefined ? { externalId } : {}),
  syncedAt: '2026-11-30T07:00:00.000Z',
});

describe('recordsGoodsOut: the proof that lets a key read stand in for the syncInfo query', () => {
  const order = (entries: ReturnType<typeof syncInfo>[]) =>
    ({ syncInfo: entries }) as Pick<Order, 'syncInfo'>;

  it('true when the Clarus channel names this goods out id', () => {
    expect(recordsGoodsOut(order([syncInfo('clarus', '1024')]), 'clarus', 1024)).toBe(true);
    expect(
      recordsGoodsOut(order([syncInfo('clarus', '7'), syncInfo('clarus', '1024')]), 'clarus', 1024),
    ).toBe(true);
  });

  it('false for another goods out, another channel, or an entry without externalId', () => {
    expect(recordsGoodsOut(order([syncInfo('clarus', '1025')]), 'clarus', 1024)).toBe(false);
    expect(recordsGoodsOut(order([syncInfo('erp', '1024')]), 'clarus', 1024)).toBe(false);
    expect(recordsGoodsOut(order([syncInfo('clarus')]), 'clarus', 1024)).toBe(false);
    expect(recordsGoodsOut(order([]), 'clarus', 1024)).toBe(false);
  });
});
