import type { ShippingMethod } from '@commercetools/platform-sdk';
import {
  importOrder,
  seedOtherAccount,
  seedProducts,
  seedShippingMethods,
  type TestWorld,
} from '@clarus-connector/sandbox';
import { deliveries, freshOrder, startService, startTestWorld, type ServiceUnderTest } from './harness';

/**
 * Invariant 7 (one Clarus account) for dispatch look-ups: on a 3PL's shared tenant another client's goods
 * out carries our order number as its reference. Its dispatch (the automation fires for the whole tenant)
 * must never put that client's shipment and tracking on our order.
 */
describe('dispatch webhook on a shared Clarus tenant', () => {
  let world: TestWorld;
  let service: ServiceUnderTest;
  let nextDay: ShippingMethod;

  beforeAll(async () => {
    world = await startTestWorld({ clarus: { accountId: 1 } });
    await seedProducts(world.api, [{ sku: 'MUG-1' }]);
    nextDay = (await seedShippingMethods(world.api, ['next-day']))[0]!;
    world.clarus.seedProducts([{ code: 'MUG-1' }]);
    world.clarus.seedCarrierServices([{ code: 'DPD-NEXT', carrierCode: 'DPD' }]);
    world.clarus.setStock([{ productCode: 'MUG-1', available: 100 }]);
    service = await startService(world, {
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      CLARUS_WAREHOUSE_ID: '1',
    });
    world.clarus.configureWebhooks({ dispatchUrl: service.dispatchUrl() });
  });
  afterAll(async () => {
    await service?.close();
    await world?.close();
  });

  it("writes nothing to our order when another account's goods out with our order number is dispatched", async () => {
    const order = await importOrder(world.api, {
      orderNumber: 'SHARED-DSP-1',
      lines: [{ sku: 'MUG-1', quantity: 1 }],
      shippingMethod: nextDay,
    });
    const outcome = await service.integration.orderExport.exportOrder({ orderId: order.id });
    expect(outcome.kind).toBe('exported');
    const [theirs] = seedOtherAccount(world.clarus, {
      products: ['MUG-1'],
      stock: [{ productCode: 'MUG-1', available: 10 }],
      goodsOuts: [{ reference: 'SHARED-DSP-1', lines: [{ productCode: 'MUG-1', quantity: 1 }] }],
    }).goodsOuts;
    const before = await freshOrder(world, order);

    const dispatched = await world.clarus.dispatch(theirs!.id, { shipments: [{ packages: 1 }] });

    expect(dispatched.webhookStatus).toBe(200);
    const after = await freshOrder(world, order);
    expect(deliveries(after)).toEqual([]);
    expect(after.shipmentState).toBe(before.shipmentState);
    expect(after.version).toBe(before.version);
  });
});
