import type { ShippingMethod } from '@commercetools/platform-sdk';
import { seedProducts, seedShippingMethods, type TestWorld } from '@clarus-connector/sandbox';

/**
 * The order benchmarks' catalogue: 20 SKUs `<prefix>-000`…`<prefix>-019` in commercetools and as Clarus
 * products, carrier service DPD-NEXT, and the `next-day` shipping method (map it to DPD-NEXT in the app's
 * CLARUS_SHIPPING_METHOD_MAP).
 */
export async function seedOrderCatalogue(
  world: TestWorld,
  prefix: string,
): Promise<{ skus: string[]; method: ShippingMethod }> {
  const skus = Array.from({ length: 20 }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  await seedProducts(
    world.api,
    skus.map((sku) => ({ sku })),
  );
  world.clarus.seedProducts(skus.map((code) => ({ code })));
  world.clarus.seedCarrierServices([{ code: 'DPD-NEXT' }]);
  const [method] = await seedShippingMethods(world.api, ['next-day']);
  return { skus, method: method as ShippingMethod };
}
