/**
 * One seed of the soak: seed the world, place orders in batches, and after each batch play the seeded mix of
 * faults and scenes; then clear every fault, let the reconciliation pass and an inventory run settle, and
 * check the invariants.
 */
import { writeFileSync } from 'node:fs';
import { orderMessage } from '../sandbox/src/fixtures';
import {
  CHECKS,
  clearFaults,
  count,
  ctFault,
  observeOrderWrites,
  clarusFault,
  type CheckName,
  type SoakRun,
} from './context';
import { checkInvariants, type Outcomes } from './invariants';
import { placeOrder, type OrderShape, type PlacedOrder } from './orders';
import { Prng } from './prng';
import { MAX_ATTEMPTS, PubSubDriver, type DeliveryStats } from './pubsub';
import {
  cancelAndPublish,
  postJob,
  sceneAmbiguousCancel,
  sceneDeliveredResent,
  sceneDispatch,
  sceneEditWhileWaiting,
  sceneForeignCollision,
  sceneRejected,
  sceneInventory,
  sceneReconcile,
  sceneRelabel,
  sceneStockWebhook,
  ourGoodsOuts,
  type InventoryVariant,
} from './scenes';
import { CATALOGUE, clarusCodeOf, NOT_IN_CLARUS, startSoakWorld } from './world';

export interface SeedResult {
  seed: number;
  orders: number;
  durationMs: number;
  deliveries: DeliveryStats;
  faults: Map<string, number>;
  scenes: Map<string, number>;
  outcomes: Outcomes;
  checks: { name: CheckName; violations: string[] }[];
  missing: string[];
}

const BATCH = 8;
const SHAPES: [OrderShape, number][] = [
  ['regular', 0.72],
  ['multi-shipment', 0.08],
  ['invalid-email', 0.04],
  ['unknown-sku', 0.04],
  ['number-later', 0.06],
  ['historical', 0.06],
];
const INVENTORY_VARIANTS: InventoryVariant[] = ['plain', 'throttled', 'stall', 'race', 'killed'];
const CREATE = { method: 'POST', path: '/api/goods_outs' };
const ORDER_READ = /\/orders\/[0-9a-f-]{36}$/;
/** A commercetools timeout costs the SDK's 10 s in real time: one per seed. */
const MAX_CT_TIMEOUTS = 1;

export async function runSeed(
  seed: number,
  orderCount: number,
  say: (line: string) => void,
): Promise<SeedResult> {
  const started = Date.now();
  const timings = new Map<string, number>();
  const prng = new Prng(seed);
  const stockBase = Math.max(200, orderCount * 2);
  const world = await startSoakWorld(() => stockBase + prng.int(0, 60));
  const run: SoakRun = {
    seed,
    world,
    prng,
    pubsub: new PubSubDriver(() => world.stack.urls.orderEvents, world.clock, prng),
    orders: [],
    cancelled: new Set(),
    edits: new Map(),
    failDispatchWebhook: new Set(),
    missedDispatch: new Set(),
    dispatched: new Set(),
    foreignGoodsOuts: new Map(),
    stateWrites: [],
    orderUpdates: new Map(),
    violations: new Map(),
    faults: new Map(),
    scenes: new Map(),
    missing: new Set(),
  };
  try {
    observeOrderWrites(run);
    const collisions = seedForeignAccount(run, orderCount);
    await postJob(world.stack.urls.inventorySync);

    const firstShapes = prng.shuffle(SHAPES.map(([s]) => s));
    const inventoryOrder = prng.shuffle(INVENTORY_VARIANTS);
    const ticks = Math.ceil(orderCount / BATCH);
    const jobEvery = Math.max(1, Math.floor(ticks / 25));
    let tick = 0;
    let batch: PlacedOrder[] = [];
    let timeouts = 0;
    for (let n = 0; n < orderCount; n++) {
      const shape = n < firstShapes.length ? firstShapes[n]! : weighted(prng, SHAPES);
      const order = await timed(timings, 'place orders', () =>
        placeOrder(world.stack.api, world.stack.ct.seed, {
          seed,
          n,
          shape,
          skus: CATALOGUE,
          unknownSku: NOT_IN_CLARUS,
          methods: [world.methods.standard, world.methods.nextDay],
          prng,
        }),
      );
      run.orders.push(order);
      const type = shape === 'historical' ? 'OrderImported' : 'OrderCreated';
      run.pubsub.publish(order.id, orderMessage(type, order.created), prng.chance(0.1) ? 2 : 1);
      batch.push(order);
      if (batch.length < BATCH && n < orderCount - 1) continue;

      // Scenes around this batch's orders, before the general delivery round.
      await timed(timings, 'order scenes', async () => {
        for (const o of batch) if (collisions.has(o.n)) await sceneForeignCollision(run, o);
        const regular = batch.filter((o) => o.shape === 'regular' && !collisions.has(o.n));
        if (regular.length && (tick === 0 || prng.chance(0.3)))
          await sceneAmbiguousCancel(run, regular.shift()!);
        for (const o of batch.filter((b) => b.shape === 'number-later')) await sceneEditWhileWaiting(run, o);
        if (regular.length && (tick === 0 || prng.chance(0.3)))
          await sceneEditWhileWaiting(run, regular.shift()!);
        if (regular.length && (!run.scenes.get('create rejected by Clarus (422)') || prng.chance(0.15)))
          await sceneRejected(run, regular.shift()!);
      });

      // The batch's messages under a mix of faults; Pub/Sub redelivers what was nacked.
      timeouts += injectFaultMix(run, timeouts < MAX_CT_TIMEOUTS);
      await timed(timings, 'delivery rounds', () => run.pubsub.drain(6));
      clearFaults(run);

      // The warehouse, the merchant and the jobs.
      await timed(timings, 'dispatch', () => sceneDispatch(run, 0.5));
      await timed(timings, 'relabel, delivered', async () => {
        if (tick === 1 || prng.chance(0.3)) await sceneRelabel(run);
        if (tick === 1 || prng.chance(0.3)) await sceneDeliveredResent(run);
      });
      for (const o of prng.shuffle(run.orders).slice(0, 2)) {
        if (o.shape !== 'historical' && !run.cancelled.has(o.id) && prng.chance(0.35))
          await cancelAndPublish(run, o);
      }
      await timed(timings, 'stock webhook', () => sceneStockWebhook(run, tick % 2 === 0));
      if (tick % jobEvery === 0) {
        const i = tick / jobEvery;
        const variant = i < inventoryOrder.length ? inventoryOrder[i]! : prng.pick(INVENTORY_VARIANTS);
        await timed(timings, `inventory ${variant}`, () => sceneInventory(run, variant));
        if (i % 2 === 1) {
          const killed = i === 1 || prng.chance(0.3);
          await timed(timings, `reconcile${killed ? ' killed' : ''}`, () => sceneReconcile(run, killed));
        }
      }
      clearFaults(run);
      say(
        `  seed ${seed}: ${n + 1}/${orderCount} orders placed, ${run.pubsub.queue.length} messages waiting, ` +
          `goods outs ${JSON.stringify(countBy(ourGoodsOuts(run).map((g) => g.status)))}, clock +${Math.round(world.clock.skewMs / 1000)} s`,
      );
      for (const m of run.pubsub.queue)
        say(`    waiting: ${m.type} ${m.orderId} answers ${m.outcomes.join('; ')}`);
      tick += 1;
      batch = [];
    }
    await timed(timings, 'settle', () => settle(run));
    const outcomes = await timed(timings, 'checks', () => checkInvariants(run));
    say(`  seed ${seed} real ms: ${JSON.stringify(Object.fromEntries(timings))}`);
    tallyFaults(run);
    return {
      seed,
      orders: orderCount,
      durationMs: Date.now() - started,
      deliveries: run.pubsub.stats,
      faults: run.faults,
      scenes: run.scenes,
      outcomes,
      checks: CHECKS.map((name) => ({ name, violations: run.violations.get(name) ?? [] })),
      missing: [...run.missing],
    };
  } finally {
    await world.close();
    if (process.env.SOAK_LOG_FILE) writeFileSync(process.env.SOAK_LOG_FILE, `${world.logs.join('\n')}\n`);
  }
}

/** Faults cleared; Pub/Sub delivers everything left; two reconciliation passes and an inventory run settle. */
async function settle(run: SoakRun): Promise<void> {
  const { stack, clock } = run.world;
  clearFaults(run);
  for (let pass = 0; pass < 2; pass++) {
    clock.advance(15 * 60_000);
    await run.pubsub.drain(MAX_ATTEMPTS + 5, 0);
    const result = await postJob(stack.urls.reconcile);
    count(run.scenes, `settling reconciliation answered ${result.status}`);
  }
  await run.pubsub.drain(MAX_ATTEMPTS + 5, 0);
  const inventory = await postJob(stack.urls.inventorySync);
  count(run.scenes, `settling inventory run answered ${inventory.status}`);
}

/** 1–3 faults for the next delivery round, from every class. Returns the commercetools timeouts injected. */
function injectFaultMix(run: SoakRun, allowTimeout: boolean): number {
  const { prng } = run;
  let timeouts = 0;
  const menu: (() => void)[] = [
    () =>
      clarusFault(run, {
        kind: 'rate_limit',
        count: prng.int(1, 3),
        retryAfterSeconds: prng.int(1, 3),
        match: prng.chance(0.5) ? CREATE : { path: '/graphql' },
      }),
    () =>
      clarusFault(run, {
        kind: 'server_error',
        status: prng.pick([500, 502, 503]),
        count: prng.int(1, 4),
        match: prng.chance(0.5) ? CREATE : { path: '/graphql' },
      }),
    () =>
      clarusFault(run, { kind: 'hang', count: 1, match: prng.chance(0.5) ? CREATE : { path: '/graphql' } }),
    () => clarusFault(run, { kind: 'drop_after_commit', count: 1, match: CREATE }),
    () =>
      clarusFault(run, {
        kind: 'rejection',
        count: 1,
        symbol: prng.pick(['product_on_hold', 'carrier_service_inactive']),
        attribute: 'lines_changes',
        match: CREATE,
      }),
    () =>
      ctFault(run, 'order-event-app', {
        kind: 'status',
        status: 409,
        method: 'POST',
        path: prng.chance(0.6) ? ORDER_READ : /\/custom-objects/,
        count: prng.int(1, 2),
        label: 'ct 409',
      }),
    () =>
      ctFault(run, 'order-event-app', {
        kind: 'status',
        status: 503,
        path: prng.chance(0.5) ? ORDER_READ : /\/custom-objects/,
        count: 4,
        label: 'ct 503',
      }),
    () =>
      ctFault(run, 'order-event-app', {
        kind: 'drop',
        path: ORDER_READ,
        count: 4,
        label: 'ct no answer (status-less)',
      }),
    () =>
      ctFault(run, 'order-event-app', {
        kind: prng.chance(0.5) ? 'drop_after' : 'status_after',
        status: 503,
        method: 'POST',
        path: ORDER_READ,
        count: 1,
        label: 'ct write landed, answer lost',
      }),
  ];
  const picks = prng.int(1, 3);
  for (let i = 0; i < picks; i++) prng.pick(menu)();
  if (allowTimeout && prng.chance(0.25)) {
    ctFault(run, 'order-event-app', {
      kind: 'timeout',
      method: 'GET',
      path: ORDER_READ,
      count: 1,
      label: 'ct timeout',
    });
    timeouts += 1;
  }
  return timeouts;
}

/**
 * Class 6: a second account on the tenant holds the same product codes (with much more stock) and goods outs
 * whose references collide with some of our order numbers. Returns the order numbers (n) that collide.
 */
function seedForeignAccount(run: SoakRun, orderCount: number): Set<number> {
  const clarus = run.world.stack.clarus;
  const collisions = new Set<number>();
  if (typeof clarus.seedAccount !== 'function' || typeof clarus.seedGoodsOut !== 'function') {
    run.missing.add('simulator second account');
    return collisions;
  }
  const other = clarus.accountId + 1;
  clarus.seedAccount({ id: other });
  clarus.seedProducts(CATALOGUE.map((sku) => ({ code: clarusCodeOf(sku), accountId: other })));
  clarus.setStock(
    CATALOGUE.map((sku) => ({ productCode: clarusCodeOf(sku), available: 5000, accountId: other })),
  );
  const wanted = Math.max(2, Math.floor(orderCount / 25));
  for (let i = 0; i < wanted; i++) collisions.add(run.prng.int(6, Math.max(6, orderCount - 1)));
  for (const n of collisions) {
    const reference = `SK${run.seed}-${String(n).padStart(5, '0')}`;
    for (const ref of [reference, `${reference}-home`]) {
      const g = clarus.seedGoodsOut({
        accountId: other,
        reference: ref,
        lines: [{ productCode: clarusCodeOf(run.prng.pick(CATALOGUE)), quantity: 1 }],
      });
      run.foreignGoodsOuts.set(g.id, g.status);
    }
  }
  return collisions;
}

/** Fault firings by class, from what the stand-ins and proxies saw (not from what was asked for). */
function tallyFaults(run: SoakRun): void {
  const labels: Record<string, string> = {
    rate_limit: 'clarus 429 Retry-After',
    server_error: 'clarus 5xx',
    hang: 'clarus hang',
    drop: 'clarus drop',
    drop_after_commit: 'clarus drop-after-commit',
    cursor_stall: 'clarus cursor stall',
    rejection: 'clarus 422 rejection',
  };
  for (const r of run.world.stack.clarus.requests) {
    if (r.fault) count(run.faults, labels[r.fault] ?? `clarus ${r.fault}`);
    else if (r.status === 422) count(run.faults, 'clarus 422 rejection');
  }
  for (const proxy of run.world.allProxies) for (const [label, n] of proxy.fired) count(run.faults, label, n);
}

/** Runs `work` and adds its real duration (ms) under `name` (verbose output: where the seconds go). */
async function timed<T>(timings: Map<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    count(timings, name, Date.now() - started);
  }
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function weighted<T>(prng: Prng, table: [T, number][]): T {
  let roll = prng.next() * table.reduce((s, [, w]) => s + w, 0);
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return table[table.length - 1]![0];
}
