import type { InventoryEntry } from '@commercetools/platform-sdk';

/**
 * Whether an entry was modified after the Clarus read a write would be based on (`readAt`, epoch ms): then
 * it may hold a fresher value (the stock webhook's, read from Clarus later than ours) and must not be
 * overwritten with ours (ADR 0007). commercetools stamps `lastModifiedAt` with its own clock: the rule
 * assumes hosts keep time (NTP); an entry without a readable `lastModifiedAt` counts as not newer.
 */
export function modifiedAfterRead(entry: Pick<InventoryEntry, 'lastModifiedAt'>, readAt: number): boolean {
  const modified = Date.parse(entry.lastModifiedAt);
  return Number.isFinite(modified) && modified > readAt;
}
