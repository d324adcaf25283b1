import type { ByProjectKeyRequestBuilder, Channel } from '@commercetools/platform-sdk';
import {
  ensureClarusChannel,
  INVENTORY_JOB_NAME,
  type ClarusClient,
  type Integration,
  type InventoryRunSummary,
} from '@clarus-connector/core';
import {
  importOrder,
  inventoryByChannelKey,
  seedInventoryEntries,
  seedProducts,
  seedSupplyChannels,
  startTestWorld,
  type TestWorld,
} from '@clarus-connector/sandbox';
import request from 'supertest';
import { createApp, INVENTORY_SYNC_PATH, type AppOptions } from '../src/app';

/** A clock the test moves on (leases, look-back) without sleeping: real time plus an offset. */
export function testClock() {
  const clock = {
    offset: 0,
    now: () => Date.now() + clock.offset,
    advance(ms: number) {
      clock.offset += ms;
    },
  };
  return clock;
}

export interface JobUnderTest {
  integration: Integration;
  app: ReturnType<typeof createApp>;
  /** POST /inventory-sync. */
  post(): Promise<request.Response>;
  clarus: ClarusClient;
}

/**
 * The job wired as in production (createApp(createIntegration(…)), config from loadConfig over the emulators'
 * environment), with a Clarus client whose retries are quick and, optionally, wrapped by the test.
 */
export function buildJob(
  world: TestWorld,
  options: {
    env?: Record<string, string>;
    now?: () => number;
    appOptions?: AppOptions;
    wrapClarus?: (client: ClarusClient) => ClarusClient;
    pageSize?: number;
  } = {},
): JobUnderTest {
  const integration = world.integration(options.env, {
    now: options.now,
    quickClarusRetries: true,
    clarusPageSize: options.pageSize,
    wrapClarus: options.wrapClarus,
  });
  const { clarus } = integration;
  const app = createApp(integration, options.appOptions);
  return { integration, app, clarus, post: () => request(app).post(INVENTORY_SYNC_PATH).send() };
}

export const isInventoryWrite = (r: { method: string; url: string }) =>
  r.method === 'POST' && /^\/[^/]+\/inventory(\/|\?|$)/.test(r.url);

/** Inventory writes (creates and updates) the emulator received since the last reset. */
export async function inventoryWrites(world: TestWorld) {
  return (await world.ct.requests()).filter(isInventoryWrite);
}

export const sku = (i: number) => `SKU-${String(i).padStart(4, '0')}`;

/**
 * The catalogue most tests share. 300 Clarus products on one pool; commercetools sells SKU 0–249 on web and
 * store (market entries missing), 250–269 only as product variants (no entries yet), 270–299 not at all;
 * GHOST-1/2 have entries but no Clarus product; BUNDLE-1 (2 × SKU-0004 + SKU-0005) is a variant Clarus does
 * not hold, its stock derived from its components. Orders: some in flight, one exported, one cancelled, one
 * bundle. Safety stock: default 1, market 5, SKU-0007 0, SKU-0001 2.
 */
export const SCENARIO_ENV = {
  SAFETY_STOCK: '1',
  SAFETY_STOCK_OVERRIDES: JSON.stringify({ 'channel:market': 5, 'sku:SKU-0007': 0, 'sku:SKU-0001': 2 }),
  BUNDLE_COMPONENTS_ATTRIBUTE: 'bundleComponents',
  BUNDLE_MODE: 'expand',
  INFLIGHT_LOOKBACK_MINUTES: '120',
};

export const CHANNEL_KEYS = ['market', 'store', 'web'];

export interface Scenario {
  channels: Channel[];
  /** Clarus available per SKU (one warehouse). */
  available: Map<string, number>;
  inFlight: Map<string, number>;
  /** SKUs commercetools sells (entries or variants) that Clarus holds: every channel gets an entry. */
  synced: string[];
  notSold: string[];
  ghosts: string[];
  /** Bundle SKU → components (BUNDLE_MODE=expand): every channel gets an entry with the derived ATS. */
  bundles: Map<string, { sku: string; quantity: number }[]>;
}

export const availableFor = (i: number) => (i * 37) % 61;

export async function seedScenario(world: TestWorld, skuCount = 300): Promise<Scenario> {
  const { api, clarus } = world;
  const channels = await seedSupplyChannels(api, CHANNEL_KEYS);
  const byKey = new Map(channels.map((c) => [c.key, c]));
  const all = Array.from({ length: skuCount }, (_, i) => sku(i));
  clarus.seedProducts(all.map((code) => ({ code })));
  const available = new Map(all.map((s, i) => [s, availableFor(i)]));
  clarus.setStock(all.map((s) => ({ productCode: s, available: available.get(s) ?? 0 })));

  const sellsWithEntries = all.slice(0, Math.min(250, skuCount));
  const variantsOnly = all.slice(250, 270);
  const entries = sellsWithEntries.flatMap((s, i) =>
    ['web', 'store'].map((key) => ({ sku: s, channel: byKey.get(key)!, quantity: i % 7 })),
  );
  const ghosts = ['GHOST-1', 'GHOST-2'];
  entries.push(...ghosts.map((g) => ({ sku: g, channel: byKey.get('web')!, quantity: 9 })));
  await seedInventoryEntries(api, entries);
  await seedProducts(api, [
    ...variantsOnly.map((s) => ({ sku: s })),
    ...[1, 2, 3, 4, 5].map((i) => ({ sku: sku(i) })),
    { sku: 'BUNDLE-1', components: [`${sku(4)}:2`, `${sku(5)}:1`] },
  ]);

  const clarusChannel = await ensureClarusChannel(api);
  await importOrder(api, {
    lines: [
      { sku: sku(1), quantity: 2 },
      { sku: sku(2), quantity: 1 },
    ],
  });
  const exported = await importOrder(api, { lines: [{ sku: sku(1), quantity: 5 }] });
  await api
    .orders()
    .withId({ ID: exported.id })
    .post({
      body: {
        version: exported.version,
        actions: [
          {
            action: 'updateSyncInfo',
            channel: { typeId: 'channel', id: clarusChannel.id },
            externalId: '77',
          },
        ],
      },
    })
    .execute();
  const cancelled = await importOrder(api, { lines: [{ sku: sku(3), quantity: 4 }] });
  await api
    .orders()
    .withId({ ID: cancelled.id })
    .post({
      body: {
        version: cancelled.version,
        actions: [{ action: 'changeOrderState', orderState: 'Cancelled' }],
      },
    })
    .execute();
  await importOrder(api, { lines: [{ sku: 'BUNDLE-1', quantity: 2 }] });

  return {
    channels,
    available,
    inFlight: new Map([
      [sku(1), 2],
      [sku(2), 1],
      [sku(4), 4],
      [sku(5), 2],
    ]),
    synced: [...sellsWithEntries, ...variantsOnly],
    notSold: all.slice(270),
    ghosts,
    bundles: new Map([
      [
        'BUNDLE-1',
        [
          { sku: sku(4), quantity: 2 },
          { sku: sku(5), quantity: 1 },
        ],
      ],
    ]),
  };
}

/** ATS as the issue states it, written out independently of the product code. */
export function expectedAts(scenario: Scenario, skuValue: string, channelKey: string): number {
  const safety: Record<string, number> = { [sku(7)]: 0, [sku(1)]: 2 };
  const safetyStock = safety[skuValue] ?? (channelKey === 'market' ? 5 : 1);
  const ats = Math.floor(
    (scenario.available.get(skuValue) ?? 0) - (scenario.inFlight.get(skuValue) ?? 0) - safetyStock,
  );
  return Math.max(0, ats);
}

/** A bundle's ATS as the issue states it: the fewest whole bundles its components' ATS allow. */
export function expectedBundleAts(scenario: Scenario, bundleSku: string, channelKey: string): number {
  const components = scenario.bundles.get(bundleSku) ?? [];
  return Math.min(
    ...components.map((c) => Math.floor(expectedAts(scenario, c.sku, channelKey) / c.quantity)),
  );
}

/** Every entry on the channels equals its ATS, exactly one per SKU and channel; nothing for the rest. */
export async function expectConverged(api: ByProjectKeyRequestBuilder, scenario: Scenario): Promise<void> {
  const state = await inventoryByChannelKey(api, scenario.channels);
  const mismatches: string[] = [];
  for (const s of scenario.synced) {
    for (const key of CHANNEL_KEYS) {
      const want = [expectedAts(scenario, s, key)];
      const got = state.get(s)?.[key];
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(`${s}@${key}: ${JSON.stringify(got)} ≠ ${want[0]}`);
    }
  }
  for (const b of scenario.bundles.keys()) {
    for (const key of CHANNEL_KEYS) {
      const want = [expectedBundleAts(scenario, b, key)];
      const got = state.get(b)?.[key];
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(`${b}@${key}: ${JSON.stringify(got)} ≠ ${want[0]}`);
    }
  }
  for (const g of scenario.ghosts) {
    if (JSON.stringify(state.get(g)) !== JSON.stringify({ web: [0] }))
      mismatches.push(`${g}: ${JSON.stringify(state.get(g))}`);
  }
  for (const s of scenario.notSold) if (state.has(s)) mismatches.push(`${s} should have no entries`);
  expect(mismatches).toEqual([]);
}

export async function lastRun(integration: Integration): Promise<InventoryRunSummary | undefined> {
  return (await integration.jobState.getLastRun<InventoryRunSummary>(INVENTORY_JOB_NAME))?.summary;
}

export async function openExceptionIds(integration: Integration, kind: string): Promise<string[]> {
  return (await integration.exceptions.list({ status: 'open' }))
    .filter((e) => e.kind === kind)
    .map((e) => e.entity.id)
    .sort();
}

export { startTestWorld, type TestWorld };
