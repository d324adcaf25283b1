import type { Order, OrderUpdateAction } from '@commercetools/platform-sdk';
import { startEmulatorWithClient, type EmulatorWithClient } from './setup';

/**
 * The emulator harness's corrections (sandbox/bin/commercetools-emulator.mjs): the stored resources and
 * answers must look like the real API's, or tests built on them prove nothing.
 */
describe('commercetools emulator harness', () => {
  let ctx: EmulatorWithClient;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
  });
  afterAll(() => ctx.emulator.close());

  const eur = (centAmount: number) => ({ currencyCode: 'EUR', centAmount });

  let seeded: Promise<void> | undefined;
  /** Tax category, zone, shipping method and product for imported orders, created once per file. */
  async function seedCatalogue(): Promise<void> {
    const api = ctx.api;
    await api
      .taxCategories()
      .post({
        body: {
          key: 'std',
          name: 'Standard',
          rates: [{ name: '19%', amount: 0.19, includedInPrice: true, country: 'DE' }],
        },
      })
      .execute();
    await api
      .zones()
      .post({ body: { key: 'de', name: 'Germany', locations: [{ country: 'DE' }] } })
      .execute();
    await api
      .shippingMethods()
      .post({
        body: {
          key: 'standard',
          name: 'Standard',
          isDefault: false,
          taxCategory: { typeId: 'tax-category', key: 'std' },
          zoneRates: [{ zone: { typeId: 'zone', key: 'de' }, shippingRates: [{ price: eur(500) }] }],
        },
      })
      .execute();
    await api
      .productTypes()
      .post({ body: { key: 'basic', name: 'basic', description: 'basic' } })
      .execute();
    await api
      .products()
      .post({
        body: {
          productType: { typeId: 'product-type', key: 'basic' },
          name: { en: 'Thing' },
          slug: { en: 'thing' },
          taxCategory: { typeId: 'tax-category', key: 'std' },
          masterVariant: { sku: 'HARNESS-1', prices: [{ value: eur(1000) }] },
          publish: true,
        },
      })
      .execute();
  }

  async function importOrder(orderNumber = 'HARNESS-N1'): Promise<Order> {
    const api = ctx.api;
    seeded ??= seedCatalogue();
    await seeded;
    const order = await api
      .orders()
      .importOrder()
      .post({
        body: {
          orderNumber,
          totalPrice: eur(1500),
          shippingAddress: { country: 'DE' },
          lineItems: [
            {
              variant: { sku: 'HARNESS-1' },
              name: { en: 'Thing' },
              price: { value: eur(1000) },
              quantity: 2,
            },
          ],
          shippingInfo: {
            shippingMethodName: 'Standard',
            price: eur(500),
            shippingRate: { price: eur(500) },
            shippingMethod: { typeId: 'shipping-method', key: 'standard' },
          },
        },
      })
      .execute();
    return order.body;
  }

  it('stores addDelivery.deliveryKey as the delivery key, and parcels by their keys, like the real API', async () => {
    const order = await importOrder();
    const lineItemId = order.lineItems[0]!.id;

    const withDelivery = await ctx.api
      .orders()
      .withId({ ID: order.id })
      .post({
        body: {
          version: order.version,
          actions: [
            {
              action: 'addDelivery',
              deliveryKey: 'clarus-shipment-11',
              items: [{ id: lineItemId, quantity: 1 }],
              parcels: [{ key: 'clarus-package-21', trackingData: { trackingId: 'TRK-21', carrier: 'DPD' } }],
            },
          ],
        },
      })
      .execute();
    const withParcel = await ctx.api
      .orders()
      .withId({ ID: order.id })
      .post({
        body: {
          version: withDelivery.body.version,
          actions: [
            {
              action: 'addParcelToDelivery',
              deliveryKey: 'clarus-shipment-11',
              parcelKey: 'clarus-package-22',
              trackingData: { trackingId: 'TRK-22' },
            },
          ],
        },
      })
      .execute();

    const delivery = withParcel.body.shippingInfo?.deliveries?.[0];
    expect(delivery?.key).toBe('clarus-shipment-11');
    expect(delivery).not.toHaveProperty('deliveryKey');
    expect(delivery?.parcels.map((p) => p.key)).toEqual(['clarus-package-21', 'clarus-package-22']);
    const found = await ctx.api
      .orders()
      .get({ queryArgs: { where: 'shippingInfo(deliveries(key = "clarus-shipment-11"))' } })
      .execute();
    expect(found.body.results.map((o) => o.id)).toEqual([order.id]);
  });

  it('applies setParcelTrackingData (by parcel id or key) like the real API, which the mock lacks', async () => {
    const order = await importOrder('HARNESS-N2');
    const update = async (version: number, actions: OrderUpdateAction[]) =>
      (await ctx.api.orders().withId({ ID: order.id }).post({ body: { version, actions } }).execute()).body;
    const withDelivery = await update(order.version, [
      {
        action: 'addDelivery',
        deliveryKey: 'clarus-shipment-31',
        items: [{ id: order.lineItems[0]!.id, quantity: 2 }],
        parcels: [
          { key: 'clarus-package-41', trackingData: { trackingId: 'OLD-41', carrier: 'DPD' } },
          { key: 'clarus-package-42', trackingData: { trackingId: 'OLD-42', carrier: 'DPD' } },
        ],
      },
    ]);
    const [first, second] = withDelivery.shippingInfo!.deliveries![0]!.parcels;

    const byId = await update(withDelivery.version, [
      {
        action: 'setParcelTrackingData',
        parcelId: first!.id,
        trackingData: { trackingId: 'NEW-41', carrier: 'UPS', isReturn: false },
      },
    ]);
    const byKey = await update(byId.version, [
      {
        action: 'setParcelTrackingData',
        parcelKey: 'clarus-package-42',
        trackingData: { trackingId: 'NEW-42' },
      },
    ]);
    expect(byId.version).toBe(withDelivery.version + 1);
    expect(byKey.shippingInfo!.deliveries![0]!.parcels.map((p) => [p.id, p.key, p.trackingData])).toEqual([
      [first!.id, 'clarus-package-41', { trackingId: 'NEW-41', carrier: 'UPS', isReturn: false }],
      [second!.id, 'clarus-package-42', { trackingId: 'NEW-42' }],
    ]);

    // No trackingData removes it; an unknown parcel is refused with 400.
    const removed = await update(byKey.version, [
      { action: 'setParcelTrackingData', parcelKey: 'clarus-package-42' },
    ]);
    expect(removed.shippingInfo!.deliveries![0]!.parcels[1]).not.toHaveProperty('trackingData');
    await expect(
      update(removed.version, [
        { action: 'setParcelTrackingData', parcelKey: 'no-such-parcel', trackingData: {} },
      ]),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers a stale-version update with 409 even when the actions change nothing', async () => {
    const channel = await ctx.api
      .channels()
      .post({ body: { key: 'harness-ch', roles: ['InventorySupply'] } })
      .execute();
    await ctx.api
      .channels()
      .withId({ ID: channel.body.id })
      .post({ body: { version: 1, actions: [{ action: 'changeKey', key: 'harness-ch2' }] } })
      .execute();

    const stale = ctx.api
      .channels()
      .withId({ ID: channel.body.id })
      .post({ body: { version: 1, actions: [{ action: 'changeKey', key: 'harness-ch2' }] } })
      .execute();

    await expect(stale).rejects.toMatchObject({ statusCode: 409 });
  });

  it('passes query sort through, so cursor paging by id works', async () => {
    for (const key of ['s1', 's2', 's3', 's4'])
      await ctx.api
        .customObjects()
        .post({ body: { container: 'sorted', key, value: key } })
        .execute();
    const asc = await ctx.api
      .customObjects()
      .withContainer({ container: 'sorted' })
      .get({ queryArgs: { sort: 'id asc' } })
      .execute();
    const desc = await ctx.api
      .customObjects()
      .withContainer({ container: 'sorted' })
      .get({ queryArgs: { sort: 'id desc' } })
      .execute();

    const ids = asc.body.results.map((o) => o.id);
    expect(ids).toEqual([...ids].sort());
    expect(desc.body.results.map((o) => o.id)).toEqual([...ids].reverse());
  });

  it('records requests and fails the next matching ones on demand', async () => {
    await ctx.emulator.resetRequests();
    await ctx.emulator.failNext({
      method: 'GET',
      path: '/zones',
      status: 404,
      body: { statusCode: 404, message: 'gone', errors: [] },
    });

    const direct = await fetch(`${ctx.emulator.apiUrl}/${ctx.emulator.projectKey}/zones`);
    expect(direct.status).toBe(404);
    expect(await direct.json()).toMatchObject({ message: 'gone' });
    expect(await ctx.emulator.requests()).toEqual([
      { method: 'GET', url: `/${ctx.emulator.projectKey}/zones`, status: 404 },
    ]);
  });
});
