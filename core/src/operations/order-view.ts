import type { ByProjectKeyRequestBuilder, Channel, Order } from '@commercetools/platform-sdk';
import type {
  ClarusClient,
  ClarusGoodsOutLine,
  ClarusGoodsOutSummary,
  ClarusPackage,
  ClarusShipment,
} from '../clarus';
import { bodyUnlessNotFound } from '../commercetools';
import type { SkuTranslator } from '../mapping';
import { parcelTrackingOf } from '../fulfilment/parcel-tracking';
import { EXCEPTION_EXPORT_FAILING, ORDER_BLOCKING_EXCEPTION_KINDS } from '../orders/export-exceptions';
import { candidateReferences } from '../orders/goods-out-recovery';
import type { ExceptionRecord, ExceptionStore } from './exceptions';

/*
 * One order's trip to Clarus, for the order panel (GET /ops/orders/:id): read the order, its open
 * exceptions and what Clarus holds for it (read), then compose the view (pure, `composeOrderView`).
 * Clarus being unreachable is part of the answer (`clarus.reachable: false`), never an error.
 */

/**
 * waiting: not in Clarus yet; exported: syncInfo on the clarus-wms channel; invalid: an open exception that
 * waits for a person (validation, unknown SKU, unmapped shipping method); failing: an open export failure.
 */
export type ExportState = 'waiting' | 'exported' | 'failing' | 'invalid' | 'cancelled';

export interface OrderViewLine {
  /**
   * The commercetools SKU of the line: its Clarus product code through the SKU rules (a bundle's component
   * lines share the bundle's line item), else the SKU of the line item it references (`alt_line_reference`).
   */
  sku?: string;
  productCode?: string;
  /**
   * The order's bundle line item this Clarus line is a component of (BUNDLE_MODE=expand): set when the line
   * item named by `alt_line_reference` has another SKU than the line. `name` is the line item's name in the
   * order's locale (else its first). Absent when the tenant's Clarus does not return `alt_line_reference`.
   */
  bundle?: { lineItemId: string; sku: string; name?: string };
  ordered: number;
  allocated: number;
  picked: number;
  dispatched: number;
}

export interface OrderViewParcel {
  packageId: number;
  trackingNumber?: string;
  /** The carrier's tracking page (TRACKING_URL_TEMPLATES), when a template applies. */
  trackingUrl?: string;
}

export interface OrderViewShipment {
  id: number;
  goodsOutId: number;
  reference: string | null;
  status: string | null;
  carrier: string | null;
  carrierService: string | null;
  parcels: OrderViewParcel[];
}

export interface OrderViewGoodsOut {
  id: number;
  reference: string;
  status: string | null;
  lines: OrderViewLine[];
}

export interface OrderClarusView {
  order: {
    id: string;
    orderNumber?: string;
    orderState: string;
    shipmentState?: string;
    createdAt: string;
  };
  exportState: ExportState;
  /** Goods out ids recorded on the order (syncInfo on the clarus-wms channel). */
  syncedGoodsOutIds: number[];
  goodsOuts: OrderViewGoodsOut[];
  shipments: OrderViewShipment[];
  /** Open exceptions about this order, most recent first. */
  exceptions: ExceptionRecord[];
  clarus: { reachable: boolean; error?: string };
}

/** What Clarus holds for an order, as read. */
export interface ClarusOrderData {
  goodsOuts: ClarusGoodsOutSummary[];
  lines: ClarusGoodsOutLine[];
  shipments: (ClarusShipment & { goodsOutId: number })[];
  packages: ClarusPackage[];
}

/** Pure: the export state. Cancelled wins, then a recorded goods out, then the open exception's kind. */
export function exportStateOf(
  order: Pick<Order, 'orderState'>,
  synced: number,
  open: ExceptionRecord[],
): ExportState {
  if (order.orderState === 'Cancelled') return 'cancelled';
  if (synced > 0) return 'exported';
  const kinds: readonly string[] = ORDER_BLOCKING_EXCEPTION_KINDS;
  if (open.some((e) => kinds.includes(e.kind))) return 'invalid';
  if (open.some((e) => e.kind === EXCEPTION_EXPORT_FAILING)) return 'failing';
  return 'waiting';
}

/** Pure: the view from the order, its open exceptions and what Clarus returned (undefined: unreachable). */
export function composeOrderView(input: {
  order: Order;
  channelId: string;
  exceptions: ExceptionRecord[];
  clarus: ClarusOrderData | { error: string };
  trackingUrlTemplates: Record<string, string>;
  skus?: Pick<SkuTranslator, 'toCommercetools'>;
}): OrderClarusView {
  const { order } = input;
  const synced = (order.syncInfo ?? [])
    .filter((s) => s.channel.id === input.channelId && s.externalId)
    .map((s) => Number(s.externalId))
    .filter((id) => Number.isInteger(id));
  const lineItems = new Map(order.lineItems.map((li) => [li.id, li]));
  const data = 'error' in input.clarus ? undefined : input.clarus;
  const goodsOuts = (data?.goodsOuts ?? []).map((g) => ({
    id: g.id,
    reference: g.reference,
    status: g.status?.name ?? g.status?.code ?? null,
    lines: (data?.lines ?? [])
      .filter((l) => l.goodsOut?.id === g.id)
      .map((l) => {
        const lineItem = l.altLineReference ? lineItems.get(l.altLineReference) : undefined;
        const sku =
          (l.product?.code ? input.skus?.toCommercetools(l.product.code) : undefined) ??
          lineItem?.variant.sku;
        const bundle =
          lineItem?.variant.sku && sku && lineItem.variant.sku !== sku
            ? {
                lineItemId: lineItem.id,
                sku: lineItem.variant.sku,
                ...nameOf(lineItem.name, order.locale),
              }
            : undefined;
        return {
          ...(sku ? { sku } : {}),
          ...(l.product?.code ? { productCode: l.product.code } : {}),
          ...(bundle ? { bundle } : {}),
          ordered: l.orderQuantity,
          allocated: l.allocatedQuantity,
          picked: l.pickQuantity,
          dispatched: l.dispatchQuantity,
        };
      }),
  }));
  const shipments = (data?.shipments ?? []).map((s) => ({
    id: s.id,
    goodsOutId: s.goodsOutId,
    reference: s.reference,
    status: s.status,
    carrier: s.carrier?.name ?? s.carrier?.code ?? null,
    carrierService: s.carrierService?.name ?? s.carrierService?.code ?? null,
    parcels: (data?.packages ?? [])
      .filter((p) => p.shipment?.id === s.id)
      .map((p) => {
        const tracking = parcelTrackingOf(
          {
            trackingNumber: p.trackingNumber ?? undefined,
            carrierCode: s.carrier?.code,
            carrierName: s.carrier?.name ?? undefined,
          },
          input.trackingUrlTemplates,
        );
        return {
          packageId: p.id,
          ...(tracking.trackingId ? { trackingNumber: tracking.trackingId } : {}),
          ...(tracking.providerTransaction ? { trackingUrl: tracking.providerTransaction } : {}),
        };
      }),
  }));
  return {
    order: {
      id: order.id,
      ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
      orderState: order.orderState,
      ...(order.shipmentState ? { shipmentState: order.shipmentState } : {}),
      createdAt: order.createdAt,
    },
    exportState: exportStateOf(order, synced.length, input.exceptions),
    syncedGoodsOutIds: synced,
    goodsOuts,
    shipments,
    exceptions: input.exceptions,
    clarus: 'error' in input.clarus ? { reachable: false, error: input.clarus.error } : { reachable: true },
  };
}

/** The name in `locale`, else the first one given; `{}` when there is none. */
function nameOf(name: Record<string, string> | undefined, locale: string | undefined): { name?: string } {
  const text = (locale ? name?.[locale] : undefined) ?? Object.values(name ?? {})[0];
  return text ? { name: text } : {};
}

export interface OrderViewDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: Pick<
    ClarusClient,
    'findGoodsOutsByReferences' | 'listGoodsOutLines' | 'listShipments' | 'listPackages'
  >;
  exceptions: Pick<ExceptionStore, 'list'>;
  clarusChannel: () => Promise<Channel>;
  trackingUrlTemplates: Record<string, string>;
  skus?: Pick<SkuTranslator, 'toCommercetools'>;
  /** Bound on the Clarus reads (default 5 s): a person is waiting. */
  clarusTimeoutMs?: number;
}

/**
 * Reads one order's view by commercetools order id. Undefined when the order does not exist. Clarus
 * failures (timeouts, 5xx, 429) become `clarus.reachable: false`; commercetools failures throw.
 */
export function createOrderView(deps: OrderViewDeps) {
  return async function orderView(orderId: string): Promise<OrderClarusView | undefined> {
    const order = await bodyUnlessNotFound(deps.api.orders().withId({ ID: orderId }).get());
    if (!order) return undefined;
    const [channel, open] = await Promise.all([
      deps.clarusChannel(),
      deps.exceptions.list({ status: 'open' }),
    ]);
    const exceptions = open
      .filter((e) => e.entity.type === 'order' && e.entity.id === order.id)
      .sort((a, b) => (a.lastSeenAt < b.lastSeenAt ? 1 : -1));
    const clarus = await readClarus(order, deps).catch((err: unknown) => ({
      error: err instanceof Error ? err.message.slice(0, 200) : 'Clarus could not be read',
    }));
    return composeOrderView({
      order,
      channelId: channel.id,
      exceptions,
      clarus,
      trackingUrlTemplates: deps.trackingUrlTemplates,
      skus: deps.skus,
    });
  };
}

async function readClarus(order: Order, deps: OrderViewDeps): Promise<ClarusOrderData> {
  const signal = AbortSignal.timeout(deps.clarusTimeoutMs ?? 5000);
  const references = [...candidateReferences(order, undefined).keys()];
  const goodsOuts = await deps.clarus.findGoodsOutsByReferences(references, { signal });
  const lines = (
    await Promise.all(goodsOuts.map((g) => deps.clarus.listGoodsOutLines(g.id, { signal })))
  ).flat();
  const shipments = (
    await Promise.all(
      goodsOuts.map(async (g) =>
        (await deps.clarus.listShipments(g.id, { signal })).map((s) => ({ ...s, goodsOutId: g.id })),
      ),
    )
  ).flat();
  const packages = shipments.length
    ? await deps.clarus.listPackages(
        shipments.map((s) => s.id),
        { signal },
      )
    : [];
  return { goodsOuts, lines, shipments, packages };
}

export type OrderView = ReturnType<typeof createOrderView>;
