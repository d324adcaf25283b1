import type { Address, LineItem, Order } from '@commercetools/platform-sdk';

/** Builders for commercetools resources in unit tests: only the fields the connector reads are meaningful. */
export function anAddress(overrides: Partial<Address> = {}): Address {
  return {
    country: 'GB',
    firstName: 'Ada',
    lastName: 'Lovelace',
    streetName: 'High Street',
    streetNumber: '12',
    additionalStreetInfo: 'Flat 3',
    city: 'London',
    region: 'Greater London',
    postalCode: 'SW1A 1AA',
    email: 'ada@example.com',
    phone: '+44 20 7946 0958',
    additionalAddressInfo: 'Leave with the concierge',
    ...overrides,
  };
}

export function aLineItem(
  id: string,
  sku: string,
  quantity: number,
  overrides: Partial<LineItem> = {},
): LineItem {
  return {
    id,
    productId: `product-${sku}`,
    name: { en: sku },
    productType: { typeId: 'product-type', id: 'pt' },
    variant: { id: 1, sku, attributes: [] },
    price: {
      id: 'p',
      value: { type: 'centPrecision', currencyCode: 'GBP', centAmount: 1000, fractionDigits: 2 },
    },
    quantity,
    totalPrice: {
      type: 'centPrecision',
      currencyCode: 'GBP',
      centAmount: 1000 * quantity,
      fractionDigits: 2,
    },
    discountedPricePerQuantity: [],
    taxedPricePortions: [],
    state: [],
    perMethodTaxRate: [],
    priceMode: 'Platform',
    lineItemMode: 'Standard',
    ...overrides,
  } as LineItem;
}

export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    version: 1,
    createdAt: '2026-11-26T10:00:00.000Z',
    lastModifiedAt: '2026-11-26T10:00:00.000Z',
    orderNumber: 'ORD-1001',
    lineItems: [aLineItem('li-1', 'SKU-A', 2)],
    customLineItems: [],
    totalPrice: { type: 'centPrecision', currencyCode: 'GBP', centAmount: 2000, fractionDigits: 2 },
    shippingAddress: anAddress(),
    shippingMode: 'Single',
    shipping: [],
    shippingInfo: {
      shippingMethodName: 'Next day',
      shippingMethod: { typeId: 'shipping-method', id: 'sm-next-day' },
      price: { type: 'centPrecision', currencyCode: 'GBP', centAmount: 500, fractionDigits: 2 },
      shippingRate: {
        price: { type: 'centPrecision', currencyCode: 'GBP', centAmount: 500, fractionDigits: 2 },
      },
      shippingMethodState: 'MatchesCart',
    },
    refusedGifts: [],
    origin: 'Customer',
    orderState: 'Open',
    syncInfo: [],
    ...overrides,
  } as Order;
}
