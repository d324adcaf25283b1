import {
  availableForChannel,
  availableToSell,
  bundleAvailableToSell,
  computeAtsTargets,
  computeBundleTargets,
  safetyStockFor,
} from '../../src/inventory';

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

describe('bundle available-to-sell (BUNDLE_MODE=expand)', () => {
  const components = [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
  ];

  it('is the fewest whole bundles any component allows', () => {
    expect(
      bundleAvailableToSell(
        components,
        new Map([
          ['A', 8],
          ['B', 3],
        ]),
      ),
    ).toBe(3);
    expect(
      bundleAvailableToSell(
        components,
        new Map([
          ['A', 4],
          ['B', 3],
        ]),
      ),
    ).toBe(2);
  });

  it('is 0 when a component is unknown to Clarus', () => {
    expect(bundleAvailableToSell(components, new Map([['A', 8]]))).toBe(0);
  });

  it('floors a fractional share of a component', () => {
    expect(
      bundleAvailableToSell(
        components,
        new Map([
          ['A', 7],
          ['B', 9],
        ]),
      ),
    ).toBe(3);
    expect(bundleAvailableToSell([{ sku: 'A', quantity: 3 }], new Map([['A', 5.5]]))).toBe(1);
  });

  it('is 0 when a component has none, and never negative', () => {
    expect(
      bundleAvailableToSell(
        components,
        new Map([
          ['A', 0],
          ['B', 3],
        ]),
      ),
    ).toBe(0);
    expect(
      bundleAvailableToSell(
        components,
        new Map([
          ['A', 1],
          ['B', 3],
        ]),
      ),
    ).toBe(0);
    expect(bundleAvailableToSell(components, new Map([['A', -4]]))).toBe(0);
    expect(bundleAvailableToSell([], new Map())).toBe(0);
    expect(bundleAvailableToSell([{ sku: 'A', quantity: 0 }], new Map([['A', 5]]))).toBe(0);
  });

  it("derives every bundle on every channel from the components' ATS there; unreadable bundles get 0", () => {
    const channels = [
      { id: 'c1', key: 'uk-web' },
      { id: 'c3', key: 'marketplace' },
    ];
    const stock = new Map([
      ['A', new Map([[1, 21]])],
      ['B', new Map([[1, 9]])],
    ]);
    const targets = computeBundleTargets(
      [
        { sku: 'BOX', components },
        { sku: 'BROKEN', components: null },
        { sku: 'ODD', components: [{ sku: 'NOT-IN-CLARUS', quantity: 1 }] },
      ],
      channels,
      stock,
      new Map([['A', 1]]),
      config,
    );
    // A: uk-web 21 − 1 − 2 = 18, marketplace 21 − 1 − 5 = 15. B: 7 and 4.
    expect(targets.map((t) => [t.sku, t.channel.key, t.quantity])).toEqual([
      ['BOX', 'uk-web', 7],
      ['BOX', 'marketplace', 4],
      ['BROKEN', 'uk-web', 0],
      ['BROKEN', 'marketplace', 0],
      ['ODD', 'uk-web', 0],
      ['ODD', 'marketplace', 0],
    ]);
  });
});
