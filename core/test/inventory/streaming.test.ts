import type { InventoryEntry } from '@commercetools/platform-sdk';
import { ScannedEntries } from '../../src/inventory/scanned-entries';
import { singleFlight } from '../../src/inventory/sync';

const uuid = (n: number) => `0a1b2c3d-4e5f-4a6b-8c7d-${n.toString(16).padStart(12, '0')}`;
const entry = (sku: string, channel: string, id = `${sku}-${channel}`): InventoryEntry =>
  ({
    id,
    version: 3,
    key: `k-${sku}-${channel}`,
    sku,
    supplyChannel: { typeId: 'channel', id: channel, obj: { big: true } },
    quantityOnStock: 7,
    availableQuantity: 5,
    reservations: [],
    createdAt: '2030-01-01T00:00:00.000Z',
    lastModifiedAt: '2030-01-02T03:04:05.678Z',
    createdBy: { clientId: 'someone' },
  }) as unknown as InventoryEntry;

describe('the job keeps entries read once, packed (issue 11)', () => {
  it('hands back what the plan and the versioned write read, nothing else', () => {
    const scanned = new ScannedEntries();
    scanned.add(entry('A', 'c1', uuid(1)));
    scanned.add(entry('A', 'c2', 'not-a-uuid'));
    expect(scanned.take(['A'])).toEqual([
      {
        id: uuid(1),
        version: 3,
        sku: 'A',
        supplyChannel: { typeId: 'channel', id: 'c1' },
        quantityOnStock: 7,
        lastModifiedAt: '2030-01-02T03:04:05.678Z',
      },
      {
        id: 'not-a-uuid',
        version: 3,
        sku: 'A',
        supplyChannel: { typeId: 'channel', id: 'c2' },
        quantityOnStock: 7,
        lastModifiedAt: '2030-01-02T03:04:05.678Z',
      },
    ]);
  });

  it("take hands a batch its SKUs' entries in scan order and forgets them; forget drops a SKU", () => {
    const scanned = new ScannedEntries();
    // More than the first capacity, so the arrays grow while SKUs interleave.
    for (let i = 0; i < 3000; i += 1) {
      scanned.add({ ...entry(`S${i % 1000}`, `c${i % 3}`, uuid(i)), version: i, quantityOnStock: i * 2 });
    }
    expect([...scanned.skus()]).toHaveLength(1000);
    const taken = scanned.take(['S7', 'Z']);
    expect(taken.map((e) => [e.id, e.version, e.quantityOnStock, e.supplyChannel?.id])).toEqual([
      [uuid(7), 7, 14, 'c1'],
      [uuid(1007), 1007, 2014, 'c2'],
      [uuid(2007), 2007, 4014, 'c0'],
    ]);
    expect(scanned.has('S7')).toBe(false);
    expect(scanned.take(['S7'])).toEqual([]);
    scanned.forget('S8');
    expect([...scanned.skus()]).toHaveLength(998);
    expect(scanned.added).toBe(3000);
  });

  it('an unreadable lastModifiedAt stays unreadable (never newer than a read); no channel stays none', () => {
    const scanned = new ScannedEntries();
    scanned.add({ ...entry('A', 'c1', uuid(2)), lastModifiedAt: 'yesterday', supplyChannel: undefined });
    const [only] = scanned.take(['A']);
    expect(only?.lastModifiedAt).toBe('');
    expect(only?.supplyChannel).toBeUndefined();
  });

  it('singleFlight: callers during a renewal share it; the next call renews again', async () => {
    let calls = 0;
    let finish: () => void = () => undefined;
    const renew = singleFlight(
      () =>
        new Promise<void>((resolve) => {
          calls += 1;
          finish = resolve;
        }),
    );
    const a = renew();
    const b = renew();
    expect(calls).toBe(1);
    finish();
    await Promise.all([a, b]);
    const c = renew();
    expect(calls).toBe(2);
    finish();
    await c;
  });
});
