import type { Product } from '@commercetools/platform-sdk';
import type { Integration } from '@clarus-connector/core';
import { createCatalogueProduct, startTestWorld, type TestWorld } from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';
import { SKU_GUARD_PATH } from '../src/extension-routes';

/*
 * The SKU guard's API Extension route with real Extension request bodies (`{action, resource:{typeId, id,
 * obj}, oldResource?}`, obj = the product as commercetools stores it), its memory read from the
 * commercetools emulator and the Clarus simulator.
 */

const SECRET = 'sku-guard-secret-0123456789';
const SETTINGS = {
  SKU_GUARD: 'reject',
  SKU_GUARD_SECRET: SECRET,
  CLARUS_SKU_RULES: JSON.stringify({ stripLeadingZeros: true }),
};

let world: TestWorld;
let integration: Integration;
let app: ReturnType<typeof createApp>;
let existing: Product;

const call = (body: unknown, token: string | null = SECRET) => {
  const r = request(app).post(SKU_GUARD_PATH);
  if (token !== null) r.set('authorization', `Bearer ${token}`);
  return r.send(body as object);
};
const createBody = (product: Product) => ({
  action: 'Create',
  resource: { typeId: 'product', id: product.id, obj: product },
});
/** The product with its staged master variant's SKU changed, as commercetools sends an Update. */
const skuChange = (product: Product, sku: string) => {
  const obj = structuredClone(product) as unknown as {
    version: number;
    masterData: { staged: { masterVariant: { sku?: string } } };
  };
  obj.masterData.staged.masterVariant.sku = sku;
  obj.version += 1;
  return {
    action: 'Update',
    resource: { typeId: 'product', id: product.id, obj },
    oldResource: { typeId: 'product', id: product.id, obj: product },
  };
};
/** A draft-like product as the Extension sees it on create (never stored: the guard decides first). */
const draft = (id: string, skus: (string | undefined)[]) =>
  ({
    id,
    version: 1,
    masterData: {
      current: {
        masterVariant: { id: 1, sku: skus[0] },
        variants: skus.slice(1).map((sku, i) => ({ id: i + 2, sku })),
      },
      staged: {
        masterVariant: { id: 1, sku: skus[0] },
        variants: skus.slice(1).map((sku, i) => ({ id: i + 2, sku })),
      },
      published: true,
      hasStagedChanges: false,
    },
  }) as unknown as Product;

beforeAll(async () => {
  world = await startTestWorld();
  existing = await createCatalogueProduct(world.api, {
    key: 'guard-777',
    name: { en: 'Seven' },
    variants: [{ sku: '777' }],
  });
  await createCatalogueProduct(world.api, {
    key: 'guard-mug',
    name: { en: 'Mug' },
    variants: [{ sku: 'MUG-1' }],
  });
  world.clarus.seedProducts([{ code: 'MUG-1' }, { code: '777' }]);
  world.clarus.setStock([{ productCode: 'MUG-1', available: 12 }]);
  integration = world.integration(SETTINGS);
  app = createApp(integration, { skuGuardRefresh: false });
  await integration.skuGuardCache.refresh();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

it('answers 401 without the bearer secret, or with another one', async () => {
  const body = createBody(draft('p-1', ['OK-1']));
  expect((await call(body, null)).status).toBe(401);
  expect((await call(body, 'wrong-secret-0123456789')).status).toBe(401);
  expect((await call(body)).status).toBe(200);
});

it('accepts a compliant product with {"actions": []}', async () => {
  const response = await call(createBody(draft('p-2', ['NEW-SKU-1', 'NEW-SKU-2'])));
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ actions: [] });
});

it('refuses a variant without SKU, a bad format and a code over 50 characters, naming SKU and rule', async () => {
  const long = 'L'.repeat(51);
  const response = await call(createBody(draft('p-3', ['GOOD-1', undefined, 'BAD SKU', long])));
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual([
    {
      code: 'InvalidInput',
      message: 'Variant 2 has no SKU: every variant needs one to reach the warehouse.',
    },
    { code: 'InvalidInput', message: 'SKU "BAD SKU" does not match SKU_FORMAT (^[!-~]+$).' },
    {
      code: 'InvalidInput',
      message: `SKU ${long}: Clarus product code "${long}" is 51 characters, more than Clarus's 50.`,
    },
  ]);
});

it('refuses a new SKU that collides with an existing one under the rules (00777 and 777)', async () => {
  const response = await call(createBody(draft('p-4', ['00777'])));
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual([
    {
      code: 'InvalidInput',
      message: 'SKU "00777" becomes Clarus product 777 under CLARUS_SKU_RULES, like existing SKU 777.',
    },
  ]);
  // The existing product itself is not a collision with itself.
  expect((await call(createBody(existing))).status).toBe(200);
});

it('refuses two variants of one product with one Clarus code', async () => {
  const response = await call(createBody(draft('p-5', ['0042', '42'])));
  expect(response.status).toBe(400);
  expect(response.body.errors[0].message).toBe(
    'SKUs 0042 and 42 both become Clarus product 42 under CLARUS_SKU_RULES.',
  );
});

it('refuses a SKU change on a variant Clarus holds stock for, and allows it on one without stock', async () => {
  const mug = (await world.api.products().withKey({ key: 'guard-mug' }).get().execute()).body;
  const refused = await call(skuChange(mug, 'MUG-2'));
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0].message).toContain('Clarus holds stock of product MUG-1');
  expect((await call(skuChange(existing, '778'))).status).toBe(200);
});

it('rejects a body that is not a product Extension request with a 400 naming the field', async () => {
  const response = await call({ action: 'Create', resource: { typeId: 'order', id: 'o', obj: {} } });
  expect(response.status).toBe(400);
  expect(response.body.errors[0]).toMatchObject({ code: 'InvalidInput' });
  expect(response.body.errors[0].message).toContain('resource.typeId');
});

it('in warn mode accepts and raises an operations exception instead', async () => {
  const warn = world.integration({ ...SETTINGS, SKU_GUARD: 'warn' });
  await warn.skuGuardCache.refresh();
  const decision = warn.skuGuard.check(createBody(draft('p-warn', ['00777'])) as never);
  expect(decision.kind).toBe('accept');
  if (decision.kind === 'accept') await decision.recorded;
  const [exception] = (await warn.exceptions.list({ status: 'open' })).filter(
    (e) => e.kind === 'sku-guard-violation',
  );
  expect(exception).toMatchObject({
    team: 'operations',
    entity: { type: 'product', id: 'p-warn', sku: '00777' },
  });
  expect(exception!.message).toContain('like existing SKU 777');
  const warnApp = createApp(warn, { skuGuardRefresh: false });
  const response = await request(warnApp)
    .post(SKU_GUARD_PATH)
    .set('authorization', `Bearer ${SECRET}`)
    .send(createBody(draft('p-warn', ['00777'])));
  expect(response.status).toBe(200);
});
