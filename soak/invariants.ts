/**
 * The end-of-run checks (DESIGN.md "Invariants"), read from the stand-ins' state and the apps' operations API,
 * never from the product's own code. Each adds readable violations to the run.
 */
import type { Delivery, Order } from '@commercetools/platform-sdk';
import { atsDifferences, entriesByKey, expectedAts } from './ats';
import { SHIPMENT_RANK, violate, type SoakRun } from './context';
import { PII_MARKER, PII_PHONE, PII_POSTCODE, type PlacedOrder } from './orders';
import { ourGoodsOuts } from './scenes';

interface OpenException {
  kind: string;
  entity: { type: string; id: string; orderNumber?: string };
}

export interface Outcomes {
  exported: number;
  openException: number;
  cancelled: number;
  historical: number;
  goodsOuts: number;
  /** Our account's goods outs by Clarus status. */
  byStatus: Record<string, number>;
  dispatchedShipments: number;
}

export async function checkInvariants(run: SoakRun): Promise<Outcomes> {
  const orders = await readOrders(run);
  const exceptions = await openExceptions(run);
  const byOrder = new Map<string, OpenException[]>();
  for (const e of exceptions) {
    if (e.entity.type === 'order') byOrder.set(e.entity.id, [...(byOrder.get(e.entity.id) ?? []), e]);
  }
  const goodsOuts = ourGoodsOuts(run);
  const outcomes: Outcomes = {
    exported: 0,
    openException: 0,
    cancelled: 0,
    historical: 0,
    goodsOuts: goodsOuts.length,
    byStatus: {},
    dispatchedShipments: 0,
  };
  for (const g of goodsOuts) outcomes.byStatus[g.status] = (outcomes.byStatus[g.status] ?? 0) + 1;
  const label = (o: PlacedOrder, order?: Order) =>
    `order ${order?.orderNumber ?? o.created.orderNumber ?? '(no number)'} ${o.id} [${o.shape}]`;

  for (const placed of run.orders) {
    const order = orders.get(placed.id);
    const mine = goodsOuts.filter((g) => g.attributes.external_system_reference1 === placed.id);
    const live = mine.filter((g) => g.status !== 'CANCELLED');
    const open = byOrder.get(placed.id) ?? [];
    const name = label(placed, order);

    if (placed.shape === 'historical') {
      outcomes.historical += 1;
      if (mine.length)
        violate(run, 'untouchable-orders', `${name}: historical import got goods out ${ids(mine)}`);
      const updates = run.orderUpdates.get(placed.id) ?? 0;
      if (updates)
        violate(
          run,
          'untouchable-orders',
          `${name}: historical import updated ${updates} time(s) by the apps`,
        );
      continue;
    }
    if (run.cancelled.has(placed.id)) {
      outcomes.cancelled += 1;
      if (live.length && !open.some((e) => e.kind === 'cancellation-refused')) {
        violate(
          run,
          'cancelled-not-live',
          `${name}: cancelled, but goods out ${live.map((g) => `${g.id} ${g.status}`).join(', ')} live and no open cancellation-refused`,
        );
      }
    } else {
      checkOneGoodsOut(run, placed, name, live, open);
      checkTracking(run, name, order, mine);
    }
    const edit = run.edits.get(placed.id);
    if (edit?.city && !run.cancelled.has(placed.id)) {
      for (const g of live) {
        const city = (g.address as Record<string, unknown> | null)?.address_3;
        if (city !== edit.city) {
          violate(
            run,
            'exports-current',
            `${name}: address changed before export, goods out ${g.id} has the old one`,
          );
        }
      }
    }
    for (const sync of order?.syncInfo ?? []) {
      if (sync.channel.id !== run.world.clarusChannel.id) continue;
      const target = goodsOuts.find((g) => String(g.id) === sync.externalId);
      if (!target || target.attributes.external_system_reference1 !== placed.id) {
        violate(
          run,
          'account-scope',
          `${name}: syncInfo points at goods out ${sync.externalId}, not one of ours for this order`,
        );
      }
    }
    checkStates(run, name, placed.id, order);
  }
  const all = run.world.stack.clarus.goodsOuts();
  for (const [id, status] of run.foreignGoodsOuts) {
    const now = all.find((g) => g.id === id);
    if (now?.status !== status) {
      violate(
        run,
        'account-scope',
        `another account's goods out ${id} went ${status} → ${now?.status ?? 'gone'}`,
      );
    }
  }
  outcomes.dispatchedShipments = goodsOuts
    .flatMap((g) => g.shipments)
    .filter((s) => s.status === 'dispatched').length;

  for (const d of atsDifferences(await expectedAts(run), await entriesByKey(run))) violate(run, 'ats', d);
  for (const m of [...run.pubsub.stuck, ...run.pubsub.queue]) {
    violate(
      run,
      'messages-acked',
      `order ${m.orderId}: ${m.type} not acknowledged after ${m.attempts} deliveries (answers ${summarise(m.statuses)})`,
    );
  }
  checkLogs(run);
  outcomes.exported = run.orders.filter(
    (o) =>
      o.shape !== 'historical' &&
      !run.cancelled.has(o.id) &&
      goodsOuts.some((g) => g.attributes.external_system_reference1 === o.id && g.status !== 'CANCELLED'),
  ).length;
  outcomes.openException = run.orders.filter((o) => byOrder.has(o.id)).length;
  return outcomes;
}

function checkOneGoodsOut(
  run: SoakRun,
  placed: PlacedOrder,
  name: string,
  live: ReturnType<typeof ourGoodsOuts>,
  open: OpenException[],
): void {
  const keys = placed.shippingKeys.length ? placed.shippingKeys : [''];
  const claimed = new Set<number>();
  let missing = 0;
  for (const key of keys) {
    const group = key ? live.filter((g) => g.attributes.reference.endsWith(`-${key}`)) : live;
    group.forEach((g) => claimed.add(g.id));
    if (group.length > 1) {
      violate(
        run,
        'one-goods-out',
        `${name}: ${group.length} live goods outs${key ? ` for shipping key ${key}` : ''}: ${ids(group)}`,
      );
    }
    if (group.length === 0) missing += 1;
  }
  const extras = live.filter((g) => !claimed.has(g.id));
  if (extras.length)
    violate(run, 'one-goods-out', `${name}: live goods outs matching no shipping key: ${ids(extras)}`);
  if (missing && !open.length) {
    violate(
      run,
      'one-goods-out',
      `${name}: ${missing} of ${keys.length} goods outs missing in Clarus and no open exception names the order`,
    );
  }
}

function checkTracking(
  run: SoakRun,
  name: string,
  order: Order | undefined,
  mine: ReturnType<typeof ourGoodsOuts>,
): void {
  if (!order) return;
  const deliveries: Delivery[] = [
    ...(order.shippingInfo?.deliveries ?? []),
    ...(order.shipping ?? []).flatMap((s) => s.shippingInfo?.deliveries ?? []),
  ];
  const parcels = deliveries.flatMap((d) => d.parcels ?? []);
  for (const shipment of mine.flatMap((g) => g.shipments)) {
    if (shipment.status !== 'dispatched') continue;
    const n = deliveries.filter((d) => d.key === `clarus-shipment-${shipment.id}`).length;
    if (n !== 1)
      violate(run, 'tracking-once', `${name}: ${n} deliveries for dispatched Clarus shipment ${shipment.id}`);
    for (const pkg of shipment.packages) {
      const found = parcels.filter((p) => p.key === `clarus-package-${pkg.id}`);
      if (found.length !== 1) {
        violate(run, 'tracking-once', `${name}: ${found.length} parcels for Clarus package ${pkg.id}`);
      } else if (found[0]!.trackingData?.trackingId !== pkg.tracking_number) {
        violate(
          run,
          'tracking-once',
          `${name}: parcel for package ${pkg.id} tracks ${found[0]!.trackingData?.trackingId ?? 'nothing'}, Clarus says ${pkg.tracking_number}`,
        );
      }
    }
  }
}

function checkStates(run: SoakRun, name: string, orderId: string, order: Order | undefined): void {
  let reached = 0;
  let reachedState = '';
  for (const write of run.stateWrites) {
    if (write.orderId !== orderId) continue;
    const rank = SHIPMENT_RANK[write.state] ?? 0;
    if (rank < reached) {
      violate(
        run,
        'states-forward',
        `${name}: ${write.by} set shipmentState ${write.state} after ${reachedState}`,
      );
    }
    if (rank >= reached) {
      reached = rank;
      reachedState = write.state;
    }
  }
  const final = order?.shipmentState ? (SHIPMENT_RANK[order.shipmentState] ?? 0) : 0;
  if (final < reached)
    violate(run, 'states-forward', `${name}: ends ${order?.shipmentState} after reaching ${reachedState}`);
}

function checkLogs(run: SoakRun): void {
  const { stack } = run.world;
  const secrets = new Map<string, string>([
    [stack.env.CLARUS_CLIENT_SECRET!, 'Clarus client secret'],
    [stack.env.CTP_CLIENT_SECRET!, 'commercetools client secret'],
    [stack.env.CLARUS_WEBHOOK_TOKEN!, 'webhook token'],
    [stack.env.OPS_API_TOKEN!, 'ops API token'],
  ]);
  for (const proxy of run.world.allProxies)
    for (const t of proxy.tokens) secrets.set(t, 'commercetools access token');
  for (const r of stack.clarus.requests) {
    const auth = r.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer '))
      secrets.set(auth.slice(7), 'Clarus access token');
  }
  const found = new Map<string, string[]>();
  const note = (what: string, line: string) => {
    const list = found.get(what) ?? [];
    if (list.length < 2) list.push(line.length > 240 ? `${line.slice(0, 240)}…` : line);
    found.set(what, list);
  };
  for (const line of run.world.logs) {
    if (PII_MARKER.test(line)) note('personal data (name/address/email)', line);
    if (PII_PHONE.test(line)) note('phone number', line);
    if (PII_POSTCODE.test(line)) note('postcode', line);
    for (const [secret, what] of secrets) if (secret && line.includes(secret)) note(what, line);
  }
  for (const [what, lines] of found) {
    for (const line of lines) violate(run, 'logs-clean', `${what} in a log line: ${line}`);
  }
}

async function readOrders(run: SoakRun): Promise<Map<string, Order>> {
  const out = new Map<string, Order>();
  const ids = run.orders.map((o) => o.id);
  for (let i = 0; i < ids.length; i += 100) {
    const where = `id in (${ids
      .slice(i, i + 100)
      .map((id) => `"${id}"`)
      .join(', ')})`;
    const page = await run.world.stack.api
      .orders()
      .get({ queryArgs: { where, limit: 100 } })
      .execute();
    for (const order of page.body.results) out.set(order.id, order);
  }
  return out;
}

/** Every open exception, through the operations API (paged when it pages: `limit`/`offset`, `total`). */
async function openExceptions(run: SoakRun): Promise<OpenException[]> {
  const { stack } = run.world;
  const out: OpenException[] = [];
  const limit = 500;
  for (let offset = 0; ; offset += limit) {
    const res = await fetch(
      `${stack.urls.fulfilment}/ops/exceptions?status=open&limit=${limit}&offset=${offset}`,
      {
        headers: { authorization: `Bearer ${stack.opsToken}`, accept: 'application/json' },
      },
    );
    const body = (await res.json()) as { exceptions?: OpenException[]; total?: number } | OpenException[];
    const page = Array.isArray(body) ? body : (body.exceptions ?? []);
    out.push(...page);
    const total = Array.isArray(body) ? undefined : body.total;
    if (total === undefined || page.length === 0 || out.length >= total) return out;
  }
}

function ids(goodsOuts: { id: number; status: string }[]): string {
  return goodsOuts.map((g) => `${g.id} (${g.status})`).join(', ');
}

/** 503,503,503,422 → "503×3, 422". */
export function summarise(statuses: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < statuses.length;) {
    let j = i;
    while (j < statuses.length && statuses[j] === statuses[i]) j++;
    parts.push(j - i > 1 ? `${statuses[i]}×${j - i}` : String(statuses[i]));
    i = j;
  }
  return parts.join(', ');
}
