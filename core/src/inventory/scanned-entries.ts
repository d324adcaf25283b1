import type { InventoryEntry } from '@commercetools/platform-sdk';

/*
 * The job's copy of every entry on the target channels, from the scan until a batch takes its SKU's entries
 * (issue 11: each entry is read once). A million entries as slim objects took about 500 bytes each (object,
 * id, key, channel object and id, two ISO dates, per-SKU arrays): half a gigabyte. Here an entry is a row of
 * typed arrays — id as 16 bytes, version, quantity, lastModifiedAt as epoch ms, channel as an index — about
 * 50 bytes, plus one map entry per SKU. Only what the plan and the versioned write read is kept.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_BYTES = 16;
const NO_CHANNEL = 0xffff;
const NONE = -1;
const FIRST_CAPACITY = 1024;

/**
 * Entries by SKU, packed. `add` them as the scan reads them; `take` hands a batch its SKUs' entries (as
 * `InventoryEntry` objects with id, version, sku, supplyChannel, quantityOnStock and lastModifiedAt — the
 * other fields are not kept and must not be read) and forgets them.
 */
export class ScannedEntries {
  private count = 0;
  private ids = Buffer.alloc(0);
  private versions = new Float64Array(0);
  private quantities = new Float64Array(0);
  /** Epoch ms; NaN when the entry's lastModifiedAt did not parse. */
  private modified = new Float64Array(0);
  private channels = new Uint16Array(0);
  /** The SKU's entry added before this one (a chain per SKU, newest first); NONE ends it. */
  private previous = new Int32Array(0);
  /** Ids that are not lowercase UUIDs (commercetools issues UUIDs; kept as given otherwise). */
  private readonly otherIds = new Map<number, string>();
  private readonly channelIds: string[] = [];
  private readonly channelIndex = new Map<string, number>();
  /** SKU → its newest entry. */
  private readonly newest = new Map<string, number>();

  /** Entries added (taken ones included). */
  get added(): number {
    return this.count;
  }

  /** SKUs with entries not taken yet, in the order first seen. */
  skus(): IterableIterator<string> {
    return this.newest.keys();
  }

  has(sku: string): boolean {
    return this.newest.has(sku);
  }

  /** Forgets a SKU's entries (a resumed run does not need those of SKUs done before). */
  forget(sku: string): void {
    this.newest.delete(sku);
  }

  add(
    entry: Pick<
      InventoryEntry,
      'id' | 'version' | 'sku' | 'supplyChannel' | 'quantityOnStock' | 'lastModifiedAt'
    >,
  ): void {
    const i = this.count;
    if (i === this.versions.length) this.grow();
    if (UUID.test(entry.id)) this.ids.write(entry.id.replace(/-/g, ''), i * ID_BYTES, ID_BYTES, 'hex');
    else this.otherIds.set(i, entry.id);
    this.versions[i] = entry.version;
    this.quantities[i] = entry.quantityOnStock;
    this.modified[i] = Date.parse(entry.lastModifiedAt);
    this.channels[i] = entry.supplyChannel ? this.channelOf(entry.supplyChannel.id) : NO_CHANNEL;
    this.previous[i] = this.newest.get(entry.sku) ?? NONE;
    this.newest.set(entry.sku, i);
    this.count = i + 1;
  }

  /** The entries of these SKUs (in the order added), forgotten here: memory for the map shrinks as batches run. */
  take(skus: readonly string[]): InventoryEntry[] {
    const out: InventoryEntry[] = [];
    for (const sku of skus) {
      const chain: number[] = [];
      for (let i = this.newest.get(sku) ?? NONE; i !== NONE; i = this.previous[i] as number) chain.push(i);
      for (let k = chain.length - 1; k >= 0; k -= 1) out.push(this.entryAt(chain[k] as number, sku));
      this.newest.delete(sku);
    }
    return out;
  }

  private entryAt(i: number, sku: string): InventoryEntry {
    const channel = this.channels[i] as number;
    const modified = this.modified[i] as number;
    // Only the fields the plan and the versioned write read (see the class comment).
    return {
      id: this.otherIds.get(i) ?? uuidAt(this.ids, i * ID_BYTES),
      version: this.versions[i] as number,
      sku,
      ...(channel === NO_CHANNEL
        ? {}
        : { supplyChannel: { typeId: 'channel', id: this.channelIds[channel] as string } }),
      quantityOnStock: this.quantities[i] as number,
      lastModifiedAt: Number.isNaN(modified) ? '' : new Date(modified).toISOString(),
    } as InventoryEntry;
  }

  private channelOf(id: string): number {
    let index = this.channelIndex.get(id);
    if (index === undefined) {
      index = this.channelIds.length;
      if (index >= NO_CHANNEL) throw new RangeError('more than 65,534 supply channels in one scan');
      this.channelIds.push(id);
      this.channelIndex.set(id, index);
    }
    return index;
  }

  private grow(): void {
    const capacity = Math.max(FIRST_CAPACITY, this.versions.length * 2);
    const ids = Buffer.alloc(capacity * ID_BYTES);
    this.ids.copy(ids);
    this.ids = ids;
    this.versions = grown(this.versions, new Float64Array(capacity));
    this.quantities = grown(this.quantities, new Float64Array(capacity));
    this.modified = grown(this.modified, new Float64Array(capacity));
    this.channels = grown(this.channels, new Uint16Array(capacity));
    this.previous = grown(this.previous, new Int32Array(capacity));
  }
}

function grown<T extends Float64Array | Uint16Array | Int32Array>(old: T, next: T): T {
  next.set(old as never);
  return next;
}

function uuidAt(bytes: Buffer, offset: number): string {
  const hex = bytes.toString('hex', offset, offset + ID_BYTES);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
