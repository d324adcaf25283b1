import { availableForChannel, availableToSell, computeAtsTargets, safetyStockFor } from '../../src/inventory';

const config = {
  safetyStock: 2,
  safetyStockOverrides: { 'channel:marketplace': 5, 'sku:FRAGILE': 0 },
  channelWarehouses: { 'eu-web': [2] },
};

describe('available-to-sell', () => {
  it('subtracts in-flight and safety stock and floors at zero', () => {
    expect(availableToSell(10, 3, 2)).toBe(5);
    expect(availableToSell(4, 3, 2)).toBe(0);
    expect(availableToSell(-7, 0, 0)).toBe(0);
  });

  it('floors fractional Clarus quantities', () => {
    expect(availableToSell(10.9, 0, 0)).toBe(10);
    expect(availableToSell(10.5, 0.6, 0)).toBe(9);
    expect(availableToSell(0.99, 0, 0)).toBe(0);
  });

  it('ignores non-numeric quantities', () => {
    expect(availableToSell(Number.NaN, 0, 0)).toBe(0);
    expect(
      availableForChannel(
        new Map([
          [1, Number.NaN],
          [2, 4],
        ]),
        'uk-web',
        {},
      ),
    ).toBe(4);
  });

  it('takes the most specific safety stock: SKU, then channel, then default', () => {
    expect(safetyStockFor('FRAGILE', 'marketplace', config)).toBe(0);
    expect(safetyStockFor('OTHER', 'marketplace', config)).toBe(5);
    expect(safetyStockFor('OTHER', 'uk-web', config)).toBe(2);
  });

  it('sums all warehouses by default and only the mapped ones for a narrowed channel', () => {
    const stock = new Map([
      [1, 10],
      [2, 4],
    ]);
    expect(availableForChannel(stock, 'uk-web', config.channelWarehouses)).toBe(14);
    expect(availableForChannel(stock, 'eu-web', config.channelWarehouses)).toBe(4);
    expect(availableForChannel(undefined, 'uk-web', config.channelWarehouses)).toBe(0);
  });

  it('computes a target for every SKU on every channel, zero for SKUs Clarus does not hold', () => {
    const channels = [
      { id: 'c1', key: 'uk-web' },
      { id: 'c2', key: 'eu-web' },
      { id: 'c3', key: 'marketplace' },
    ];
    const stock = new Map([
      [
        'A',
        new Map([
          [1, 10],
          [2, 4],
        ]),
      ],
    ]);
    const targets = computeAtsTargets(['A', 'MISSING'], channels, stock, new Map([['A', 1]]), config);
    expect(targets.map((t) => [t.sku, t.channel.key, t.quantity])).toEqual([
      ['A', 'uk-web', 11],
      ['A', 'eu-web', 1],
      ['A', 'marketplace', 8],
      ['MISSING', 'uk-web', 0],
      ['MISSING', 'eu-web', 0],
      ['MISSING', 'marketplace', 0],
    ]);
  });
});
