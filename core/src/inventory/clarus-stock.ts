import type { ClarusStockBalance } from '../clarus';
import { type SkuCollision, type SkuIndex } from '../mapping';

/*
 * Clarus stock as read (keyed by Clarus product code), then assigned to commercetools SKUs through the one
 * catalogue-backed index (`mapping/sku-index.ts`). Pure.
 */

/** Clarus stock gathered page by page, by product code. */
export interface ClarusStock {
  /** Code → warehouse id → available. A code is here when Clarus has a balance row for it. */
  byCode: Map<string, Map<number, number>>;
  /**
   * Code → epoch ms at which the request of the page holding its (last) row was sent: Clarus's value is at
   * least that fresh. A write based on it never replaces a value written later (ADR 0007).
   */
  readAt: Map<string, number>;
  /** When the read began (epoch ms): the time of "Clarus does not hold it" conclusions. */
  startedAt: number;
  /** Balance rows read. */
  rows: number;
}

export function emptyClarusStock(startedAt = 0): ClarusStock {
  return { byCode: new Map(), readAt: new Map(), startedAt, rows: 0 };
}

/**
 * Adds one page of balances read by a request sent at `readAt` (epoch ms). Several rows for one product and
 * warehouse (lots, locations) are summed; a non-finite quantity counts as 0.
 */
export function addBalances(
  stock: ClarusStock,
  balances: readonly ClarusStockBalance[],
  readAt: number,
): void {
  for (const balance of balances) {
    const code = balance.product.code;
    stock.rows += 1;
    let byWarehouse = stock.byCode.get(code);
    if (!byWarehouse) stock.byCode.set(code, (byWarehouse = new Map()));
    const warehouseId = balance.warehouseId ?? 0;
    const available = Number.isFinite(balance.available) ? balance.available : 0;
    byWarehouse.set(warehouseId, (byWarehouse.get(warehouseId) ?? 0) + available);
    stock.readAt.set(code, readAt);
  }
}

/** Clarus stock assigned to commercetools SKUs. */
export interface SkuStock {
  /** SKU → warehouse id → available, for SKUs that alone carry a code Clarus has a balance for. */
  bySku: Map<string, Map<number, number>>;
  /** SKU → epoch ms of the Clarus read its stock comes from. */
  readAt: Map<string, number>;
  /** When the read began: the read time of SKUs Clarus holds no balance for. */
  startedAt: number;
  /** Codes with a balance that no SKU of the catalogue translates to. */
  unmapped: Set<string>;
  /** Codes with a balance that two or more SKUs translate to: none of them gets the stock. */
  collisions: SkuCollision[];
  rows: number;
}

/** Gives each code's stock to its one SKU; unmapped and colliding codes are listed, never guessed. */
export function assignStock(stock: ClarusStock, index: SkuIndex): SkuStock {
  const out: SkuStock = {
    bySku: new Map(),
    readAt: new Map(),
    startedAt: stock.startedAt,
    unmapped: new Set(),
    collisions: [],
    rows: stock.rows,
  };
  for (const [code, byWarehouse] of stock.byCode) {
    const skus = index.skusFor(code);
    if (skus.length === 0) {
      out.unmapped.add(code);
    } else if (skus.length > 1) {
      out.collisions.push({ code, skus: [...skus] });
    } else {
      const sku = skus[0] as string;
      out.bySku.set(sku, byWarehouse);
      out.readAt.set(sku, stock.readAt.get(code) ?? stock.startedAt);
    }
  }
  out.collisions.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return out;
}
