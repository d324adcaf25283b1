import type { LineState, Store } from './store';
import type { StockEntry } from './types';

/**
 * Stock movements. A balance's `available` is free stock and `allocated` is stock reserved for goods
 * outs. A line's reservation still held in the balance is `allocated_quantity - dispatch_quantity`.
 */

export interface StockAdjustment {
  id: number;
  product_id: number;
  product_code: string;
  warehouse_id: number;
  account_id: number;
  quantity: number;
  available_after: number;
  created_at: string;
}

export function setStock(store: Store, entries: StockEntry[], defaultWarehouseId: number): void {
  for (const entry of entries) {
    requireQuantity(entry.available, 'available');
    if (entry.allocated !== undefined) requireQuantity(entry.allocated, 'allocated');
    const product = store.requireProductByCode(entry.productCode, entry.accountId);
    const warehouseId = entry.warehouseId ?? defaultWarehouseId;
    store.requireWarehouse(warehouseId);
    const row = store.balance(product.id, warehouseId, true);
    row.available = entry.available;
    if (entry.allocated !== undefined) row.allocated = entry.allocated;
  }
}

/** Applies a positive or negative adjustment; `available` never goes below zero. */
export function adjustStock(
  store: Store,
  productCode: string,
  delta: number,
  warehouseId: number,
  accountId?: number,
): StockAdjustment {
  if (typeof delta !== 'number' || !Number.isFinite(delta)) {
    throw new Error('Clarus simulator: stock adjustment delta must be a finite number');
  }
  const product = store.requireProductByCode(productCode, accountId);
  store.requireWarehouse(warehouseId);
  const row = store.balance(product.id, warehouseId, true);
  row.available = Math.max(0, row.available + delta);
  return {
    id: store.nextId('stockAdjustment'),
    product_id: product.id,
    product_code: product.code,
    warehouse_id: warehouseId,
    account_id: row.account_id,
    quantity: delta,
    available_after: row.available,
    created_at: store.isoNow(),
  };
}

/** Reserves as much of the line's unreserved quantity as the balance has free. */
export function allocateLine(store: Store, line: LineState, warehouseId: number): void {
  const want = line.order_quantity - line.allocated_quantity;
  if (want <= 0) return;
  const row = store.balance(line.product_id, warehouseId);
  if (!row || row.available <= 0) return;
  const take = Math.min(want, row.available);
  row.available -= take;
  row.allocated += take;
  line.allocated_quantity += take;
}

/** Gives back the reservation not yet consumed by dispatch. */
export function releaseLine(store: Store, line: LineState, warehouseId: number): void {
  const outstanding = Math.max(0, line.allocated_quantity - line.dispatch_quantity);
  if (outstanding <= 0) return;
  const row = store.balance(line.product_id, warehouseId, true);
  row.allocated = Math.max(0, row.allocated - outstanding);
  row.available += outstanding;
  line.allocated_quantity -= outstanding;
}

/** Gives back only what exceeds the (new) order quantity. */
export function releaseExcess(store: Store, line: LineState, warehouseId: number): void {
  const excess = line.allocated_quantity - Math.max(line.order_quantity, line.dispatch_quantity);
  if (excess <= 0) return;
  const row = store.balance(line.product_id, warehouseId, true);
  row.allocated = Math.max(0, row.allocated - excess);
  row.available += excess;
  line.allocated_quantity -= excess;
}

/** Stock leaves the building: reserved units first, then free ones. */
export function consumeForDispatch(
  store: Store,
  line: LineState,
  quantity: number,
  warehouseId: number,
): void {
  const outstanding = Math.max(0, line.allocated_quantity - line.dispatch_quantity);
  const covered = Math.min(quantity, outstanding);
  const row = store.balance(line.product_id, warehouseId);
  if (row) {
    row.allocated = Math.max(0, row.allocated - covered);
    row.available = Math.max(0, row.available - (quantity - covered));
  }
  line.dispatch_quantity += quantity;
  line.allocated_quantity = Math.max(line.allocated_quantity, line.dispatch_quantity);
}

function requireQuantity(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`Clarus simulator: ${name} must be a number >= 0`);
  }
}
