import type { Product } from '@commercetools/platform-sdk';
import type { Integration } from '@clarus-connector/core';
import {
  createCatalogueProduct,
  productMessage,
  pushEnvelope,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp } from '../src/app';

/*
 * Product sync (PRODUCT_MASTER=commercetools) through the event route: commercetools emulator, Clarus
 * simulator, real HTTP. The message is a trigger; the sync reads the published product.
 */

const SETTINGS = {
  PRODUCT_MASTER: 'commercetools',
  CLARUS_STOCK_UNIT_TYPE_ID: '4',
  PRODUCT_DESCRIPTION_LOCALE: 'en-GB',
  PRODUCT_BARCODE_ATTRIBUTE: 'barcode',
  BUNDLE_MODE: 'native',
  BUNDLE_COMPONENTS_ATTRIBUTE: 'bundleComponents',
  CLARUS_SKU_RULES: JSON.stringify({ case: 'upper' }),
};

let world: TestWorld;
let integration: Integration;
let app: ReturnType<typeof createApp>;

const deliver = (message: unknown) => request(app).post('/order-events').send(pushEnvelope(message));
const clarusProduct = (code: string) =>
  world.clarus.products().filter((p) => p.code === code && p.account_id === world.clarus.accountId);
const clarusWrites = () =>
  world.clarus.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/products'));
const openExceptions = async (kind: string) =>
  (await integration.exceptions.list({ status: 'open' })).filter((e) => e.kind === kind);
const republish = async (product: Product, actions: object[]) => {
  const current = (await world.api.products().withId({ ID: product.id }).get().execute()).body;
  return (
    await world.api
      .products()
      .withId({ ID: product.id })
      .post({ body: { version: current.version, actions: [...actions, { action: 'publish' }] } as never })
      .execute()
  ).body;
};

beforeAll(async () => {
  world = await startTestWorld();
  integration = world.integration(SETTINGS, { quickClarusRetries: true });
  app = createApp(integration, { budgetMs: 8000 });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

beforeEach(() => {
  world.clarus.clearFaults();
  world.clarus.resetRequests();
});

it('creates a Clarus product per published variant, with every mapped field, assigned to the account', async () => {
  const name =
    'Stoneware breakfast mug in speckled glaze, dishwasher safe and microwave safe, hand finished in Stoke-on-Trent by a small team of potters who sign every piece';
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-mug',
    name: { 'en-GB': name, de: 'Becher' },
    variants: [
      { sku: 'ps-mug-s', barcode: '4006381333931' },
      { sku: 'ps-mug-l' },
      { sku: 'ps-mug-set', components: ['ps-mug-s:2', 'ps-mug-l'] },
      {},
    ],
  });
  const response = await deliver(productMessage('ProductPublished', product));
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ outcome: 'synced', productId: product.id });

  const [small] = clarusProduct('PS-MUG-S');
  expect(small).toMatchObject({
    code: 'PS-MUG-S',
    description:
      'Stoneware breakfast mug in speckled glaze, dishwasher safe and microwave safe, hand finished in Stoke-on-Trent by a small team of potters who sign',
    barcode: '4006381333931',
    stock_unit_type_id: 4,
    external_system_reference1: product.id,
    product_type: 'single',
    account_id: world.clarus.accountId,
  });
  expect(small!.description!.length).toBeLessThanOrEqual(150);
  expect(clarusProduct('PS-MUG-L')).toHaveLength(1);
  const [set] = clarusProduct('PS-MUG-SET');
  expect(set).toMatchObject({ product_type: 'bill_of_materials' });
  expect(set!.materials).toEqual([
    { child_product_id: small!.id, quantity: 2 },
    { child_product_id: clarusProduct('PS-MUG-L')[0]!.id, quantity: 1 },
  ]);
  // One look-up for all codes, then per new product: create + account assignment (+ materials).
  expect(world.clarus.requests.filter((r) => r.path === '/graphql')).toHaveLength(1);
  expect(clarusWrites().map((r) => `${r.method} ${r.path.replace(/\d+/, '{id}')}`)).toEqual([
    'POST /api/products',
    'POST /api/products/{id}/account_products',
    'POST /api/products',
    'POST /api/products/{id}/account_products',
    'POST /api/products',
    'POST /api/products/{id}/account_products',
    'POST /api/products/{id}/materials',
    'POST /api/products/{id}/materials',
  ]);

  // Redelivery (and any message for a product that changes nothing Clarus holds) writes nothing.
  world.clarus.resetRequests();
  expect((await deliver(productMessage('ProductPublished', product))).status).toBe(200);
  expect(clarusWrites()).toEqual([]);
}, 30_000);

it('creates each product exactly once when the message arrives many times at once', async () => {
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-tee',
    name: { en: 'Tee' },
    variants: [{ sku: 'PS-TEE-S' }, { sku: 'PS-TEE-M' }],
  });
  const message = productMessage('ProductPublished', product);
  // Deliveries that lose the race answer 503 (another attempt holds the claim); redeliver until all ack.
  let pending = Array.from({ length: 6 }, () => message);
  for (let round = 0; round < 10 && pending.length; round++) {
    const answers = await Promise.all(pending.map((m) => deliver(m)));
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    pending = pending.filter((_, i) => answers[i]!.status !== 200);
  }
  expect(pending).toEqual([]);
  expect(clarusProduct('PS-TEE-S')).toHaveLength(1);
  expect(clarusProduct('PS-TEE-M')).toHaveLength(1);
  expect(world.clarus.products().filter((p) => p.code.startsWith('PS-TEE'))).toHaveLength(2);
}, 30_000);

it('patches only the changed fields when a published product changes', async () => {
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-bowl',
    name: { 'en-GB': 'Bowl' },
    variants: [{ sku: 'PS-BOWL', barcode: '5012345678900' }],
  });
  await deliver(productMessage('ProductPublished', product));
  const changed = await republish(product, [{ action: 'changeName', name: { 'en-GB': 'Serving bowl' } }]);
  world.clarus.resetRequests();
  expect((await deliver(productMessage('ProductPublished', changed))).status).toBe(200);
  const patches = clarusWrites();
  expect(patches).toHaveLength(1);
  expect(patches[0]).toMatchObject({
    method: 'PATCH',
    body: { data: { type: 'products', attributes: { description: 'Serving bowl' } } },
  });
  expect(clarusProduct('PS-BOWL')[0]).toMatchObject({
    description: 'Serving bowl',
    barcode: '5012345678900',
  });
}, 30_000);

it('answers 503 while Clarus throttles or fails, and syncs once it recovers', async () => {
  let clock = Date.now();
  const timed = createApp(world.integration(SETTINGS, { now: () => clock, quickClarusRetries: true }));
  const send = (m: unknown) => request(timed).post('/order-events').send(pushEnvelope(m));
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-jug',
    name: { en: 'Jug' },
    variants: [{ sku: 'PS-JUG' }],
  });
  world.clarus.injectFault({
    kind: 'rate_limit',
    match: { method: 'POST', path: '/api/products' },
    count: 1,
  });
  expect((await send(productMessage('ProductPublished', product))).status).toBe(503);
  world.clarus.injectFault({
    kind: 'server_error',
    status: 502,
    match: { method: 'POST', path: '/api/products' },
    count: 1,
  });
  // A 5xx on a create may have committed: until the hold has passed, nothing creates the code again.
  expect((await send(productMessage('ProductPublished', product))).status).toBe(503);
  expect((await send(productMessage('ProductPublished', product))).status).toBe(503);
  expect(clarusProduct('PS-JUG')).toHaveLength(0);
  clock += 5 * 60_000 + 1;
  expect((await send(productMessage('ProductPublished', product))).status).toBe(200);
  expect(clarusProduct('PS-JUG')).toHaveLength(1);
}, 30_000);

it('never creates a product twice when its create answer was lost (the hold keeps retries from creating)', async () => {
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-pot',
    name: { en: 'Pot' },
    variants: [{ sku: 'PS-POT' }],
  });
  // The create commits and the answer is lost; the assignment never happened.
  world.clarus.injectFault({
    kind: 'drop_after_commit',
    match: { method: 'POST', path: '/api/products' },
    count: 1,
  });
  expect((await deliver(productMessage('ProductPublished', product))).status).toBe(503);
  expect(world.clarus.products().filter((p) => p.code === 'PS-POT')).toHaveLength(1);
  // Within the hold the next attempt waits rather than creating the code again.
  expect((await deliver(productMessage('ProductPublished', product))).status).toBe(503);
  expect(world.clarus.products().filter((p) => p.code === 'PS-POT')).toHaveLength(1);
}, 30_000);

it('acknowledges a Clarus 422 with an operations exception naming the SKU and the reason', async () => {
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-vase',
    name: { en: 'Vase' },
    variants: [{ sku: 'PS-VASE' }],
  });
  world.clarus.injectFault({
    kind: 'rejection',
    symbol: 'invalid_commodity',
    attribute: 'code',
    match: { method: 'POST', path: '/api/products' },
    count: 1,
  });
  const response = await deliver(productMessage('ProductPublished', product));
  expect(response.status).toBe(200);
  const [exception] = await openExceptions('product-sync-rejected');
  expect(exception).toMatchObject({ team: 'operations', entity: { type: 'sku', id: 'PS-VASE' } });
  expect(exception!.message).toContain('SKU PS-VASE');
  expect(exception!.message).toContain('invalid_commodity (code)');
  // Published again once fixed: created, and the exception resolves.
  expect((await deliver(productMessage('ProductPublished', product))).status).toBe(200);
  expect(clarusProduct('PS-VASE')).toHaveLength(1);
  expect(await openExceptions('product-sync-rejected')).toEqual([]);
}, 30_000);

it('never merges two products whose SKUs share a Clarus code: reported as sku-collision, nothing written', async () => {
  const first = await createCatalogueProduct(world.api, {
    key: 'ps-col-a',
    name: { en: 'Original' },
    variants: [{ sku: 'PS-COL' }],
  });
  expect((await deliver(productMessage('ProductPublished', first))).status).toBe(200);
  const [original] = clarusProduct('PS-COL');
  const second = await createCatalogueProduct(world.api, {
    key: 'ps-col-b',
    name: { en: 'Impostor' },
    variants: [{ sku: 'ps-col' }],
  });
  world.clarus.resetRequests();
  expect((await deliver(productMessage('ProductPublished', second))).status).toBe(200);
  expect(clarusWrites()).toEqual([]);
  expect(clarusProduct('PS-COL')).toEqual([original]);
  const [collision] = (await openExceptions('sku-collision')).filter((e) => e.entity.id === 'PS-COL');
  expect(collision!.message).toContain('PS-COL and ps-col');
}, 30_000);

it('refuses a code over 50 characters without calling Clarus, as an exception', async () => {
  const sku = `PS-${'L'.repeat(48)}`;
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-long',
    name: { en: 'Long' },
    variants: [{ sku }],
  });
  expect((await deliver(productMessage('ProductPublished', product))).status).toBe(200);
  expect(clarusWrites()).toEqual([]);
  const exceptions = (await openExceptions('product-sync-rejected')).filter((e) => e.entity.id === sku);
  expect(exceptions[0]!.message).toContain("more than Clarus's 50");
}, 30_000);

it('deletes nothing in Clarus for an unpublished or deleted product, and asks a person', async () => {
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-plate',
    name: { en: 'Plate' },
    variants: [{ sku: 'PS-PLATE' }],
  });
  await deliver(productMessage('ProductPublished', product));
  world.clarus.resetRequests();
  expect((await deliver(productMessage('ProductUnpublished', product))).status).toBe(200);
  expect((await deliver(productMessage('ProductDeleted', product))).status).toBe(200);
  expect(clarusWrites()).toEqual([]);
  expect(clarusProduct('PS-PLATE')).toHaveLength(1);
  const [exception] = (await openExceptions('product-unpublished')).filter((e) => e.entity.id === product.id);
  expect(exception).toMatchObject({ team: 'operations', count: 2 });
  expect(exception!.message).toContain('PS-PLATE');
}, 30_000);

it('ignores product messages when PRODUCT_MASTER is off', async () => {
  const off = createApp(world.integration({ ...SETTINGS, PRODUCT_MASTER: 'off' }));
  const product = await createCatalogueProduct(world.api, {
    key: 'ps-cup',
    name: { en: 'Cup' },
    variants: [{ sku: 'PS-CUP' }],
  });
  const response = await request(off)
    .post('/order-events')
    .send(pushEnvelope(productMessage('ProductPublished', product)));
  expect(response.status).toBe(200);
  expect(response.body.outcome).toBe('ignored');
  expect(clarusProduct('PS-CUP')).toEqual([]);
}, 30_000);
