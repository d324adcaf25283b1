import type { MappingConfig } from '../../src/config';
import { createSkuTranslator } from '../../src/mapping';
import {
  mapOrderToGoodsOuts,
  productCodesOf,
  type MappingContext,
  type MappingLookups,
  type OrderProblem,
} from '../../src/orders';
import { aLineItem, anAddress, anOrder } from '../../testing';

const mapping: MappingConfig = {
  shippingMethodMap: { 'next-day': 'DPD-NEXT', '*': 'RM-2ND' },
  skuRules: { padStart: { length: 8, char: '0' } },
  giftMessageField: 'giftMessage',
  orderFieldMap: { channelCode: 'string1', loyaltyTier: 'integer2', isB2b: 'boolean1' },
  bundleComponentsAttribute: 'bundleComponents',
  bundleMode: 'expand',
};
const ctx = (m: Partial<MappingConfig> = {}): MappingContext => {
  const merged = { ...mapping, ...m };
  return {
    mapping: merged,
    skus: createSkuTranslator(merged.skuRules),
    accountId: 7,
    warehouseId: 3,
    now: '2026-11-26T12:00:00.000Z',
  };
};
const lookups: MappingLookups = {
  productIds: new Map([
    ['00012345', 101],
    ['SKU-A', 102],
    ['SKU-B', 103],
    ['COMP-1', 201],
    ['COMP-2', 202],
  ]),
  carrierServiceIds: new Map([
    ['DPD-NEXT', 11],
    ['RM-2ND', 12],
  ]),
  shippingMethodKeys: new Map([
    ['sm-next-day', 'next-day'],
    ['sm-standard', 'standard'],
  ]),
};
const noPad = { skuRules: {} };

describe('order → goods out mapping', () => {
  const richOrder = anOrder({
    lineItems: [aLineItem('li-1', '12345', 2), aLineItem('li-2', 'SKU-A', 1), aLineItem('li-3', 'SKU-B', 3)],
    custom: {
      type: { typeId: 'type', id: 't' },
      fields: { giftMessage: 'Happy birthday!', channelCode: 'WEB-UK', loyaltyTier: 3, isB2b: false },
    },
  });

  it('maps every header, address and line field', () => {
    const result = mapOrderToGoodsOuts(richOrder, ctx({ skuRules: {} }), {
      ...lookups,
      productIds: new Map([...lookups.productIds, ['12345', 100]]),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plans).toHaveLength(1);
    const [plan] = result.plans;
    expect(plan!.header).toEqual({
      goods_out_type: 'sales_order',
      account_id: 7,
      reference: 'ORD-1001',
      expected_date_of_dispatch: '2026-11-26T12:00:00.000Z',
      external_system_reference1: richOrder.id,
      warehouse_id: 3,
      carrier_service_id: 11,
      delivery_notes: 'Leave with the concierge',
      packing_notes: 'Happy birthday!',
      string1: 'WEB-UK',
      integer2: 3,
      boolean1: false,
    });
    expect(plan!.address).toEqual({
      name: 'Ada Lovelace',
      address_1: 'High Street 12',
      address_2: 'Flat 3',
      address_3: 'London',
      address_4: 'Greater London',
      postcode: 'SW1A 1AA',
      country_code: 'GB',
      email_address: 'ada@example.com',
      phone_number: '+44 20 7946 0958',
    });
    expect(plan!.lines).toEqual([
      { product_id: 100, order_quantity: 2, alt_product_code: '12345', alt_line_reference: 'li-1' },
      { product_id: 102, order_quantity: 1, alt_product_code: 'SKU-A', alt_line_reference: 'li-2' },
      { product_id: 103, order_quantity: 3, alt_product_code: 'SKU-B', alt_line_reference: 'li-3' },
    ]);
  });

  it('resolves product ids through the SKU rules (leading zeros) but keeps the SKU as alt_product_code', () => {
    const result = mapOrderToGoodsOuts(
      anOrder({ lineItems: [aLineItem('li-1', '12345', 2)] }),
      ctx(),
      lookups,
    );
    expect(result.ok && result.plans[0]!.lines[0]).toEqual({
      product_id: 101,
      order_quantity: 2,
      alt_product_code: '12345',
      alt_line_reference: 'li-1',
    });
    expect(
      productCodesOf(anOrder({ lineItems: [aLineItem('li-1', '12345', 2)] }), mapping, ctx().skus),
    ).toEqual(['00012345']);
  });

  it('uses the order id as reference when there is no order number', () => {
    const order = anOrder({ orderNumber: undefined });
    const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
    expect(result.ok && result.plans[0]!.reference).toBe(order.id);
  });

  it('takes delivery notes from a configured custom field instead of additionalAddressInfo', () => {
    const order = anOrder({ custom: { type: { typeId: 'type', id: 't' }, fields: { notes: 'Ring twice' } } });
    const result = mapOrderToGoodsOuts(order, ctx({ ...noPad, deliveryNotesField: 'notes' }), lookups);
    expect(result.ok && result.plans[0]!.header.delivery_notes).toBe('Ring twice');
  });

  it('falls back to the "*" carrier service for an unlisted shipping method', () => {
    const order = anOrder({
      shippingInfo: {
        ...anOrder().shippingInfo!,
        shippingMethod: { typeId: 'shipping-method', id: 'sm-standard' },
      },
    });
    const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
    expect(result.ok && result.plans[0]!.header.carrier_service_id).toBe(12);
  });

  it('uses company as the name when there is no person, and region over state', () => {
    const order = anOrder({
      shippingAddress: anAddress({
        firstName: undefined,
        lastName: undefined,
        company: 'ACME Ltd',
        region: undefined,
        state: 'CA',
      }),
    });
    const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
    expect(result.ok && result.plans[0]!.address).toMatchObject({ name: 'ACME Ltd', address_4: 'CA' });
  });

  it('lists every problem at once: unknown SKU, over-long street, unmapped shipping method', () => {
    const order = anOrder({
      lineItems: [aLineItem('li-1', 'NOPE-1', 1), aLineItem('li-2', 'SKU-A', 1)],
      shippingAddress: anAddress({ streetName: 'x'.repeat(90) }),
      shippingInfo: {
        ...anOrder().shippingInfo!,
        shippingMethod: { typeId: 'shipping-method', id: 'sm-standard' },
      },
    });
    const result = mapOrderToGoodsOuts(
      order,
      ctx({ ...noPad, shippingMethodMap: { 'next-day': 'DPD-NEXT' } }),
      lookups,
    );
    expect(result.ok).toBe(false);
    const problems = (result as { problems: OrderProblem[] }).problems;
    expect(problems.map((p) => p.code).sort()).toEqual([
      'field_too_long',
      'shipping_method_unmapped',
      'sku_unknown_to_clarus',
    ]);
    expect(problems.find((p) => p.code === 'sku_unknown_to_clarus')).toMatchObject({
      owner: 'operations',
      sku: 'NOPE-1',
    });
    expect(problems.find((p) => p.code === 'field_too_long')).toMatchObject({
      owner: 'ecommerce',
      field: 'shippingAddress.street',
    });
  });

  it('reports postcode over 10, bad country, missing address and an over-long reference', () => {
    const bad = mapOrderToGoodsOuts(
      anOrder({
        orderNumber: 'N'.repeat(51),
        shippingAddress: anAddress({ postalCode: '12345678901', country: 'GBR' }),
      }),
      ctx(noPad),
      lookups,
    );
    expect(!bad.ok && bad.problems.map((p) => p.field).sort()).toEqual([
      'reference',
      'shippingAddress.country',
      'shippingAddress.postcode',
    ]);
    const none = mapOrderToGoodsOuts(anOrder({ shippingAddress: undefined }), ctx(noPad), lookups);
    expect(!none.ok && none.problems.map((p) => p.code)).toEqual(['missing_address']);
  });

  it('rejects a gift message longer than packing_notes allows rather than cutting it', () => {
    const order = anOrder({
      custom: { type: { typeId: 'type', id: 't' }, fields: { giftMessage: 'x'.repeat(256) } },
    });
    const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
    expect(!result.ok && result.problems[0]).toMatchObject({
      code: 'field_too_long',
      field: 'custom.giftMessage',
    });
  });

  it('routes the gift message to another slot through the field map', () => {
    const order = anOrder({ custom: { type: { typeId: 'type', id: 't' }, fields: { giftMessage: 'Hi' } } });
    const result = mapOrderToGoodsOuts(
      order,
      ctx({ ...noPad, orderFieldMap: { giftMessage: 'string5' } }),
      lookups,
    );
    expect(result.ok && result.plans[0]!.header).toMatchObject({ string5: 'Hi' });
    expect(result.ok && result.plans[0]!.header.packing_notes).toBeUndefined();
  });

  it('makes one goods out per shipping key for a multi-shipment order', () => {
    const order = anOrder({
      shippingMode: 'Multiple',
      shippingAddress: undefined,
      shippingInfo: undefined,
      lineItems: [
        aLineItem('li-1', 'SKU-A', 3, {
          shippingDetails: {
            targets: [
              { addressKey: 'home', quantity: 1, shippingMethodKey: 'home' },
              { addressKey: 'office', quantity: 2, shippingMethodKey: 'office' },
            ],
            valid: true,
          },
        }),
        aLineItem('li-2', 'SKU-B', 1, {
          shippingDetails: {
            targets: [{ addressKey: 'office', quantity: 1, shippingMethodKey: 'office' }],
            valid: true,
          },
        }),
      ],
      shipping: ['home', 'office'].map((key) => ({
        shippingKey: key,
        shippingAddress: anAddress({ key, city: key === 'home' ? 'London' : 'Leeds' }),
        shippingInfo: {
          ...anOrder().shippingInfo!,
          shippingMethod: { typeId: 'shipping-method' as const, id: 'sm-next-day' },
        },
      })) as never,
    });
    const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plans.map((p) => [p.reference, p.shippingKey, p.address.address_3])).toEqual([
      ['ORD-1001-home', 'home', 'London'],
      ['ORD-1001-office', 'office', 'Leeds'],
    ]);
    expect(result.plans[0]!.lines).toEqual([
      { product_id: 102, order_quantity: 1, alt_product_code: 'SKU-A', alt_line_reference: 'li-1' },
    ]);
    expect(result.plans[1]!.lines.map((l) => [l.alt_product_code, l.order_quantity])).toEqual([
      ['SKU-A', 2],
      ['SKU-B', 1],
    ]);
  });

  describe('bundles', () => {
    const bundle = (value: unknown) =>
      aLineItem('li-b', 'BUNDLE-1', 2, {
        variant: { id: 1, sku: 'BUNDLE-1', attributes: [{ name: 'bundleComponents', value }] },
      });

    it('expands a bundle into component lines (quantity × bundle quantity)', () => {
      const order = anOrder({ lineItems: [bundle(['COMP-1:2', 'COMP-2'])] });
      const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
      expect(result.ok && result.plans[0]!.lines).toEqual([
        { product_id: 201, order_quantity: 4, alt_product_code: 'COMP-1', alt_line_reference: 'li-b' },
        { product_id: 202, order_quantity: 2, alt_product_code: 'COMP-2', alt_line_reference: 'li-b' },
      ]);
    });

    it('accepts JSON text components', () => {
      const order = anOrder({ lineItems: [bundle('[{"sku":"COMP-2","quantity":3}]')] });
      const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
      expect(result.ok && result.plans[0]!.lines.map((l) => [l.alt_product_code, l.order_quantity])).toEqual([
        ['COMP-2', 6],
      ]);
    });

    it('sends the bundle SKU itself in native mode', () => {
      const order = anOrder({ lineItems: [bundle(['COMP-1:2'])] });
      const result = mapOrderToGoodsOuts(order, ctx({ ...noPad, bundleMode: 'native' }), {
        ...lookups,
        productIds: new Map([['BUNDLE-1', 300]]),
      });
      expect(result.ok && result.plans[0]!.lines).toEqual([
        { product_id: 300, order_quantity: 2, alt_product_code: 'BUNDLE-1', alt_line_reference: 'li-b' },
      ]);
    });

    it('reports a malformed components attribute', () => {
      const result = mapOrderToGoodsOuts(anOrder({ lineItems: [bundle('[not json')] }), ctx(noPad), lookups);
      expect(!result.ok && result.problems[0]!.code).toBe('invalid_bundle');
    });
  });

  it('rejects a custom field value that does not fit its Clarus slot', () => {
    const order = anOrder({ custom: { type: { typeId: 'type', id: 't' }, fields: { loyaltyTier: 'gold' } } });
    const result = mapOrderToGoodsOuts(order, ctx(noPad), lookups);
    expect(!result.ok && result.problems[0]).toMatchObject({
      code: 'invalid_custom_field',
      field: 'custom.loyaltyTier',
    });
  });

  describe('validation before Clarus (what clarus-api.json declares)', () => {
    it('drops the unusable email ana.lima.example.org with a warning and still sends the order', () => {
      const result = mapOrderToGoodsOuts(
        anOrder({ shippingAddress: anAddress({ email: 'ana.lima.example.org' }) }),
        ctx(noPad),
        lookups,
      );
      expect(result.ok).toBe(true);
      expect(result.ok && result.plans[0]!.address).not.toHaveProperty('email_address');
      expect(result.warnings).toEqual([
        expect.objectContaining({ code: 'invalid_email_dropped', field: 'shippingAddress.email' }),
      ]);
      // The warning names the field and the rule, never the address itself (personal data).
      expect(JSON.stringify(result.warnings)).not.toMatch(/ana\.lima/);
    });

    it.each([
      ['ana@example.org', true],
      ['ana.lima@example.co.uk', true],
      ['ana lima@example.org', false],
      ['ana@', false],
      ['@example.org', false],
      ['ana@exa mple.org', false],
    ])('email %s is kept: %s', (email, kept) => {
      const result = mapOrderToGoodsOuts(
        anOrder({ shippingAddress: anAddress({ email }) }),
        ctx(noPad),
        lookups,
      );
      expect(result.ok && result.plans[0]!.address.email_address).toBe(kept ? email : undefined);
    });

    it('drops an email over 254 and a phone over 50 characters with warnings', () => {
      const result = mapOrderToGoodsOuts(
        anOrder({
          shippingAddress: anAddress({ email: `${'a'.repeat(250)}@example.org`, phone: '0'.repeat(51) }),
        }),
        ctx(noPad),
        lookups,
      );
      expect(result.ok).toBe(true);
      expect(result.warnings.map((w) => w.code)).toEqual([
        'email_too_long_dropped',
        'phone_too_long_dropped',
      ]);
      expect(result.ok && result.plans[0]!.address).not.toHaveProperty('phone_number');
    });
  });
});
