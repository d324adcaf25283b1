/**
 * Product master benchmark (issue 12), against the local stand-ins over HTTP:
 * - requests per published product: Clarus and commercetools requests the event app makes for one
 *   `ProductPublished` (a new product of 1 and of 3 variants, a redelivery, a changed name);
 * - the SKU guard Extension's answer time: 20 concurrent callers, p50/p99/max over `ROUNDS` rounds.
 * Run: node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/product-master.ts
 */
import { listen } from '@clarus-connector/core';
import {
  createCatalogueProduct,
  productMessage,
  pushEnvelope,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import type { AddressInfo } from 'node:net';
import { createApp as createEventApp } from '../order-event-app/src/app';
import { createApp as createService } from '../fulfilment-service/src/app';
import { SKU_GUARD_PATH } from '../fulfilment-service/src/extension-routes';

const CONCURRENCY = 20;
const ROUNDS = 50;
const SECRET = 'bench-sku-guard-secret-0123456789';

interface Counts {
  clarus: number;
  clarusWrites: number;
  commercetools: number;
  commercetoolsWrites: number;
}

async function counted(world: TestWorld, run: () => Promise<void>): Promise<Counts> {
  world.clarus.resetRequests();
  await world.ct.resetRequests();
  await run();
  const clarus = world.clarus.requests.filter((r) => r.path !== '/oauth/token');
  const ct = (await world.ct.requests()).filter((r) => !r.url.startsWith('/oauth'));
  return {
    clarus: clarus.length,
    clarusWrites: clarus.filter((r) => r.path.startsWith('/api/')).length,
    commercetools: ct.length,
    commercetoolsWrites: ct.filter((r) => r.method !== 'GET').length,
  };
}

export async function benchProductMaster(): Promise<Record<string, unknown>> {
  const world = await startTestWorld();
  try {
    const env = {
      PRODUCT_MASTER: 'commercetools',
      CLARUS_STOCK_UNIT_TYPE_ID: '1',
      PRODUCT_BARCODE_ATTRIBUTE: 'barcode',
      SKU_GUARD: 'reject',
      SKU_GUARD_SECRET: SECRET,
      CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true }),
    };
    const integration = world.integration(env);
    const events = await listen(createEventApp(integration), 0, '127.0.0.1');
    const eventsUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}/order-events`;
    const deliver = async (message: unknown) => {
      const res = await fetch(eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(pushEnvelope(message)),
      });
      if (res.status !== 200) throw new Error(`event app answered ${res.status}`);
    };

    const one = await createCatalogueProduct(world.api, {
      key: 'bench-one',
      name: { en: 'One' },
      variants: [{ sku: 'B-ONE', barcode: '4006381333931' }],
    });
    const three = await createCatalogueProduct(world.api, {
      key: 'bench-three',
      name: { en: 'Three' },
      variants: [{ sku: 'B-3-S' }, { sku: 'B-3-M' }, { sku: 'B-3-L' }],
    });
    const requestsPerPublishedProduct = {
      newProductOneVariant: await counted(world, () => deliver(productMessage('ProductPublished', one))),
      newProductThreeVariants: await counted(world, () => deliver(productMessage('ProductPublished', three))),
      redeliveryNothingChanged: await counted(world, () =>
        deliver(productMessage('ProductPublished', three)),
      ),
      nameChangedThreeVariants: await counted(world, async () => {
        const current = (await world.api.products().withId({ ID: three.id }).get().execute()).body;
        await world.api
          .products()
          .withId({ ID: three.id })
          .post({
            body: {
              version: current.version,
              actions: [{ action: 'changeName', name: { en: 'Three, renamed' } }, { action: 'publish' }],
            },
          })
          .execute();
        world.clarus.resetRequests();
        await world.ct.resetRequests();
        await deliver(productMessage('ProductPublished', three));
      }),
    };
    events.close();

    // The guard's memory: a catalogue of 500 SKUs plus the ones above, Clarus stock for some.
    for (let i = 0; i < 25; i++)
      await createCatalogueProduct(world.api, {
        key: `bench-cat-${i}`,
        name: { en: `Catalogue ${i}` },
        variants: Array.from({ length: 20 }, (_, j) => ({ sku: `CAT-${i}-${j}` })),
      });
    world.clarus.seedProducts([{ code: 'CAT-0-0' }]);
    world.clarus.setStock([{ productCode: 'CAT-0-0', available: 5 }]);
    await integration.skuGuardCache.refresh();
    const service = await listen(createService(integration, { skuGuardRefresh: false }), 0, '127.0.0.1');
    const guardUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}${SKU_GUARD_PATH}`;
    const body = JSON.stringify({
      action: 'Update',
      resource: {
        typeId: 'product',
        id: three.id,
        obj: (await world.api.products().withId({ ID: three.id }).get().execute()).body,
      },
      oldResource: { typeId: 'product', id: three.id, obj: three },
    });
    const call = async () => {
      const started = performance.now();
      const res = await fetch(guardUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`guard answered ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 20; i++) await call(); // warm up
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++)
      times.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, call))));
    service.close();
    times.sort((a, b) => a - b);
    const pct = (p: number) =>
      Number(times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!.toFixed(2));
    return {
      requestsPerPublishedProduct,
      skuGuard: {
        concurrency: CONCURRENCY,
        calls: times.length,
        catalogueSkus: 504,
        bodyBytes: body.length,
        p50Ms: pct(50),
        p99Ms: pct(99),
        maxMs: Number(times[times.length - 1]!.toFixed(2)),
      },
    };
  } finally {
    await world.close();
  }
}

if (require.main === module)
  benchProductMaster().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
