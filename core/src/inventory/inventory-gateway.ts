import type {
  ByProjectKeyRequestBuilder,
  Channel,
  InventoryEntry,
  InventoryEntryDraft,
  Order,
  ProductProjection,
  ProductVariant,
} from '@commercetools/platform-sdk';
import type { SupplyChannel } from './ats';
import { forEachPage, predicateString } from '../commercetools';
import { ScannedEntries } from './scanned-entries';

/** Largest page commercetools returns. */
const PAGE_LIMIT = 500;
/** SKUs per product projection query (each SKU appears twice in its predicate). */
const VARIANT_CHUNK = 100;
/** Orders per page: orders are large documents. */
const ORDER_PAGE_LIMIT = 200;

/** Called between pages of a long read (the sync renews its job lease there). */
export type BetweenPages = () => Promise<void>;

/** The commercetools reads and writes of the inventory sync; thin, no decisions. */
export interface InventoryGateway {
  /** Channels by key (those missing are listed), or every channel with the InventorySupply role. */
  supplyChannels(
    keys: readonly string[],
  ): Promise<{ channels: SupplyChannel[]; missing: string[]; all: Channel[] }>;
  /** Entries of these SKUs on these channels: `sku in (…) and supplyChannel(id in (…))`, ≤ 500 per request. */
  entriesFor(skus: readonly string[], channelIds: readonly string[]): Promise<InventoryEntry[]>;
  /** Every SKU with an entry on these channels (discovery of SKUs Clarus may not hold). */
  skusOnChannels(channelIds: readonly string[], between?: BetweenPages): Promise<Set<string>>;
  /**
   * Every entry on these channels, read once (paged by id) and packed by SKU (`ScannedEntries`): the job's
   * catalogue (which SKUs are sold) and the entries its batches plan against, so no batch reads again.
   */
  entriesOnChannels(channelIds: readonly string[], between?: BetweenPages): Promise<ScannedEntries>;
  /** Which of these SKUs belong to a product variant (staged, so unpublished new variants count). */
  skusWithVariants(skus: readonly string[]): Promise<Set<string>>;
  /**
   * Every product variant (staged, like `skusWithVariants`) that carries the attribute `attribute`: the
   * bundles when it is BUNDLE_COMPONENTS_ATTRIBUTE. Queried with a predicate on the attribute, paged.
   */
  variantsWithAttribute(attribute: string, between?: BetweenPages): Promise<ProductVariant[]>;
  /** Orders created since `since`, not cancelled, without syncInfo for the Clarus channel. */
  ordersInFlight(
    since: Date,
    clarusChannelId: string,
    options?: { skus?: readonly string[]; between?: BetweenPages },
  ): Promise<Order[]>;
  getEntry(id: string): Promise<InventoryEntry>;
  /** Versioned `changeQuantity` (rejects with 409 when the entry moved on). */
  changeQuantity(entry: InventoryEntry, quantity: number): Promise<InventoryEntry>;
  createEntry(draft: InventoryEntryDraft): Promise<InventoryEntry>;
}

const inList = (values: readonly string[]) => values.map(predicateString).join(',');

export function createInventoryGateway(api: ByProjectKeyRequestBuilder): InventoryGateway {
  /** Every result of a query, page by page (see `forEachPage`), pausing between pages for the job lease. */
  async function byIdCursor<T extends { id: string }>(
    fetchPage: (where: string[], limit: number, offset: number) => Promise<T[]>,
    base: string[],
    limit: number,
    onPage: (page: T[]) => void,
    between?: BetweenPages,
  ): Promise<void> {
    await forEachPage(
      ({ where, limit: size, offset }) => fetchPage(where, size, offset),
      { where: base, pageSize: limit, between },
      onPage,
    );
  }

  const queryProjections = async (where: string[], limit: number, offset: number) =>
    (
      await api
        .productProjections()
        .get({ queryArgs: { staged: true, where, limit, offset, sort: 'id asc', withTotal: false } })
        .execute()
    ).body.results;

  const queryEntries = async (where: string[], limit: number, offset = 0) =>
    (
      await api
        .inventory()
        .get({ queryArgs: { where, limit, offset, sort: 'id asc', withTotal: false } })
        .execute()
    ).body.results;

  return {
    async supplyChannels(keys) {
      const where = keys.length ? `key in (${inList(keys)})` : 'roles contains any ("InventorySupply")';
      const all: Channel[] = [];
      await byIdCursor(
        async (w, limit, offset) =>
          (
            await api
              .channels()
              .get({ queryArgs: { where: w, limit, offset, sort: 'id asc', withTotal: false } })
              .execute()
          ).body.results,
        [where],
        PAGE_LIMIT,
        (page) => all.push(...page),
      );
      const found = new Set(all.map((c) => c.key));
      const channels = all
        .filter((c): c is Channel & { key: string } => typeof c.key === 'string')
        .map((c) => ({ id: c.id, key: c.key }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { channels, missing: keys.filter((k) => !found.has(k)), all };
    },

    async entriesFor(skus, channelIds) {
      if (skus.length === 0 || channelIds.length === 0) return [];
      const where = [`sku in (${inList(skus)}) and supplyChannel(id in (${inList(channelIds)}))`];
      // A batch is sized to fit one page; duplicates (which the real API prevents) may spill over.
      const out: InventoryEntry[] = [];
      for (let offset = 0; ; offset += PAGE_LIMIT) {
        const page = await queryEntries(where, PAGE_LIMIT, offset);
        out.push(...page);
        if (page.length < PAGE_LIMIT) return out;
      }
    },

    async skusOnChannels(channelIds, between) {
      const skus = new Set<string>();
      if (channelIds.length === 0) return skus;
      await byIdCursor(
        (where, limit, offset) => queryEntries(where, limit, offset),
        [`supplyChannel(id in (${inList(channelIds)}))`],
        PAGE_LIMIT,
        (page) => {
          for (const entry of page) skus.add(entry.sku);
        },
        between,
      );
      return skus;
    },

    async entriesOnChannels(channelIds, between) {
      const scanned = new ScannedEntries();
      if (channelIds.length === 0) return scanned;
      await byIdCursor(
        (where, limit, offset) => queryEntries(where, limit, offset),
        [`supplyChannel(id in (${inList(channelIds)}))`],
        PAGE_LIMIT,
        (page) => {
          for (const entry of page) scanned.add(entry);
        },
        between,
      );
      return scanned;
    },

    async skusWithVariants(skus) {
      const wanted = new Set(skus);
      const found = new Set<string>();
      const list = [...wanted];
      for (let i = 0; i < list.length; i += VARIANT_CHUNK) {
        const chunk = inList(list.slice(i, i + VARIANT_CHUNK));
        const where = `masterVariant(sku in (${chunk})) or variants(sku in (${chunk}))`;
        await byIdCursor(queryProjections, [where], PAGE_LIMIT, (page) => {
          for (const product of page) {
            for (const variant of [product.masterVariant, ...product.variants]) {
              if (variant.sku !== undefined && wanted.has(variant.sku)) found.add(variant.sku);
            }
          }
        });
      }
      return found;
    },

    async variantsWithAttribute(attribute, between) {
      const named = `attributes(name = ${predicateString(attribute)})`;
      const variants: ProductVariant[] = [];
      await byIdCursor<ProductProjection>(
        queryProjections,
        [`masterVariant(${named}) or variants(${named})`],
        PAGE_LIMIT,
        (page) => {
          for (const product of page) {
            for (const variant of [product.masterVariant, ...product.variants]) {
              if (variant.attributes?.some((a) => a.name === attribute)) variants.push(variant);
            }
          }
        },
        between,
      );
      return variants;
    },

    async ordersInFlight(since, clarusChannelId, options = {}) {
      const base = [
        `createdAt >= ${predicateString(since.toISOString())}`,
        'orderState != "Cancelled"',
        `not(syncInfo(channel(id = ${predicateString(clarusChannelId)})))`,
      ];
      if (options.skus?.length) base.push(`lineItems(variant(sku in (${inList(options.skus)})))`);
      const orders: Order[] = [];
      await byIdCursor(
        async (where, limit, offset) =>
          (
            await api
              .orders()
              .get({ queryArgs: { where, limit, offset, sort: 'id asc', withTotal: false } })
              .execute()
          ).body.results,
        [base.join(' and ')],
        ORDER_PAGE_LIMIT,
        (page) => orders.push(...page),
        options.between,
      );
      return orders;
    },

    getEntry: async (id) => (await api.inventory().withId({ ID: id }).get().execute()).body,

    changeQuantity: async (entry, quantity) =>
      (
        await api
          .inventory()
          .withId({ ID: entry.id })
          .post({ body: { version: entry.version, actions: [{ action: 'changeQuantity', quantity }] } })
          .execute()
      ).body,

    createEntry: async (draft) => (await api.inventory().post({ body: draft }).execute()).body,
  };
}
