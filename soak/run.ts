/**
 * `npm run soak [-- --seeds 1,2,3] [--orders N] [--verbose]`: the fault-matrix soak (docs/soak.md).
 * `--orders` is the total over all seeds (spread evenly): `--orders 2000` is a 2,000-order run.
 * Runs each seed on a fresh stack, prints a summary table and, last, `N passed, N failed` (one check per
 * invariant per seed). Exit code 1 when any check failed.
 */
import { parseArgs } from 'node:util';
import { formatSummary } from './report';
import { runSeed, type SeedResult } from './scenario';

const DEFAULT_SEEDS = [1, 2, 3];
/** In all: 40 per default seed. */
const DEFAULT_ORDERS = 120;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      orders: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const seeds = values.seeds ? values.seeds.split(',').map((s) => Number(s.trim())) : DEFAULT_SEEDS;
  const orders = values.orders ? Number(values.orders) : DEFAULT_ORDERS;
  if (seeds.some((s) => !Number.isInteger(s)) || !Number.isInteger(orders) || orders < 1) {
    throw new Error('usage: npm run soak -- [--seeds 1,2,3] [--orders N]');
  }
  const perSeed = Math.max(1, Math.ceil(orders / seeds.length));
  const started = Date.now();
  const results: SeedResult[] = [];
  for (const seed of seeds) {
    console.log(`seed ${seed}: ${perSeed} orders …`);
    results.push(await runSeed(seed, perSeed, values.verbose ? (l) => console.log(l) : () => undefined));
  }
  const { text, passed, failed } = formatSummary(results, Date.now() - started);
  console.log(text);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
