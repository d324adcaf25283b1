/*
 * The inventory benchmark alone (`bench/inventory.ts`), printing its result as one JSON line:
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/inventory-only.ts [quick|smoke|full]
 * `BENCH_INVENTORY_SKUS=<n>` runs another size; `BENCH_INVENTORY_WARM_ONLY=1` the warm run alone.
 */
import { benchInventory } from './inventory';
import type { BenchMode } from './lib/util';

void (async () => {
  const mode = (process.argv[2] ?? 'quick') as BenchMode;
  const result = await benchInventory(mode);
  process.stdout.write(`${JSON.stringify(result)}\n`);
})();
