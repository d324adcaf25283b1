import type { Order, ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel } from '@clarus-connector/core';
import { ensureOrderSubscription, ORDER_MESSAGES } from '../../../order-event-app/src/connector/subscription';
import { subscribedMessages } from '../../../order-event-app/src/product-events';
import {
  ensureOrderType,
  importMultiShipmentOrder,
  importOrder,
  createCatalogueProduct,
  orderMessage,
  productMessage,
  seedProducts,
  seedShippingMethods,
  type ProductSpec,
} from '../fixtures';
import { startMessageDelivery, type MessageDelivery } from './delivery';
import { startSandboxStack, type SandboxStack } from './stack';

/** What a merchant wants to know after the day; the CLI prints it, the test asserts its facts. */
export interface SandboxReport {
  deliveryMode: MessageDelivery['mode'];
  deliveryDescription: string;
  ordersPlaced: number;
  exported: { orderNumber: string; orderId: string; goodsOutIds: string[] }[];
  notExported: { orderNumber: string; orderId: string }[];
  dispatched: {
    orderNumber: string;
    shipmentState: string | undefined;
    deliveries: {
      key: string;
      shippingKey?: string;
      parcels: { trackingId?: string; carrier?: string; url?: string }[];
    }[];
  }[];
  stock: { sku: string; channel: string; before: number | undefined; after: number | undefined }[];
  exceptions: {
    kind: string;
    team: string;
    entity: Record<string, unknown>;
    message: string;
    action: string;
    count: number;
  }[];
  inventoryRuns: unknown[];
  reconciliation: unknown;
  health: unknown;
  clarusThrottledResponses: number;
  /** A product published in commercetools during the day: when Clarus had it, and when its first order came. */
  newProduct: {
    sku: string;
    clarusProductId?: number;
    inClarusAt?: string;
    firstOrderAt?: string;
    orderNumber: string;
  };
  durationMs: number;
}

const APPAREL = ['RED', 'BLUE', 'BLACK'].flatMap((c) => ['S', 'M', 'L'].map((s) => `TSHIRT-${c}-${s}`));
const CATALOGUE: string[] = [
  ...APPAREL,
  'HOODIE-GREY-S',
  'HOODIE-GREY-M',
  'HOODIE-GREY-L',
  'MUG-WHITE-01',
  'MUG-BLACK-01',
  'CANDLE-VANILLA',
  'CANDLE-CEDAR',
  'CANDLE-LAVENDER',
  'NOTEBOOK-A5-RULED',
  'NOTEBOOK-A5-DOT',
  'POSTER-CITY',
  'POSTER-SEA',
  'TOTE-BAG-NATURAL',
  'CARD-GREETING',
  'SOCKS-STRIPE-01',
  'SOCKS-PLAIN-01',
  '12345', // held in Clarus as 00012345 (CLARUS_SKU_RULES padStart 8)
];
const BUNDLE = { sku: 'GIFT-BOX-001', components: ['CANDLE-VANILLA:2', 'MUG-WHITE-01', 'CARD-GREETING'] };
const NOT_IN_CLARUS = 'LIMITED-EDITION-X';
/** Published in commercetools during the day (PRODUCT_MASTER=commercetools): in Clarus before its first order. */
const NEW_PRODUCT = { sku: 'JOURNAL-LEATHER-A5', name: 'Leather journal A5, hand-stitched' };
const CHANNELS = [
  { key: 'uk-web', name: 'UK web shop' },
  { key: 'eu-web', name: 'EU web shop' },
  { key: 'marketplace', name: 'Marketplace' },
];

export interface SandboxOptions {
  /** Use the Google Pub/Sub emulator when installed (default true). */
  usePubSub?: boolean;
  logLevel?: string;
  quiet?: boolean;
  /** Leave everything running (the caller closes the returned stack). */
  keep?: boolean;
  onProgress?: (line: string) => void;
}

/** Runs a short trading day end to end and reports what happened. */
export async function runSandboxDay(
  options: SandboxOptions = {},
): Promise<{ report: SandboxReport; stack: SandboxStack }> {
  const started = Date.now();
  const say = options.onProgress ?? (() => undefined);
  const stack = await startSandboxStack({ logLevel: options.logLevel, quiet: options.quiet });
  const { api, clarus } = stack;
  try {
    say(`commercetools emulator ${stack.urls.ctApi}, Clarus simulator ${stack.urls.clarus}`);

    // Post-deploy: the export channel and the Subscription (pointing at the sandbox's Pub/Sub topic).
    await ensureClarusChannel(api);
    // A Pub/Sub project of its own: a shared emulator (PUBSUB_EMULATOR_HOST) may have served earlier runs.
    const gcpProject = `sandbox-${process.pid}-${Date.now()}`;
    await ensureOrderSubscription(api, {
      destination: { type: 'GoogleCloudPubSub', projectId: gcpProject, topic: 'commercetools-orders' },
      messages: subscribedMessages(ORDER_MESSAGES, 'commercetools'),
    });
    const delivery = await startMessageDelivery({
      pushEndpoint: stack.urls.orderEvents,
      projectId: gcpProject,
      topic: 'commercetools-orders',
      usePubSub: options.usePubSub ?? true,
    });
    say(`messages delivered through ${delivery.description}`);

    // Catalogue, channels, shipping methods, warehouse master data and stock.
    await ensureOrderType(api, ['giftMessage', 'salesChannel']);
    const products: ProductSpec[] = [
      ...CATALOGUE.map((sku, i) => ({ sku, barcode: `50000000${String(i).padStart(5, '0')}` })),
      BUNDLE,
      { sku: NOT_IN_CLARUS },
    ];
    await seedProducts(api, products);
    for (const channel of CHANNELS) {
      await api
        .channels()
        .post({ body: { key: channel.key, name: { en: channel.name }, roles: ['InventorySupply'] } })
        .execute();
    }
    const methods = await seedShippingMethods(api, ['standard', 'next-day']);
    const [standard, nextDay] = methods as [ShippingMethod, ShippingMethod];
    const toClarus = (sku: string) => (sku.length < 8 ? sku.padStart(8, '0') : sku);
    clarus.seedProducts(
      CATALOGUE.map((sku, i) => ({ code: toClarus(sku), barcode: `50000000${String(i).padStart(5, '0')}` })),
    );
    clarus.seedCarrierServices([
      { code: 'RM-48', name: 'Royal Mail Tracked 48', carrierCode: 'RM', carrierName: 'Royal Mail' },
      { code: 'DPD-NEXT', name: 'DPD Next Day', carrierCode: 'DPD', carrierName: 'DPD' },
    ]);
    clarus.setStock(
      CATALOGUE.map((sku, i) => ({ productCode: toClarus(sku), available: 20 + ((i * 37) % 90) })),
    );
    say(
      `seeded ${products.length} SKUs, ${CHANNELS.length} supply channels on one Clarus pool, 2 shipping methods`,
    );

    // Morning inventory sync.
    const inventoryRuns: unknown[] = [await postJson(stack.urls.inventorySync)];
    const stockBefore = await stockByChannel(stack);

    // A merchandiser publishes a new product; the product sync creates it in Clarus before anyone orders it.
    const journal = await createCatalogueProduct(api, {
      key: 'journal-leather-a5',
      name: { en: NEW_PRODUCT.name },
      variants: [{ sku: NEW_PRODUCT.sku, barcode: '5000000099999' }],
    });
    await delivery.publish(productMessage('ProductPublished', journal));
    const journalCode = toClarus(NEW_PRODUCT.sku);
    const inClarus = () =>
      clarus.products().find((p) => p.code === journalCode && p.account_id === clarus.accountId);
    await waitUntil(async () => inClarus() !== undefined, 20_000);
    const newProduct: SandboxReport['newProduct'] = {
      sku: NEW_PRODUCT.sku,
      clarusProductId: inClarus()?.id,
      inClarusAt: new Date().toISOString(),
      orderNumber: 'SO-1012',
    };
    say(
      `new product ${NEW_PRODUCT.sku} published in commercetools: in Clarus as product ${newProduct.clarusProductId}`,
    );

    // The burst of orders.
    const placed: Order[] = [];
    const place = async (spec: Parameters<typeof importOrder>[1]) => {
      const order = await importOrder(api, spec);
      placed.push(order);
      return order;
    };
    const gift = await place({
      orderNumber: 'SO-1001',
      lines: [{ sku: BUNDLE.sku, quantity: 1 }],
      shippingMethod: nextDay,
      fields: { giftMessage: 'Happy birthday, Sam! Love, Alex', salesChannel: 'web-uk' },
    });
    const multi = await importMultiShipmentOrder(api, stack.ct.seed, {
      orderNumber: 'SO-1002',
      shipments: [
        {
          key: 'home',
          shippingMethod: standard,
          address: { city: 'London' },
          lines: [{ sku: 'MUG-BLACK-01', quantity: 1 }],
        },
        {
          key: 'office',
          shippingMethod: nextDay,
          address: { city: 'Manchester' },
          lines: [{ sku: 'NOTEBOOK-A5-DOT', quantity: 4 }],
        },
      ],
    });
    placed.push(multi);
    const regular: Order[] = [];
    const baskets = [
      ['TSHIRT-RED-M', 'SOCKS-STRIPE-01'],
      ['HOODIE-GREY-L'],
      ['12345', 'POSTER-SEA'],
      ['CANDLE-CEDAR', 'CANDLE-LAVENDER', 'CARD-GREETING'],
      ['TSHIRT-BLUE-S', 'TSHIRT-BLUE-M'],
      ['TOTE-BAG-NATURAL'],
      ['MUG-WHITE-01', 'NOTEBOOK-A5-RULED'],
    ];
    for (const [i, skus] of baskets.entries()) {
      regular.push(
        await place({
          orderNumber: `SO-${1003 + i}`,
          lines: skus.map((sku, j) => ({ sku, quantity: 1 + ((i + j) % 2) })),
          shippingMethod: i % 2 ? nextDay : standard,
        }),
      );
    }
    const unmapped = await place({
      orderNumber: 'SO-1010',
      lines: [{ sku: NOT_IN_CLARUS, quantity: 1 }],
      shippingMethod: standard,
    });
    const firstJournalOrder = await place({
      orderNumber: newProduct.orderNumber,
      lines: [{ sku: NEW_PRODUCT.sku, quantity: 1 }],
      shippingMethod: standard,
    });
    newProduct.firstOrderAt = firstJournalOrder.createdAt;
    const lost = await place({
      orderNumber: 'SO-1011',
      lines: [{ sku: 'POSTER-CITY', quantity: 1 }],
      shippingMethod: standard,
    });

    // Clarus throttles the first creates of the burst; Pub/Sub redelivers what the app nacked.
    clarus.injectFault({
      kind: 'rate_limit',
      count: 4,
      retryAfterSeconds: 1,
      match: { method: 'POST', path: '/api/goods_outs' },
    });
    for (const order of placed) {
      if (order.id === lost.id) continue; // its message is lost: the reconciliation pass must find it
      await delivery.publish(orderMessage('OrderCreated', order));
    }
    await delivery.publish(orderMessage('OrderCreated', regular[0]!)); // a duplicate delivery
    say(
      `placed ${placed.length} orders; published ${placed.length} messages (one lost, one duplicated); Clarus throttling the first 4 creates`,
    );
    const expectExported = placed.filter((o) => o.id !== lost.id && o.id !== unmapped.id);
    await waitUntil(
      async () => (await exportedIds(stack, expectExported)).size === expectExported.length,
      40_000,
    );
    const throttled = clarus.requests.filter((r) => r.status === 429).length;
    say(`exported ${expectExported.length} orders (Clarus answered 429 ${throttled} times)`);

    // Warehouse: dispatch most orders; one with two packages, one partially.
    const goodsOuts = clarus.goodsOuts();
    const goodsOutOf = (reference: string) => goodsOuts.find((g) => g.attributes.reference === reference);
    for (const order of [gift, ...regular.slice(0, 5)]) {
      const goodsOut = goodsOutOf(order.orderNumber!);
      if (!goodsOut) continue;
      const twoPackages = order.id === regular[1]!.id;
      await clarus.dispatch(goodsOut.id, twoPackages ? { shipments: [{ packages: 2 }] } : {});
    }
    const home = goodsOutOf('SO-1002-home');
    if (home) await clarus.dispatch(home.id);
    const partial = goodsOutOf(regular[5]!.orderNumber!);
    const partialSku = regular[5]!.lineItems[0]!.variant.sku!;
    if (partial)
      await clarus.dispatch(partial.id, {
        shipments: [{ lines: [{ productCode: toClarus(partialSku), quantity: 1 }] }],
        complete: false,
      });
    say(
      'warehouse dispatched 8 goods outs (one with 2 packages, one partially); webhooks sent to the fulfilment-service',
    );

    // A stock adjustment in the warehouse (a damaged case of mugs).
    await clarus.adjustStock('MUG-WHITE-01', -10, { fireWebhook: true });

    // The next inventory run, then the safety net (its daily stock audit compares against fresh stock:
    // orders imported into the emulator do not lower inventory as cart orders under ReserveOnOrder do).
    inventoryRuns.push(await postJson(stack.urls.inventorySync));
    const reconciliation = await postJson(stack.urls.reconcile);
    const stockAfter = await stockByChannel(stack);
    await delivery.close();

    const all = await Promise.all(
      placed.map((o) =>
        api
          .orders()
          .withId({ ID: o.id })
          .get()
          .execute()
          .then((r) => r.body),
      ),
    );
    const channel = await ensureClarusChannel(api);
    const report: SandboxReport = {
      deliveryMode: delivery.mode,
      deliveryDescription: delivery.description,
      ordersPlaced: placed.length,
      exported: all
        .filter((o) => o.syncInfo.some((s) => s.channel.id === channel.id))
        .map((o) => ({
          orderNumber: o.orderNumber!,
          orderId: o.id,
          goodsOutIds: o.syncInfo.filter((s) => s.channel.id === channel.id).map((s) => s.externalId!),
        })),
      notExported: all
        .filter((o) => !o.syncInfo.some((s) => s.channel.id === channel.id))
        .map((o) => ({ orderNumber: o.orderNumber!, orderId: o.id })),
      dispatched: all
        .map((o) => ({
          orderNumber: o.orderNumber!,
          shipmentState: o.shipmentState,
          deliveries: [
            ...(o.shippingInfo?.deliveries ?? []).map((d) => ({
              d,
              shippingKey: undefined as string | undefined,
            })),
            ...(o.shipping ?? []).flatMap((s) =>
              (s.shippingInfo?.deliveries ?? []).map((d) => ({ d, shippingKey: s.shippingKey })),
            ),
          ].map(({ d, shippingKey }) => ({
            key: d.key ?? d.id,
            ...(shippingKey ? { shippingKey } : {}),
            parcels: d.parcels.map((p) => ({
              trackingId: p.trackingData?.trackingId,
              carrier: p.trackingData?.carrier,
              url: p.trackingData?.providerTransaction,
            })),
          })),
        }))
        .filter((o) => o.deliveries.length > 0),
      stock: [...stockAfter.keys()].sort().flatMap((key) => {
        const [sku, channelKey] = key.split('|') as [string, string];
        return [{ sku, channel: channelKey, before: stockBefore.get(key), after: stockAfter.get(key) }];
      }),
      exceptions: normaliseExceptions(
        await getJson(`${stack.urls.fulfilment}/ops/exceptions?status=open`, stack.opsToken),
      ),
      inventoryRuns,
      reconciliation,
      health: await getJson(`${stack.urls.fulfilment}/ops/health`, stack.opsToken),
      clarusThrottledResponses: throttled,
      newProduct,
      durationMs: Date.now() - started,
    };
    if (!options.keep) await stack.close();
    return { report, stack };
  } catch (err) {
    await stack.close();
    throw err;
  }
}

function normaliseExceptions(body: unknown): SandboxReport['exceptions'] {
  const list = Array.isArray(body) ? body : (body as { exceptions?: unknown[] } | undefined)?.exceptions;
  return (list ?? []) as SandboxReport['exceptions'];
}

async function exportedIds(stack: SandboxStack, orders: Order[]): Promise<Set<string>> {
  const channel = await ensureClarusChannel(stack.api);
  const ids = orders.map((o) => `"${o.id}"`).join(', ');
  const response = await stack.api
    .orders()
    .get({ queryArgs: { where: `id in (${ids})`, limit: 500 } })
    .execute();
  return new Set(
    response.body.results.filter((o) => o.syncInfo.some((s) => s.channel.id === channel.id)).map((o) => o.id),
  );
}

async function stockByChannel(stack: SandboxStack): Promise<Map<string, number>> {
  const channels = await stack.api
    .channels()
    .get({ queryArgs: { where: 'roles contains any ("InventorySupply")', limit: 50 } })
    .execute();
  const keyOf = new Map(channels.body.results.map((c) => [c.id, c.key]));
  const out = new Map<string, number>();
  for (let offset = 0; ; offset += 500) {
    const page = await stack.api
      .inventory()
      .get({ queryArgs: { limit: 500, offset } })
      .execute();
    for (const entry of page.body.results) {
      const channel = entry.supplyChannel ? keyOf.get(entry.supplyChannel.id) : undefined;
      if (channel) out.set(`${entry.sku}|${channel}`, entry.quantityOnStock);
    }
    if (page.body.results.length < 500) return out;
  }
}

async function postJson(url: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return res.json().catch(() => ({ status: res.status }));
}

async function getJson(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  return res.json().catch(() => ({ status: res.status }));
}

/** Waits for an observable outcome, bounded (the scenario must end well under a minute). */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error('the sandbox scenario timed out waiting for the orders to be exported');
    await new Promise((r) => setTimeout(r, 200));
  }
}
