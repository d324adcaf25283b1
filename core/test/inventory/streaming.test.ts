import type { InventoryEntry } from '@commercetools/platform-sdk';
import { takeEntries } from '../../src/inventory/batch';
import { slimEntry } from '../../src/inventory/inventory-gateway';
import { singleFlight } from '../../src/inventory/sync';

const entry = (sku: string, channel: string): InventoryEntry =>
  ({
    id: `${sku}-${channel}`,
    version: 3,
    key: `k-${sku}-${channel}`,
    sku,
    supplyChannel: { typeId: 'channel', id: channel, obj: { big: true } },
    quantityOnStock: 7,
    availableQuantity: 5,
    reservations: [],
    createdAt: '2030-01-01T00:00:00.000Z',
    lastModifiedAt: '2030-01-02T00:00:00.000Z',
    createdBy: { clientId: 'someone' },
  }) as unknown as InventoryEntry;

describe('the job keeps entries read once (issue 11)', () => {
  it('slimEntry keeps what the plan and the versioned write use, nothing else', () => {
    expect(slimEntry(entry('A', 'c1'))).toEqual({
      id: 'A-c1',
      version: 3,
      key: 'k-A-c1',
      sku: 'A',
      supplyChannel: { typeId: 'channel', id: 'c1' },
      quantityOnStock: 7,
      availableQuantity: 5,
      createdAt: '2030-01-01T00:00:00.000Z',
      lastModifiedAt: '2030-01-02T00:00:00.000Z',
    });
  });

  it("takeEntries hands a batch its SKUs' entries and drops them from the run's map", () => {
    const bySku = new Map([
      ['A', [entry('A', 'c1'), entry('A', 'c2')]],
      ['B', [entry('B', 'c1')]],
    ]);
    expect(takeEntries(bySku, ['A', 'Z']).map((e) => e.id)).toEqual(['A-c1', 'A-c2']);
    expect([...bySku.keys()]).toEqual(['B']);
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
