import type {
  ByProjectKeyRequestBuilder,
  Order,
  ProductProjection,
  ProductVariant,
} from '@commercetools/platform-sdk';
import type { MappingConfig } from '../config';
import { forEachPage, predicateString } from '../commercetools';
import type { BetweenPages } from '../inventory';
import { DISPATCH_DONE_STATES } from '../fulfilment/shipment-state';
import type { CatalogueVariant } from './plan';

const PRODUCT_PAGE = 200;
/** Ids per `id in (…)` query. */
const ID_CHUNK = 100;

/** A page of an id-sorted order read: the orders after `after` (absent: from the first), at most `limit`. */
export interface OrderPageRequest {
  after?: string;
  limit: number;
}

/** The commercetools reads of a reconciliation pass; thin, no decisions. */
export interface ReconciliationGateway {
  /**
   * One page of the not cancelled orders created in [from, to] without syncInfo for the Clarus channel:
   * `id > after`, sorted by id, at most `limit` (`withTotal=false`: no count is computed).
   */
  ordersWithoutExport(
    window: { from: string; to?: string },
    clarusChannelId: string,
    page: OrderPageRequest,
  ): Promise<Order[]>;
  /**
   * One page (as above) of the not cancelled orders created since `from` with Clarus syncInfo whose
   * shipment state is not Shipped.
   */
  exportedNotShipped(from: string, clarusChannelId: string, page: OrderPageRequest): Promise<Order[]>;
  /** Orders by id (absent ids are simply missing from the result). */
  ordersByIds(ids: readonly string[]): Promise<Order[]>;
  /** Count and oldest of the orders waiting for export since `from` (health). */
  waitingForExport(
    from: string,
    clarusChannelId: string,
  ): Promise<{ count: number; oldest?: Pick<Order, 'id' | 'orderNumber' | 'createdAt'> }>;
  /**
   * Every product variant with a SKU (staged data: unpublished products are catalogue too), one page of
   * products at a time: `onPage` gets a page's variants before the next page is read.
   */
  catalogueVariantPages(
    options: {
      barcodeAttribute?: string;
      mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>;
    },
    onPage: (variants: CatalogueVariant[]) => Promise<void> | void,
    between?: BetweenPages,
  ): Promise<void>;
}

export function createReconciliationGateway(api: ByProjectKeyRequestBuilder): ReconciliationGateway {
  const queryOrders = async (where: string[], limit: number) =>
    (
      await api
        .orders()
        .get({ queryArgs: { where, limit, sort: 'id asc', withTotal: false } })
        .execute()
    ).body.results;
  /** One id-cursor page: `id > after` keeps its place while the pass changes the orders it has read. */
  const orderPage = (where: string, page: OrderPageRequest) =>
    queryOrders(
      page.after === undefined ? [where] : [where, `id > ${predicateString(page.after)}`],
      page.limit,
    );

  const notCancelled = 'orderState != "Cancelled"';
  // Orders the warehouse must never get (orders/export-eligibility.ts): neither swept nor counted as waiting.
  const mayStillShip = [
    notCancelled,
    'orderState != "Complete"',
    '(shipmentState is not defined or not(shipmentState in ("Shipped", "Delivered")))',
  ].join(' and ');
  const synced = (channelId: string) => `syncInfo(channel(id = ${predicateString(channelId)}))`;

  return {
    ordersWithoutExport(window, channelId, page) {
      const where = [
        `createdAt >= ${predicateString(window.from)}`,
        ...(window.to ? [`createdAt <= ${predicateString(window.to)}`] : []),
        mayStillShip,
        // Imports completed before the window are history (export-eligibility.ts): not read every pass.
        `(completedAt is not defined or completedAt >= ${predicateString(window.from)})`,
        `not(${synced(channelId)})`,
      ].join(' and ');
      return orderPage(where, page);
    },

    exportedNotShipped(from, channelId, page) {
      const where = [
        `createdAt >= ${predicateString(from)}`,
        notCancelled,
        synced(channelId),
        'orderState != "Complete"',
        // Not picked once dispatch is done (Shipped, Delivered, Canceled: DESIGN invariant 6). A missing
        // shipment state is "not shipped" too; say so explicitly rather than rely on `not(… in …)`.
        `(shipmentState is not defined or not(shipmentState in (${DISPATCH_DONE_STATES.map((s) => predicateString(s)).join(', ')})))`,
      ].join(' and ');
      return orderPage(where, page);
    },

    async ordersByIds(ids) {
      const distinct = [...new Set(ids)];
      const out: Order[] = [];
      for (let i = 0; i < distinct.length; i += ID_CHUNK) {
        const chunk = distinct.slice(i, i + ID_CHUNK).map(predicateString);
        out.push(...(await queryOrders([`id in (${chunk.join(', ')})`], ID_CHUNK)));
      }
      return out;
    },

    async waitingForExport(from, channelId) {
      const where = `createdAt >= ${predicateString(from)} and ${mayStillShip} and not(${synced(channelId)})`;
      const body = (
        await api
          .orders()
          .get({ queryArgs: { where, sort: 'createdAt asc', limit: 50, withTotal: true } })
          .execute()
      ).body;
      // Sorted oldest first by the API; the minimum is taken anyway (cheap, and exact on a page of 50).
      const oldest = body.results.reduce<Order | undefined>(
        (min, o) => (min === undefined || o.createdAt < min.createdAt ? o : min),
        undefined,
      );
      return {
        count: body.total ?? body.results.length,
        ...(oldest
          ? {
              oldest: {
                id: oldest.id,
                createdAt: oldest.createdAt,
                ...(oldest.orderNumber ? { orderNumber: oldest.orderNumber } : {}),
              },
            }
          : {}),
      };
    },

    async catalogueVariantPages(options, onPage, between) {
      await forEachPage(
        async ({ where, limit, offset }) =>
          (
            await api
              .productProjections()
              .get({ queryArgs: { staged: true, where, limit, offset, sort: 'id asc', withTotal: false } })
              .execute()
          ).body.results,
        { where: ['id is defined'], pageSize: PRODUCT_PAGE, between },
        // Only the slim variants leave this page: the product documents are dropped before the next read.
        (products) => onPage(products.flatMap((product) => catalogueVariants(product, options))),
      );
    },
  };
}

/** A product's variants with a SKU, slim: SKU, barcode, whether it is an expanded bundle. */
function catalogueVariants(
  product: ProductProjection,
  options: {
    barcodeAttribute?: string;
    mapping: Pick<MappingConfig, 'bundleMode' | 'bundleComponentsAttribute'>;
  },
): CatalogueVariant[] {
  const out: CatalogueVariant[] = [];
  for (const variant of [product.masterVariant, ...product.variants]) {
    if (!variant.sku) continue;
    const barcode = options.barcodeAttribute
      ? textOf(attribute(variant, options.barcodeAttribute))
      : undefined;
    out.push({
      sku: variant.sku,
      ...(barcode !== undefined ? { barcode } : {}),
      expandedBundle:
        options.mapping.bundleMode === 'expand' &&
        !!options.mapping.bundleComponentsAttribute &&
        isPresent(attribute(variant, options.mapping.bundleComponentsAttribute)),
    });
  }
  return out;
}

const attribute = (variant: ProductVariant, name: string): unknown =>
  variant.attributes?.find((a) => a.name === name)?.value as unknown;

const isPresent = (value: unknown) =>
  value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

/** An attribute value as text: text, number, or the first value of a localized text. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const first = Object.values(value as Record<string, unknown>).find((v) => typeof v === 'string');
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}
