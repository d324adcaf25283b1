import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Channel, ShippingMethod } from '@commercetools/platform-sdk';
import { ensureClarusChannel } from '@clarus-connector/core';
import {
  seedInventoryEntries,
  seedProducts,
  seedShippingMethods,
  seedSupplyChannels,
} from '../sandbox/src/fixtures';
import { startSandboxStack, type SandboxService, type SandboxStack } from '../sandbox/src/runner/stack';
import { FaultProxy, type Exchange } from './fault-proxy';
import { VirtualClock } from './prng';

/** The soak's catalogue: commercetools SKUs; all but one are held by Clarus (code by the SKU rule below). */
export const CATALOGUE = [
  'TSHIRT-RED-M',
  'TSHIRT-BLUE-S',
  'HOODIE-GREY-L',
  'MUG-WHITE-01',
  'CANDLE-CEDAR',
  'NOTEBOOK-A5-DOT',
  'POSTER-SEA',
  'TOTE-BAG-NATURAL',
  '12345', // Clarus 00012345
  '00777', // Clarus 00000777 (issue 10, class 7)
] as const;
/**
 * Stock-only SKUs, so our account holds more stock balances than one GraphQL page (100): a cursor stall then
 * hits the inventory run's stock read.
 */
export const FILLERS: readonly string[] = Array.from(
  { length: 110 },
  (_, i) => `FILLER-${String(i + 1).padStart(3, '0')}`,
);
/** Sold in commercetools, unknown to Clarus. */
export const NOT_IN_CLARUS = 'LIMITED-EDITION-X';
export const CHANNEL_KEYS = ['uk-web', 'eu-web', 'marketplace'] as const;

/**
 * The soak's own reading of `CLARUS_SKU_RULES={"padStart":{"length":8,"char":"0"}}` (the sandbox setting):
 * pad to 8 characters with '0' on the left; longer codes unchanged. Written here from the rule, not imported.
 */
export function clarusCodeOf(sku: string): string {
  return sku.length < 8 ? '0'.repeat(8 - sku.length) + sku : sku;
}

/** Settings the soak adds over the sandbox's (short Clarus timeout so a hang costs little real time). */
export const SOAK_SETTINGS: Record<string, string> = {
  LOG_LEVEL: 'debug',
  CLARUS_REQUEST_TIMEOUT_MS: '1500',
  INFLIGHT_LOOKBACK_MINUTES: '600',
  RECONCILE_LOOKBACK_HOURS: '96',
};

export interface SoakWorld {
  stack: SandboxStack;
  clock: VirtualClock;
  /** The current commercetools fault proxy of each app (a restart gets a new one). */
  proxies: Map<SandboxService, FaultProxy>;
  /** Every proxy ever started (for the token list and fault counts). */
  allProxies: FaultProxy[];
  /** Clarus's automation calls pass through here on their way to the fulfilment-service. */
  webhookRelay: FaultProxy;
  /** Every log line every app wrote. */
  logs: string[];
  clarusChannel: Channel;
  supplyChannels: Channel[];
  methods: { standard: ShippingMethod; nextDay: ShippingMethod };
  /** Called with every exchange any commercetools proxy completed (state history observers). */
  onCommercetoolsExchange(listener: (service: SandboxService, e: Exchange) => void): void;
  close(): Promise<void>;
}

/**
 * The sandbox stack with the soak's instruments: a virtual clock for every app, a fault proxy in front of the
 * commercetools emulator per app instance, a relay for Clarus webhooks, and every log line captured.
 */
export async function startSoakWorld(stock: (code: string) => number): Promise<SoakWorld> {
  // The emulator's clock follows the virtual one (soak/emulator-clock.cjs reads this file per request), so
  // lastModifiedAt and createdAt agree with the apps' clock as real clocks do.
  const clockFile = join(mkdtempSync(join(tmpdir(), 'soak-clock-')), 'offset');
  writeFileSync(clockFile, '0');
  const clock = new VirtualClock((offset) => writeFileSync(clockFile, String(offset)));
  const logs: string[] = [];
  let partial = '';
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) logs.push(line);
      done();
    },
  });
  const proxies = new Map<SandboxService, FaultProxy>();
  const allProxies: FaultProxy[] = [];
  const listeners: ((service: SandboxService, e: Exchange) => void)[] = [];
  // The emulator is a child process: it inherits these while it is spawned (synchronously, below).
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, SOAK_CLOCK_FILE: process.env.SOAK_CLOCK_FILE };
  process.env.NODE_OPTIONS =
    `${saved.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'emulator-clock.cjs')}`.trim();
  process.env.SOAK_CLOCK_FILE = clockFile;
  const starting = startSandboxStack({
    logStream,
    now: clock.now,
    clarus: { now: clock.now },
    settings: SOAK_SETTINGS,
    serviceEnv: async (service, emulatorEnv) => {
      // A restart is a new process: the old instance's proxy is cut off, so its leftover work fails.
      await proxies.get(service)?.close();
      const proxy = await new FaultProxy(`ct:${service}`, emulatorEnv.CTP_API_URL!).start();
      proxy.onExchange((e) => listeners.forEach((l) => l(service, e)));
      proxies.set(service, proxy);
      allProxies.push(proxy);
      return { CTP_API_URL: proxy.url };
    },
  });
  restoreEnv(saved);
  const stack = await starting;
  const webhookRelay = await new FaultProxy('webhooks', stack.urls.fulfilment).start();
  stack.clarus.configureWebhooks({
    dispatchUrl: `${webhookRelay.url}/clarus/webhooks/dispatch?token=${stack.webhookToken}`,
    stockUrl: `${webhookRelay.url}/clarus/webhooks/stock?token=${stack.webhookToken}`,
  });

  const { api, clarus } = stack;
  const clarusChannel = await ensureClarusChannel(api);
  await seedProducts(
    api,
    [...CATALOGUE, NOT_IN_CLARUS, ...FILLERS].map((sku) => ({ sku })),
  );
  const supplyChannels = await seedSupplyChannels(api, [...CHANNEL_KEYS]);
  const [standard, nextDay] = (await seedShippingMethods(api, ['standard', 'next-day'])) as [
    ShippingMethod,
    ShippingMethod,
  ];
  // The merchant stocked the SKU Clarus does not hold before the connector ran: it must go to 0.
  await seedInventoryEntries(
    api,
    supplyChannels.map((channel) => ({ sku: NOT_IN_CLARUS, channel, quantity: 7 })),
  );
  clarus.seedProducts([...CATALOGUE, ...FILLERS].map((sku) => ({ code: clarusCodeOf(sku) })));
  clarus.seedCarrierServices([
    { code: 'RM-48', name: 'Royal Mail Tracked 48', carrierCode: 'RM', carrierName: 'Royal Mail' },
    { code: 'DPD-NEXT', name: 'DPD Next Day', carrierCode: 'DPD', carrierName: 'DPD' },
  ]);
  clarus.setStock(
    [...CATALOGUE, ...FILLERS].map((sku) => ({ productCode: clarusCodeOf(sku), available: stock(sku) })),
  );

  return {
    stack,
    clock,
    proxies,
    allProxies,
    webhookRelay,
    logs,
    clarusChannel,
    supplyChannels,
    methods: { standard, nextDay },
    onCommercetoolsExchange: (listener) => listeners.push(listener),
    async close() {
      await stack.close();
      await Promise.all([...allProxies, webhookRelay].map((p) => p.close()));
      if (partial) logs.push(partial);
    },
  };
}

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
