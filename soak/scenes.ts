/**
 * The soak's scenes: each stages one field fault around the real apps, in a fixed order decided by the seed.
 * Scenes wait only for things they can observe (a request held at a gate), never for time to pass.
 */
import type { Order } from '@commercetools/platform-sdk';
import type { GoodsOutRecord } from '../sandbox/src/clarus-simulator';
import { orderMessage } from '../sandbox/src/fixtures';
import { atsDifferences, entriesByKey, expectedAts } from './ats';
import { clarusFault, clearFaults, count, ctFault, violate, type SoakRun } from './context';
import type { PlacedOrder } from './orders';
import { CATALOGUE, clarusCodeOf, FILLERS } from './world';

const CREATE = { method: 'POST', path: '/api/goods_outs' };
const FAILED_WEBHOOK = 'dispatch webhook failed (ct 503)';
const MAX_FAILED_WEBHOOKS = 3;
const ORDER_WRITE = /\/orders\/[0-9a-f-]{36}$/;

export function ourGoodsOuts(run: SoakRun): GoodsOutRecord[] {
  const accountId = run.world.stack.clarus.accountId;
  return run.world.stack.clarus.goodsOuts().filter((g) => g.attributes.account_id === accountId);
}

export function goodsOutsOf(run: SoakRun, orderId: string): GoodsOutRecord[] {
  return ourGoodsOuts(run).filter((g) => g.attributes.external_system_reference1 === orderId);
}

export async function readOrder(run: SoakRun, id: string): Promise<Order> {
  return (await run.world.stack.api.orders().withId({ ID: id }).get().execute()).body;
}

async function updateOrder(run: SoakRun, id: string, actions: object[]): Promise<Order> {
  const fresh = await readOrder(run, id);
  return (
    await run.world.stack.api
      .orders()
      .withId({ ID: id })
      .post({ body: { version: fresh.version, actions: actions as never } })
      .execute()
  ).body;
}

/** POST to a job endpoint; the status and body (jobs answer their run summary). */
export async function postJob(url: string): Promise<{ status: number; body: unknown }> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
    async (res) => ({ status: res.status, body: await res.json().catch(() => undefined) }),
    () => ({ status: 0, body: undefined }),
  );
}

/** Waits (bounded) until `condition` holds; false when it did not within `ms`. Polls an observable fact. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Cancels the order in commercetools (as a person in Merchant Center) and publishes the state change. */
export async function cancelAndPublish(run: SoakRun, order: PlacedOrder): Promise<void> {
  const cancelled = await updateOrder(run, order.id, [
    { action: 'changeOrderState', orderState: 'Cancelled' },
  ]);
  run.cancelled.add(order.id);
  run.pubsub.publish(
    order.id,
    orderMessage('OrderStateChanged', cancelled, { orderState: 'Cancelled' }),
    run.prng.chance(0.2) ? 2 : 1,
  );
}

/** Class 2: the create commits in Clarus but its answer is lost; the order is cancelled right after. */
export async function sceneAmbiguousCancel(run: SoakRun, order: PlacedOrder): Promise<void> {
  clearFaults(run);
  if (!clarusFault(run, { kind: 'drop_after_commit', count: 1, match: CREATE })) return;
  await run.pubsub.deliverOrder(order.id);
  clearFaults(run);
  await cancelAndPublish(run, order);
  await run.pubsub.deliverOrder(order.id);
  count(run.scenes, 'cancel during ambiguous create');
}

/**
 * Classes 2 and 3: the export waits (Clarus throttles it, or its answer was lost) and the order changes
 * meanwhile: its number is set after creation, or its address changes. Pub/Sub redelivers the old payload.
 */
export async function sceneEditWhileWaiting(run: SoakRun, order: PlacedOrder): Promise<void> {
  clearFaults(run);
  // The first number-later order of a seed always takes the ambiguous path, and its dispatch webhook fails:
  // the goods out carries the reference of the attempt (the order id), not the number set afterwards.
  const first = order.shape === 'number-later' && !run.scenes.get('number set after an ambiguous create');
  const ambiguous = order.shape === 'number-later' && (first || run.prng.chance(0.5));
  if (first) run.failDispatchWebhook.add(order.id);
  if (ambiguous) {
    if (!clarusFault(run, { kind: 'drop_after_commit', count: 1, match: CREATE })) return;
  } else {
    clarusFault(run, { kind: 'rate_limit', count: 1, retryAfterSeconds: 120, match: CREATE });
  }
  const statuses = await run.pubsub.deliverOrder(order.id);
  clearFaults(run);
  if (statuses.some((s) => s >= 200 && s < 300) && !ambiguous) return; // it went through: nothing waits
  const tag = `Piiq${run.seed}n${order.n}`;
  if (order.shape === 'number-later') {
    const orderNumber = `SK${run.seed}-L${String(order.n).padStart(5, '0')}`;
    await updateOrder(run, order.id, [{ action: 'setOrderNumber', orderNumber }]);
    run.edits.set(order.id, { orderNumber });
    count(run.scenes, ambiguous ? 'number set after an ambiguous create' : 'number set while waiting');
  } else if (goodsOutsOf(run, order.id).length === 0) {
    const fresh = await readOrder(run, order.id);
    const city = `Faro${tag}`;
    await updateOrder(run, order.id, [
      { action: 'setShippingAddress', address: { ...fresh.shippingAddress, city } },
    ]);
    run.edits.set(order.id, { city });
    count(run.scenes, 'address changed while waiting');
  }
}

/** Class 1: Clarus refuses the create for good (422 the product could not pre-validate). */
export async function sceneRejected(run: SoakRun, order: PlacedOrder): Promise<void> {
  clearFaults(run);
  clarusFault(run, {
    kind: 'rejection',
    count: 1,
    symbol: 'product_on_hold',
    attribute: 'lines_changes',
    match: CREATE,
  });
  await run.pubsub.deliverOrder(order.id);
  clearFaults(run);
  count(run.scenes, 'create rejected by Clarus (422)');
}

/** Class 6: another account of the tenant already has a goods out with our reference; our first create fails. */
export async function sceneForeignCollision(run: SoakRun, order: PlacedOrder): Promise<void> {
  clearFaults(run);
  clarusFault(run, { kind: 'server_error', status: 503, count: 1, match: CREATE });
  await run.pubsub.deliverOrder(order.id);
  clearFaults(run);
  count(run.scenes, 'colliding reference in another account');
}

/** The warehouse dispatches some of our live goods outs (one or two packages, or part of a line). */
export async function sceneDispatch(run: SoakRun, share: number): Promise<void> {
  const { clarus } = run.world.stack;
  const open = ourGoodsOuts(run).filter((g) => ['ALLOCATED', 'PART_ALLOCATED', 'PICK'].includes(g.status));
  for (const goodsOut of open) {
    const mustFail = run.failDispatchWebhook.has(goodsOut.attributes.external_system_reference1 ?? '');
    if (!run.prng.chance(share) && !mustFail) continue;
    const orderId = goodsOut.attributes.external_system_reference1 ?? '';
    const forced = run.failDispatchWebhook.delete(orderId);
    if (forced) run.missedDispatch.add(orderId);
    if (forced || (run.prng.chance(0.1) && (run.scenes.get(FAILED_WEBHOOK) ?? 0) < MAX_FAILED_WEBHOOKS)) {
      // The dispatch webhook fails on commercetools' side: the reconciliation pass must catch it up.
      // (Each costs the SDK's and the service's retries in real seconds: a few per seed.)
      count(run.scenes, FAILED_WEBHOOK);
      ctFault(run, 'fulfilment-service', {
        kind: 'status',
        status: 503,
        method: 'POST',
        path: ORDER_WRITE,
        count: 4,
        label: 'ct 503',
      });
    }
    const partialLine = goodsOut.lines.find((l) => l.order_quantity - l.dispatch_quantity >= 2);
    const roll = run.prng.next();
    const options =
      roll < 0.1 && partialLine && goodsOut.status !== 'PICK'
        ? {
            shipments: [{ lines: [{ productCode: partialLine.product_code, quantity: 1 }] }],
            complete: false,
          }
        : roll < 0.3
          ? { shipments: [{ packages: 2 }] }
          : {};
    try {
      await clarus.dispatch(goodsOut.id, options);
      run.dispatched.add(goodsOut.id);
      count(run.scenes, 'dispatch');
    } catch {
      count(run.scenes, 'dispatch refused by the warehouse');
    }
    clearFaults(run);
    // Not for the forced failure: only the reconciliation pass may bring that dispatch to the order.
    if (run.prng.chance(0.25) && !forced) {
      await clarus.fireDispatchWebhook(goodsOut.id).catch(() => 0);
      count(run.scenes, 'duplicate dispatch webhook');
    }
  }
}

/** Class 5: a dispatched package gets a new tracking number (re-labelled, or a carrier swap); Clarus calls again. */
export async function sceneRelabel(run: SoakRun): Promise<void> {
  const candidates = ourGoodsOuts(run).filter(
    (g) =>
      g.shipments.some((s) => s.status === 'dispatched' && s.packages.length) &&
      !run.missedDispatch.has(g.attributes.external_system_reference1 ?? ''),
  );
  if (!candidates.length) return;
  const goodsOut = run.prng.pick(candidates);
  const pkg = goodsOut.shipments.find((s) => s.status === 'dispatched')!.packages[0]!;
  const swap = run.prng.chance(0.3);
  await run.world.stack.clarus
    .relabelPackage(pkg.id, {
      trackingNumber: `RL${run.seed}${String(pkg.id).padStart(8, '0')}`,
      ...(swap ? { carrierServiceCode: 'DPD-NEXT' } : {}),
    })
    .catch(() => undefined);
  count(run.scenes, swap ? 're-labelled package (carrier swap)' : 're-labelled package');
}

/** Class 4: a carrier integration marks a shipped order Delivered; the same dispatch webhook comes again. */
export async function sceneDeliveredResent(run: SoakRun): Promise<void> {
  const completed = ourGoodsOuts(run).filter((g) => g.status === 'COMPLETED');
  for (const goodsOut of run.prng.shuffle(completed).slice(0, 3)) {
    const orderId = goodsOut.attributes.external_system_reference1;
    if (!orderId || run.cancelled.has(orderId)) continue;
    const order = await readOrder(run, orderId);
    if (order.shipmentState !== 'Shipped') continue;
    await updateOrder(run, orderId, [{ action: 'changeShipmentState', shipmentState: 'Delivered' }]);
    run.stateWrites.push({ orderId, state: 'Delivered', by: 'carrier (soak)' });
    await run.world.stack.clarus.fireDispatchWebhook(goodsOut.id).catch(() => 0);
    count(run.scenes, 'delivered, then the webhook again');
    return;
  }
}

/** A stock adjustment in the warehouse; Clarus calls the stock webhook. Checks the SKU's entries at once. */
export async function sceneStockWebhook(run: SoakRun, check: boolean): Promise<void> {
  const sku = run.prng.chance(0.4) ? run.prng.pick(['00777', '12345']) : run.prng.pick(CATALOGUE);
  const delta = run.prng.chance(0.5) ? run.prng.int(1, 6) : -run.prng.int(1, 3);
  const statuses = webhookStatuses(run);
  await run.world.stack.clarus.adjustStock(clarusCodeOf(sku), delta, { fireWebhook: true });
  count(run.scenes, 'stock webhook');
  const status = statuses();
  if (!check || status !== 200) return;
  const differences = atsDifferences(await expectedAts(run, [sku]), await entriesByKey(run));
  for (const d of differences)
    violate(
      run,
      'stock-webhook',
      `stock webhook for ${clarusCodeOf(sku)} (${delta > 0 ? '+' : ''}${delta}): ${d}`,
    );
}

/** Statuses of the stock webhook calls from now on; returns the last one. */
function webhookStatuses(run: SoakRun): () => number | undefined {
  let last: number | undefined;
  const stop = run.world.webhookRelay.onExchange((e) => {
    if (e.path.endsWith('/webhooks/stock')) last = e.status;
  });
  return () => {
    stop();
    return last;
  };
}

export type InventoryVariant = 'plain' | 'throttled' | 'stall' | 'race' | 'killed';

/** An inventory run, plain or under a fault. */
export async function sceneInventory(run: SoakRun, variant: InventoryVariant): Promise<void> {
  const { stack, clock, proxies } = run.world;
  count(run.scenes, `inventory run (${variant})`);
  if (variant === 'plain') return void (await postJob(stack.urls.inventorySync));
  if (variant === 'throttled') {
    clarusFault(run, { kind: 'rate_limit', count: 2, retryAfterSeconds: 1, match: { path: '/graphql' } });
    await postJob(stack.urls.inventorySync);
    return clearFaults(run);
  }
  // Stock moves without a webhook so the run has something to write.
  const moved = run.prng.shuffle(FILLERS).slice(0, 3);
  for (const sku of moved)
    await stack.clarus.adjustStock(clarusCodeOf(sku), run.prng.int(1, 4), { fireWebhook: false });

  if (variant === 'stall') {
    const before = await entriesByKey(run);
    const firedBefore = stallsFired(run);
    if (
      !clarusFault(run, {
        kind: 'cursor_stall',
        list: 'stock_balances',
        count: 1,
        match: { path: '/graphql' },
      })
    ) {
      return;
    }
    const result = await postJob(stack.urls.inventorySync);
    clearFaults(run);
    const fired = stallsFired(run) - firedBefore;
    if (!fired) return;
    const after = await entriesByKey(run);
    const changed = [...after].filter(([k, v]) => String(before.get(k)) !== String(v));
    if (changed.length) {
      violate(
        run,
        'partial-read-writes-nothing',
        `inventory run over a stalled stock cursor answered ${result.status} and changed ${changed.length} entries, e.g. ${changed
          .slice(0, 3)
          .map(([k, v]) => `${k} ${before.get(k)?.join('+') ?? '-'}→${v.join('+')}`)
          .join(', ')}`,
      );
    }
    return;
  }

  const gate = proxies.get('inventory-job')!.gate({ method: 'POST', path: /\/inventory/ });
  const running = postJob(stack.urls.inventorySync);
  const held = await until(() => gate.held() > 0, 8000);
  if (variant === 'race') {
    // The run has read Clarus and waits to write; a stock webhook for one of the SKUs it will write lands first.
    const sku = moved[0]!;
    const statuses = webhookStatuses(run);
    await stack.clarus.adjustStock(clarusCodeOf(sku), run.prng.int(5, 9), { fireWebhook: true });
    const webhook = statuses();
    gate.release();
    const result = await running;
    if (!held || webhook !== 200 || result.status !== 200) {
      count(run.scenes, 'inventory race not staged');
      return;
    }
    const differences = atsDifferences(await expectedAts(run, [sku]), await entriesByKey(run));
    for (const d of differences) {
      violate(
        run,
        'no-stale-overwrite',
        `inventory run read Clarus before a stock webhook for ${sku}, wrote after it: ${d}`,
      );
    }
    return;
  }
  // killed: the process dies while its writes wait; a new instance starts on the same state.
  await stack.restart('inventory-job');
  gate.release();
  await running.catch(() => undefined);
  clock.advance(3 * 60_000); // past the dead run's 2-minute job lease
  const rerun = await postJob(stack.urls.inventorySync);
  if ((rerun.body as { skipped?: string } | undefined)?.skipped) {
    clock.advance(5 * 60_000);
    await postJob(stack.urls.inventorySync);
  }
}

function stallsFired(run: SoakRun): number {
  return run.world.stack.clarus.requests.filter((r) => (r.fault as string | undefined) === 'cursor_stall')
    .length;
}

/** A reconciliation pass, plain or killed half-way (its orders read held, the process replaced). */
export async function sceneReconcile(run: SoakRun, killed: boolean): Promise<void> {
  const { stack, clock, proxies } = run.world;
  count(run.scenes, killed ? 'reconciliation killed and restarted' : 'reconciliation run');
  if (!killed) return void (await postJob(stack.urls.reconcile));
  const gate = proxies.get('reconciliation-job')!.gate({ method: 'GET', path: /\/orders$/ });
  const running = postJob(stack.urls.reconcile);
  await until(() => gate.held() > 0, 8000);
  await stack.restart('reconciliation-job');
  gate.release();
  await running.catch(() => undefined);
  clock.advance(3 * 60_000);
  const rerun = await postJob(stack.urls.reconcile);
  if ((rerun.body as { skipped?: string } | undefined)?.skipped) {
    clock.advance(5 * 60_000);
    await postJob(stack.urls.reconcile);
  }
}
