import type { ClarusGraphQL } from './graphql';
import type { ClarusFilter, ClarusList } from './types';

/**
 * Lists whose "Available Filters" table in clarus-api.json documents an `account_id` filter
 * (`/graphql#ListGoodsOuts`, `#ListGoodsOutLines`, `#ListProducts`, `#ListStockBalances`). Every read of
 * these lists is sent with `account_id: {eq: CLARUS_ACCOUNT_ID}`. The other lists this client reads
 * document none: `shipments` and `packages` are only ever read for a goods out found through the scoped
 * `goods_outs` list; `carrier_services` and `warehouses` belong to the tenant, not to an account.
 */
export const ACCOUNT_FILTERED_LISTS: ReadonlySet<ClarusList> = new Set<ClarusList>([
  'goods_outs',
  'goods_out_lines',
  'products',
  'stock_balances',
]);

/**
 * The filter with `account_id: {eq: accountId}` added for the lists that document it; other lists' filters
 * are returned unchanged. Throws a `RangeError` when the caller's filter already names `account_id` with
 * anything but this account: a client scoped to one account never reads another's records.
 */
export function scopeFilter(
  list: ClarusList,
  filter: ClarusFilter | undefined,
  accountId: number,
): ClarusFilter | undefined {
  if (!ACCOUNT_FILTERED_LISTS.has(list)) return filter;
  const own = { eq: String(accountId) };
  const given = filter?.account_id;
  if (given !== undefined && !(Object.keys(given).length === 1 && String(given.eq) === own.eq)) {
    throw new RangeError(
      `Clarus ${list} read asked for account_id ${JSON.stringify(given)}; this client is scoped to account ${accountId}`,
    );
  }
  return { ...filter, account_id: own };
}

/** `graphql` whose `paginate` scopes every list that documents `account_id` (see `scopeFilter`). */
export function scopeGraphQL(graphql: ClarusGraphQL, accountId: number): ClarusGraphQL {
  return {
    query: graphql.query,
    paginate: (list, nodeFields, filter, options) =>
      graphql.paginate(list, nodeFields, scopeFilter(list, filter, accountId), options),
  };
}

/** A parsed node with the account it names (null when the node names none). */
export interface AccountOwned<T> {
  accountId: number | null;
  value: T;
}

/**
 * Keeps the values whose node names `accountId`; the rest are dropped (never used) and counted. A node
 * naming no account is dropped too: it is not provably ours. Defence in depth: the filter was sent, so a
 * foreign node means the tenant ignored it.
 */
export function keepOwn<T>(owned: AccountOwned<T>[], accountId: number): { own: T[]; foreign: number } {
  const own = owned.filter((o) => o.accountId === accountId).map((o) => o.value);
  return { own, foreign: owned.length - own.length };
}
