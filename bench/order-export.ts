/**
 * Order export benchmark: requests per exported order (cache warm) and throughput, against the local
 * stand-ins over HTTP. Run: npm run bench (or npx ts-node --transpile-only -r tsconfig-paths/register bench/order-export.ts).
 */
import { importOrder, startTestWorld } from '@clarus-connector/sandbox';
import { seedOrderCatalogue } from './lib/order-catalogue';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);

export async function benchOrderExport(): Promise<Record<string, number>> {
  const world = await startTestWorld();
  try {
    const { skus, method } = await seedOrderCatalogue(world, 'BENCH-SKU');
    const integration = world.integration({
      CLARUS_SHIPPING_METHOD_MAP: JSON.stringify({ 'next-day': 'DPD-NEXT' }),
      CLARUS_MAX_REQUESTS_PER_SECOND: '1000',
      CLARUS_MAX_CONCURRENCY: '16',
    });
    const orders = [];
    for (let i = 0; i < ORDERS + 1; i++) {
      orders.push(
        await importOrder(world.api, {
          orderNumber: `BENCH-${i}`,
          lines: [0, 1, 2].map((j) => ({ sku: skus[(i + j * 7) % skus.length]!, quantity: 1 + j })),
          shippingMethod: method,
        }),
      );
    }
    // Warm the caches (token, channel, products, carrier service, shipping method) with the first order.
    await integration.orderExport.exportOrder({ orderId: orders[0]!.id });
    world.clarus.resetRequests();
    await world.ct.resetRequests();
    const started = process.hrtime.bigint();
    for (const order of orders.slice(1)) {
      const outcome = await integration.orderExport.exportOrder({ orderId: order.id });
      if (outcome.kind !== 'exported') throw new Error(`order ${order.orderNumber}: ${outcome.kind}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const clarus = world.clarus.requests.filter((r) => !r.path.startsWith('/oauth'));
    const ct = (await world.ct.requests()).filter((r) => !r.url.startsWith('/oauth'));
    return {
      orders: ORDERS,
      clarusRequestsPerOrder: clarus.length / ORDERS,
      clarusCreatesPerOrder:
        clarus.filter((r) => r.method === 'POST' && r.path.endsWith('/goods_outs')).length / ORDERS,
      commercetoolsRequestsPerOrder: ct.length / ORDERS,
      commercetoolsWritesPerOrder: ct.filter((r) => r.method === 'POST').length / ORDERS,
      ordersPerSecondSequential: ORDERS / seconds,
    };
  } finally {
    await world.close();
  }
}

if (require.main === module) {
  benchOrderExport().then(
    (result) => console.log(JSON.stringify({ benchmark: 'order-export', ...result }, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
