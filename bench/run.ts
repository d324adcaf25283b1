/**
 * `npm run bench`: every benchmark against the local stand-ins over HTTP, one JSON result each.
 * Benchmarks measure request counts and throughput; tests never depend on timing.
 */
import { runInventoryBench } from './inventory-sync';
import { benchOrderExport } from './order-export';

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  results.orderExport = await benchOrderExport();
  const inventory = await runInventoryBench();
  results.inventorySync = {
    skus: inventory.skus,
    channels: inventory.channels,
    changedSkus: inventory.changedSkus,
    firstRun: {
      commercetoolsRequests: inventory.firstRun.commercetools,
      clarusRequests: inventory.firstRun.clarus,
    },
    changedRun: {
      commercetoolsRequests: inventory.commercetools.total,
      commercetoolsWrites: inventory.commercetools.writes,
      clarusRequests: inventory.clarus.total,
    },
  };
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
