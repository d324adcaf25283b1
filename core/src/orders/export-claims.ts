import { randomUUID } from 'node:crypto';
import type { CustomObjects, StoredObject } from '../commercetools';

export const EXPORT_CLAIMS_CONTAINER = 'clarus-order-exports';

/**
 * One claim per order makes export exactly-once across instances, redeliveries and the reconciliation job:
 * only the holder of a live lease may look Clarus up and create goods outs for the order.
 */
export interface ExportClaim {
  orderId: string;
  orderNumber?: string;
  status: 'exporting' | 'exported' | 'invalid' | 'cancelled';
  holder: string;
  /** ISO time until which the holder may work undisturbed. */
  leaseUntil: string;
  attempts: number;
  /** Consecutive transient failures; reset on success. */
  failures: number;
  firstFailureAt?: string;
  lastError?: string;
  /** Clarus goods out id per reference, once known. */
  goodsOuts: Record<string, number>;
  updatedAt: string;
}

export type ClaimResult =
  | { kind: 'acquired'; claim: StoredObject<ExportClaim>; earlierAttempt: boolean }
  | { kind: 'busy'; claim: StoredObject<ExportClaim> }
  | { kind: 'finished'; claim: StoredObject<ExportClaim> };

export interface ExportClaims {
  acquire(order: { id: string; orderNumber?: string }, options?: { force?: boolean }): Promise<ClaimResult>;
  /** Ends the attempt; `status` exporting keeps the claim for a retry, `holdLease` keeps others out until it runs out. */
  settle(
    claim: StoredObject<ExportClaim>,
    update: Partial<
      Pick<ExportClaim, 'status' | 'goodsOuts' | 'failures' | 'firstFailureAt' | 'lastError'>
    > & {
      holdLease?: boolean;
    },
  ): Promise<StoredObject<ExportClaim> | undefined>;
  get(orderId: string): Promise<StoredObject<ExportClaim> | undefined>;
}

export function createExportClaims(deps: {
  customObjects: CustomObjects;
  now: () => number;
  leaseMs: number;
}): ExportClaims {
  const { customObjects, now, leaseMs } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    get: (orderId) => customObjects.get<ExportClaim>(EXPORT_CLAIMS_CONTAINER, orderId),

    async acquire(order, options = {}) {
      const holder = randomUUID();
      const fresh: ExportClaim = {
        orderId: order.id,
        ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
        status: 'exporting',
        holder,
        leaseUntil: iso(now() + leaseMs),
        attempts: 1,
        failures: 0,
        goodsOuts: {},
        updatedAt: iso(now()),
      };
      const created = await customObjects.createOnly(EXPORT_CLAIMS_CONTAINER, order.id, fresh, {
        isOurs: (existing) => existing.holder === holder,
      });
      if (created.created) return { kind: 'acquired', claim: created.object, earlierAttempt: false };

      let existing: StoredObject<ExportClaim> | undefined = created.existing;
      for (let attempt = 0; attempt < 3 && existing; attempt++) {
        const value = existing.value;
        if (value.status === 'exported' || (value.status === 'cancelled' && !options.force)) {
          return { kind: 'finished', claim: existing };
        }
        // A live lease of another attempt (possibly still waiting for Clarus) must not be overtaken.
        if (value.status === 'exporting' && Date.parse(value.leaseUntil) > now())
          return { kind: 'busy', claim: existing };
        const takeover: ExportClaim = {
          ...value,
          status: 'exporting',
          holder,
          leaseUntil: iso(now() + leaseMs),
          attempts: value.attempts + 1,
          updatedAt: iso(now()),
        };
        const replaced = await customObjects.replace(
          EXPORT_CLAIMS_CONTAINER,
          order.id,
          takeover,
          existing.version,
        );
        if (replaced.replaced) return { kind: 'acquired', claim: replaced.object, earlierAttempt: true };
        existing = await customObjects.get<ExportClaim>(EXPORT_CLAIMS_CONTAINER, order.id);
      }
      return existing ? { kind: 'busy', claim: existing } : this.acquire(order, options);
    },

    async settle(claim, update) {
      const { holdLease, ...fields } = update;
      const next: ExportClaim = {
        ...claim.value,
        ...fields,
        leaseUntil: holdLease ? claim.value.leaseUntil : iso(now()),
        updatedAt: iso(now()),
      };
      const result = await customObjects.replace(EXPORT_CLAIMS_CONTAINER, claim.key, next, claim.version);
      // Losing the race here means our lease ran out and someone else took over: their state wins.
      return result.replaced ? result.object : undefined;
    },
  };
}
