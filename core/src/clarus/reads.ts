import type { Logger } from '../logging';
import { keepOwn, scopeFilter, scopeGraphQL, type AccountOwned } from './account-scope';
import { ClarusGraphQLError } from './errors';
import { DEFAULT_PAGE_SIZE, type ClarusGraphQL } from './graphql';
import { firstPages, multiListQuery, type ListPart } from './multi-list';
import { ALT_LINE_REFERENCE_FIELD, NODE_FIELDS, parseNode, type NodeParser } from './nodes';
import type {
  ClarusCallOptions,
  ClarusCarrierService,
  ClarusFilter,
  ClarusGoodsOutLine,
  ClarusGoodsOutSummary,
  ClarusList,
  ClarusPackage,
  ClarusPage,
  ClarusPageOptions,
  ClarusProduct,
  ClarusShipment,
  ClarusStockBalance,
  ClarusWarehouse,
  StockBalanceQuery,
} from './types';

export const DEFAULT_CHUNK_SIZE = 50;

/**
 * Typed reads the product needs; each uses only filters clarus-api.json documents for its list. Every read
 * is scoped to the client's account (`CLARUS_ACCOUNT_ID`): lists that document `account_id` are filtered
 * by it, and goods outs and stock balances whose node names another account are dropped as well (see
 * account-scope.ts). Another account's goods out, product or stock is never returned.
 */
export interface ClarusReads {
  /**
   * This account's goods outs whose reference is one of `references` (filters `reference: {in}` and
   * `account_id`, sent in chunks). A goods out of another account with the same reference is never returned.
   */
  findGoodsOutsByReferences(
    references: string[],
    options?: ClarusCallOptions,
  ): Promise<ClarusGoodsOutSummary[]>;
  /**
   * This account's products by code (filters `code: {in}` and `account_id`, in chunks); codes the account
   * does not hold are simply absent, even when another account of the tenant has a product with that code.
   */
  findProductsByCodes(codes: string[], options?: ClarusCallOptions): Promise<ClarusProduct[]>;
  /**
   * Lines of one goods out (filters `goods_out_id: {eq}` and `account_id`), with `altLineReference` when the
   * tenant has it. Empty for another account's goods out.
   */
  listGoodsOutLines(goodsOutId: number, options?: ClarusCallOptions): Promise<ClarusGoodsOutLine[]>;
  /**
   * Shipments of one goods out (filter `goods_out_id: {eq}`). `shipments` documents no account filter or
   * field: pass only the id of a goods out this client returned (which is this account's).
   */
  listShipments(goodsOutId: number, options?: ClarusCallOptions): Promise<ClarusShipment[]>;
  /**
   * One goods out's lines and shipments and, with `reference`, this account's goods outs carrying it, in one
   * GraphQL request (the three lists as root fields of one operation, see `multi-list.ts`). The same filters,
   * scoping and results as `listGoodsOutLines(goodsOutId)`, `listShipments(goodsOutId)` and
   * `findGoodsOutsByReferences([reference])`; a list longer than one page is read again with its own read.
   */
  readGoodsOutParts(
    goodsOutId: number,
    options?: ClarusCallOptions & { reference?: string },
  ): Promise<ClarusGoodsOutParts>;
  /** Packages of these shipments (filter `shipment_id: {in}`, in chunks); shipments as `listShipments` says. */
  listPackages(shipmentIds: number[], options?: ClarusCallOptions): Promise<ClarusPackage[]>;
  /** Carrier services by code (filter `code: {in}`, in chunks). */
  findCarrierServicesByCodes(codes: string[], options?: ClarusCallOptions): Promise<ClarusCarrierService[]>;
  /**
   * This account's stock balances (filters `account_id`, `warehouse_id`, `product_code`), page by page;
   * balances whose node names another account are dropped. `options.after` resumes a run without
   * `productCodes`; with codes (sent in chunks) it is ignored. Throws a `RangeError` when
   * `query.accountId` names another account than the client's.
   */
  stockBalances(
    query: StockBalanceQuery,
    options?: ClarusPageOptions,
  ): AsyncGenerator<ClarusPage<ClarusStockBalance>, void, undefined>;
  /** Every warehouse of the tenant. */
  listWarehouses(options?: ClarusCallOptions): Promise<ClarusWarehouse[]>;
  /** Every product of this account (filter `account_id`), page by page (`options.after` resumes). */
  listProducts(options?: ClarusPageOptions): AsyncGenerator<ClarusPage<ClarusProduct>, void, undefined>;
}

/** What `readGoodsOutParts` returns; `goodsOuts` only when a reference was given. */
export interface ClarusGoodsOutParts {
  goodsOuts?: ClarusGoodsOutSummary[];
  lines: ClarusGoodsOutLine[];
  shipments: ClarusShipment[];
}

export function createReads(deps: {
  graphql: ClarusGraphQL;
  logger: Logger;
  chunkSize: number;
  /** `CLARUS_ACCOUNT_ID`: every read is scoped to it. */
  accountId: number;
}): ClarusReads {
  const { accountId } = deps;
  const graphql = scopeGraphQL(deps.graphql, accountId);
  // Per client: whether this tenant's GraphQL knows `goods_out_lines.alt_line_reference` (undocumented).
  let altLineReferenceSupported = true;
  // Per client: whether the tenant answers several lists in one GraphQL operation (`readGoodsOutParts`).
  let multiListSupported = true;

  async function* pages<T>(
    list: ClarusList,
    fields: string,
    filter: ClarusFilter | undefined,
    parse: NodeParser<T>,
    options: ClarusPageOptions,
  ): AsyncGenerator<ClarusPage<T>, void, undefined> {
    for await (const page of graphql.paginate<unknown>(list, fields, filter, options)) {
      yield { ...page, nodes: page.nodes.map(parse) };
    }
  }

  async function all<T>(
    list: ClarusList,
    fields: string,
    filter: ClarusFilter | undefined,
    parse: NodeParser<T>,
    options: ClarusCallOptions,
  ): Promise<T[]> {
    const out: T[] = [];
    for await (const page of pages(list, fields, filter, parse, options)) out.push(...page.nodes);
    return out;
  }

  /** One `in` query per chunk of distinct values; chunks never overlap, so results need no de-duplication. */
  async function inChunks<T>(
    values: readonly (string | number)[],
    list: ClarusList,
    fields: string,
    filterFor: (chunk: string[]) => ClarusFilter,
    parse: NodeParser<T>,
    options: ClarusCallOptions,
  ): Promise<T[]> {
    const distinct = [...new Set(values.map(String).filter((v) => v !== ''))];
    const out: T[] = [];
    for (let i = 0; i < distinct.length; i += deps.chunkSize) {
      out.push(
        ...(await all(list, fields, filterFor(distinct.slice(i, i + deps.chunkSize)), parse, options)),
      );
    }
    return out;
  }

  const idEq = (id: number) => ({ eq: String(id) });

  /** This account's values; another account's are dropped and logged (counts only, never values). */
  function own<T>(list: ClarusList, owned: AccountOwned<T>[]): T[] {
    const { own: mine, foreign } = keepOwn(owned, accountId);
    if (foreign > 0) {
      deps.logger.warn('clarus returned records of another account: ignored', { list, accountId, foreign });
    }
    return mine;
  }

  const findGoodsOutsByReferences = async (references: string[], options: ClarusCallOptions = {}) =>
    own(
      'goods_outs',
      await inChunks(
        references,
        'goods_outs',
        NODE_FIELDS.goodsOut,
        (c) => ({ reference: { in: c } }),
        parseNode.goodsOut,
        options,
      ),
    );

  async function listGoodsOutLines(goodsOutId: number, options: ClarusCallOptions = {}) {
    const filter = { goods_out_id: idEq(goodsOutId) };
    if (altLineReferenceSupported) {
      try {
        const fields = `${NODE_FIELDS.goodsOutLine} ${ALT_LINE_REFERENCE_FIELD}`;
        return await all('goods_out_lines', fields, filter, parseNode.goodsOutLine, options);
      } catch (error) {
        if (!mentionsField(error, ALT_LINE_REFERENCE_FIELD)) throw error;
        altLineReferenceSupported = false;
        deps.logger.info('clarus goods_out_lines has no alt_line_reference: matching lines by product code');
      }
    }
    const lines = await all(
      'goods_out_lines',
      NODE_FIELDS.goodsOutLine,
      filter,
      parseNode.goodsOutLine,
      options,
    );
    return lines.map((line) => ({ ...line, altLineReference: undefined }));
  }

  const listShipments = (goodsOutId: number, options: ClarusCallOptions = {}) =>
    all('shipments', NODE_FIELDS.shipment, { goods_out_id: idEq(goodsOutId) }, parseNode.shipment, options);

  async function readGoodsOutParts(
    goodsOutId: number,
    options: ClarusCallOptions & { reference?: string } = {},
  ): Promise<ClarusGoodsOutParts> {
    const { reference, ...call } = options;
    const byGoodsOut = { goods_out_id: idEq(goodsOutId) };
    const partsWith = (lineFields: string): ListPart[] => {
      const parts: ListPart[] = [
        { list: 'goods_out_lines', fields: lineFields, filter: byGoodsOut },
        { list: 'shipments', fields: NODE_FIELDS.shipment, filter: byGoodsOut },
      ];
      if (reference) {
        parts.push({
          list: 'goods_outs',
          fields: NODE_FIELDS.goodsOut,
          filter: { reference: { in: [reference] } },
        });
      }
      return parts.map((p) => ({ ...p, filter: scopeFilter(p.list, p.filter, accountId) }));
    };
    const read = async (parts: ListPart[]) => {
      const { query, variables } = multiListQuery(parts, DEFAULT_PAGE_SIZE);
      return firstPages(await graphql.query<unknown>(query, variables, call), parts, DEFAULT_PAGE_SIZE);
    };
    const separately = async (): Promise<ClarusGoodsOutParts> => {
      const [lines, shipments, goodsOuts] = await Promise.all([
        listGoodsOutLines(goodsOutId, call),
        listShipments(goodsOutId, call),
        reference ? findGoodsOutsByReferences([reference], call) : undefined,
      ]);
      return { lines, shipments, ...(goodsOuts ? { goodsOuts } : {}) };
    };
    if (!multiListSupported) return separately();
    let withAltReference = altLineReferenceSupported;
    const lineFields = `${NODE_FIELDS.goodsOutLine}${withAltReference ? ` ${ALT_LINE_REFERENCE_FIELD}` : ''}`;
    let pages;
    try {
      pages = await read(partsWith(lineFields));
    } catch (error) {
      if (!(error instanceof ClarusGraphQLError)) throw error;
      if (!withAltReference || !mentionsField(error, ALT_LINE_REFERENCE_FIELD)) {
        // Several root fields in one operation is plain GraphQL, yet a tenant that refuses it (a gateway's
        // complexity rule, say) keeps working: when the lists read one by one succeed, this client reads
        // them one by one from now on. When they fail too, their error is the one that counts.
        const parts = await separately();
        multiListSupported = false;
        deps.logger.warn('clarus refused several lists in one GraphQL request: reading them one by one', {
          errors: error.errors.map((e) => e.message.slice(0, 200)),
        });
        return parts;
      }
      altLineReferenceSupported = withAltReference = false;
      deps.logger.info('clarus goods_out_lines has no alt_line_reference: matching lines by product code');
      pages = await read(partsWith(NODE_FIELDS.goodsOutLine));
    }
    // A list with more than one page (rare: over 100 lines or shipments) is read whole by its own read.
    const linesPage = pages.get('goods_out_lines')!;
    const lines = !linesPage.complete
      ? await listGoodsOutLines(goodsOutId, call)
      : linesPage.nodes
          .map(parseNode.goodsOutLine)
          .map((line) => (withAltReference ? line : { ...line, altLineReference: undefined }));
    const shipmentsPage = pages.get('shipments')!;
    const shipments = shipmentsPage.complete
      ? shipmentsPage.nodes.map(parseNode.shipment)
      : await listShipments(goodsOutId, call);
    const goodsOutsPage = pages.get('goods_outs');
    if (!reference || !goodsOutsPage) return { lines, shipments };
    const goodsOuts = goodsOutsPage.complete
      ? own('goods_outs', goodsOutsPage.nodes.map(parseNode.goodsOut))
      : await findGoodsOutsByReferences([reference], call);
    return { goodsOuts, lines, shipments };
  }

  return {
    findGoodsOutsByReferences,

    findProductsByCodes: (codes, options = {}) =>
      inChunks(
        codes,
        'products',
        NODE_FIELDS.product,
        (c) => ({ code: { in: c } }),
        parseNode.product,
        options,
      ),

    listGoodsOutLines,

    readGoodsOutParts,

    listShipments,

    listPackages: (shipmentIds, options = {}) =>
      inChunks(
        shipmentIds,
        'packages',
        NODE_FIELDS.package,
        (c) => ({ shipment_id: { in: c } }),
        parseNode.package,
        options,
      ),

    findCarrierServicesByCodes: (codes, options = {}) =>
      inChunks(
        codes,
        'carrier_services',
        NODE_FIELDS.carrierService,
        (c) => ({ code: { in: c } }),
        parseNode.carrierService,
        options,
      ),

    async *stockBalances(query, options = {}) {
      if (query.accountId !== undefined && query.accountId !== accountId) {
        throw new RangeError(
          `stock balances of account ${query.accountId} asked of a client scoped to account ${accountId}`,
        );
      }
      const base: ClarusFilter = {};
      if (query.warehouseId !== undefined) base.warehouse_id = idEq(query.warehouseId);
      const ownPages = async function* (filter: ClarusFilter, pageOptions: ClarusPageOptions) {
        const balances = pages(
          'stock_balances',
          NODE_FIELDS.stockBalance,
          filter,
          parseNode.stockBalance,
          pageOptions,
        );
        for await (const page of balances) yield { ...page, nodes: own('stock_balances', page.nodes) };
      };
      if (query.productCodes === undefined) {
        yield* ownPages(base, options);
        return;
      }
      const codes = [...new Set(query.productCodes.filter((c) => c !== ''))];
      const { after: _ignored, ...chunkOptions } = options;
      for (let i = 0; i < codes.length; i += deps.chunkSize) {
        yield* ownPages({ ...base, product_code: { in: codes.slice(i, i + deps.chunkSize) } }, chunkOptions);
      }
    },

    listWarehouses: (options = {}) =>
      all('warehouses', NODE_FIELDS.warehouse, undefined, parseNode.warehouse, options),

    listProducts: (options = {}) =>
      pages('products', NODE_FIELDS.product, undefined, parseNode.product, options),
  };
}

/** A GraphQL validation error naming the field (e.g. "Field 'alt_line_reference' doesn't exist on type …"). */
function mentionsField(error: unknown, field: string): boolean {
  return error instanceof ClarusGraphQLError && error.errors.some((e) => e.message.includes(field));
}
