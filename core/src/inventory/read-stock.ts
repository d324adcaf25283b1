import type { ClarusReads, StockBalanceQuery } from '../clarus';
import { addBalances, emptyClarusStock, type ClarusStock } from './clarus-stock';
import type { BetweenPages } from './inventory-gateway';

/**
 * Stage 1, read stock: every Clarus `stock_balances` page of the query, by product code, each code stamped
 * with the time its page was requested (`now()` just before the request: Clarus's value is at least that
 * fresh). Complete or nothing: any page error — including the client's typed error for a read that cannot
 * be completed (a stalled cursor) — propagates, and the caller writes nothing derived from the read.
 */
export async function readClarusStock(
  deps: { clarus: Pick<ClarusReads, 'stockBalances'>; now: () => number },
  query: StockBalanceQuery,
  options: { deadline?: number; between?: BetweenPages } = {},
): Promise<ClarusStock> {
  const stock = emptyClarusStock(deps.now());
  let requestedAt = stock.startedAt;
  // The generator requests the next page when the loop asks for it, i.e. right after this body.
  for await (const page of deps.clarus.stockBalances(query, { deadline: options.deadline })) {
    addBalances(stock, page.nodes, requestedAt);
    await options.between?.();
    requestedAt = deps.now();
  }
  return stock;
}
