/**
 * Request counts of an inventory sync: 1,000 SKUs × 3 supply channels on one Clarus pool, 2 % of the SKUs
 * changed since the last run.
 *
 *   npx ts-node --transpile-only bench/inventory-sync.ts
 *
 * How it counts: the commercetools emulator logs every HTTP request it receives (`requests()`, control routes
 * excluded) and the Clarus simulator logs every request too (`requests`). Both logs are reset right before the
 * measured run, so the counts are exactly what one run of the job sends, token requests included. Ids in
 * paths are folded to `:id` to group them.
 *
 * Imports are relative (not `@clarus-connector/*`) so the script runs from source without a build.
 */
import { Writable } from 'node:stream';
import {
  createClarusClient,
  createIntegration,
  createLogger,
  loadConfig,
  type InventoryRunSummary,
} from '../core/src';
import { startClarusSimulator } from '../sandbox/src/clarus-simulator';
import { startCommercetoolsEmulator } from '../sandbox/src/commercetools-emulator';
import { seedInventoryEntries, seedSupplyChannels } from '../sandbox/src/fixtures/inventory';
import { createCommercetoolsClient } from '../core/src/commercetools';

const SKUS = 1000;
const CHANNELS = ['market', 'store', 'web'];
const CHANGED_SHARE = 0.02;

export interface InventoryBenchResult {
  skus: number;
  channels: number;
  changedSkus: number;
  summary: InventoryRunSummary;
  commercetools: { total: number; writes: number; byRoute: Record<string, number> };
  clarus: { total: number; byRoute: Record<string, number> };
  firstRun: { commercetools: number; clarus: number; summary: InventoryRunSummary };
}

const fold = (path: string) =>
  path
    .split('?')[0]!
    .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '/:id')
    .replace(/\/custom-objects\/[^/]+\/[^/]+/, '/custom-objects/:container/:key');

const countBy = (keys: string[]) => {
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = (out[key] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
};

export async function runInventoryBench(): Promise<InventoryBenchResult> {
  const ct = await startCommercetoolsEmulator();
  const sim = await startClarusSimulator();
  try {
    const env = {
      ...ct.env(),
      CLARUS_API_URL: sim.url,
      CLARUS_SUBDOMAIN: sim.subdomain,
      CLARUS_CLIENT_ID: sim.clientId,
      CLARUS_CLIENT_SECRET: sim.clientSecret,
      CLARUS_ACCOUNT_ID: String(sim.accountId),
      CLARUS_MAX_REQUESTS_PER_SECOND: '1000',
      SAFETY_STOCK: '1',
      LOG_LEVEL: 'error',
    };
    const config = loadConfig(env);
    const logger = createLogger({
      service: 'bench',
      level: 'error',
      stream: new Writable({ write: (_c, _e, done) => done() }),
    });
    const api = createCommercetoolsClient(config.commercetools);

    // Seed: 1,000 Clarus products with stock; every SKU has an entry (quantity 0) on every channel.
    const codes = Array.from({ length: SKUS }, (_, i) => `BENCH-${String(i).padStart(5, '0')}`);
    sim.seedProducts(codes.map((code) => ({ code })));
    sim.setStock(codes.map((code, i) => ({ productCode: code, available: 5 + (i % 50) })));
    const channels = await seedSupplyChannels(api, CHANNELS);
    await seedInventoryEntries(
      api,
      codes.flatMap((sku) => channels.map((channel) => ({ sku, channel, quantity: 0 }))),
      16,
    );

    const clarus = createClarusClient({ config: config.clarus, logger });
    const integration = createIntegration({ config, logger, clarus });
    const run = async () => {
      const result = await integration.inventorySync.run();
      if (result.kind !== 'ran') throw new Error('bench run was skipped: the job lock is held');
      return result.summary;
    };

    // First run: brings every entry to ATS (the cold start).
    await ct.resetRequests();
    sim.resetRequests();
    const first = await run();
    const firstRun = {
      commercetools: (await ct.requests()).length,
      clarus: sim.requests.length,
      summary: first,
    };

    // 2 % of the SKUs change in Clarus; measure the next run.
    const changed = codes.filter((_, i) => i % Math.round(1 / CHANGED_SHARE) === 0);
    sim.setStock(changed.map((code, i) => ({ productCode: code, available: 200 + i })));
    await ct.resetRequests();
    sim.resetRequests();
    const summary = await run();

    const ctRequests = await ct.requests();
    const clarusRequests = sim.requests;
    const graphqlList = (body: unknown) => {
      const query = (body as { query?: string } | undefined)?.query ?? '';
      return /\{\s*(\w+)\s*\{\s*all\(/.exec(query)?.[1] ?? 'query';
    };
    return {
      skus: SKUS,
      channels: CHANNELS.length,
      changedSkus: changed.length,
      summary,
      commercetools: {
        total: ctRequests.length,
        writes: ctRequests.filter((r) => r.method === 'POST' && /\/inventory(\/|$|\?)/.test(r.url)).length,
        byRoute: countBy(
          ctRequests.map((r) => `${r.method} ${fold(r.url).replace(`/${ct.projectKey}`, '')}`),
        ),
      },
      clarus: {
        total: clarusRequests.length,
        byRoute: countBy(
          clarusRequests.map((r) =>
            r.path === '/graphql' ? `POST /graphql ${graphqlList(r.body)}` : `${r.method} ${r.path}`,
          ),
        ),
      },
      firstRun,
    };
  } finally {
    await Promise.all([ct.close(), sim.close()]);
  }
}

function print(result: InventoryBenchResult): void {
  const s = result.summary;
  console.log(
    `inventory sync: ${result.skus} SKUs × ${result.channels} channels, ${result.changedSkus} SKUs changed ` +
      `(${Math.round((result.changedSkus / result.skus) * 100)} %)`,
  );
  console.log(
    `  run: ${s.outcome} in ${s.durationMs} ms; updated ${s.updated}, created ${s.created}, ` +
      `unchanged ${s.unchanged}, failed ${s.failed}, batches ${s.batches}`,
  );
  console.log(
    `  commercetools requests: ${result.commercetools.total} (inventory writes ${result.commercetools.writes})`,
  );
  for (const [route, n] of Object.entries(result.commercetools.byRoute))
    console.log(`    ${String(n).padStart(5)}  ${route}`);
  console.log(`  Clarus requests: ${result.clarus.total}`);
  for (const [route, n] of Object.entries(result.clarus.byRoute))
    console.log(`    ${String(n).padStart(5)}  ${route}`);
  const f = result.firstRun;
  console.log(
    `  (first run, every entry written: ${f.commercetools} commercetools requests, ${f.clarus} Clarus requests, ` +
      `updated ${f.summary.updated}, ${f.summary.durationMs} ms)`,
  );
}

if (require.main === module) {
  runInventoryBench()
    .then((result) => {
      print(result);
      console.log(JSON.stringify({ bench: 'inventory-sync', ...result, firstRun: undefined }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
