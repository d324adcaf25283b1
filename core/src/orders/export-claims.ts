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
  /**
   * Creates whose answer could be lost, written before they are sent (absent on claims written before this
   * field existed): until these references are found in Clarus or the hold after `at` has passed, nothing
   * may conclude the order has no goods out, and nothing may create them again.
   */
  pending?: PendingCreate[];
  /** The order version the cancellation saw (status `cancelled`): a later version may be a reopened order. */
  cancelledAtOrderVersion?: number;
  /** Optional values left out of the goods outs (field and rule, never the value). */
  warnings?: string[];
  updatedAt: string;
}

/** One goods out create that may have reached Clarus. */
export interface PendingCreate {
  /** The reference actually sent (the order number may be set later: look up this one). */
  reference: string;
  /** The shipping key of a multi-shipment order's goods out. */
  shippingKey?: string;
  /** ISO time just before the create was sent. */
  at: string;
}

/** Fields an attempt may write when it ends (or records progress). */
export type ClaimUpdate = Partial<
  Pick<
    ExportClaim,
    | 'status'
    | 'goodsOuts'
    | 'failures'
    | 'firstFailureAt'
    | 'lastError'
    | 'pending'
    | 'cancelledAtOrderVersion'
    | 'warnings'
  >
>;

/** Our lease ran out and another attempt took the claim over: stop, the other attempt decides. */
export class ClaimLostError extends Error {
  constructor(orderId: string) {
    super(`the export claim of order ${orderId} was taken over by another attempt`);
    this.name = 'ClaimLostError';
  }
}

export type ClaimResult =
  | { kind: 'acquired'; claim: StoredObject<ExportClaim>; earlierAttempt: boolean }
  | { kind: 'busy'; claim: StoredObject<ExportClaim> }
  | { kind: 'finished'; claim: StoredObject<ExportClaim> };

export interface ClaimAcquireOptions {
  /** A person asked (ops resend): re-open a cancelled claim. */
  force?: boolean;
  /**
   * The version of the order the caller read and found not cancelled: a `cancelled` claim written at an
   * older version belongs to an order that was reopened since, and is taken over. Absent: never reopen.
   */
  reopenAtOrderVersion?: number;
  /**
   * The creates this attempt is about to send, written with a NEW claim in its one create-only write (so it
   * needs no second write before the first create; docs/adr/0018-keep-alive-http-client.md). Not written
   * on a takeover: the claim's `pending` is then an earlier attempt's, to be looked up first.
   */
  pending?: PendingCreate[];
}

export interface ExportClaims {
  acquire(order: { id: string; orderNumber?: string }, options?: ClaimAcquireOptions): Promise<ClaimResult>;
  /** Ends the attempt; `status` exporting keeps the claim for a retry, `holdLease` keeps others out until it runs out. */
  settle(
    claim: StoredObject<ExportClaim>,
    update: ClaimUpdate & { holdLease?: boolean },
  ): Promise<StoredObject<ExportClaim> | undefined>;
  /**
   * Records progress while keeping the lease (e.g. `pending` before a create). Throws `ClaimLostError` when
   * another attempt took the claim over: the caller must not go on to create anything.
   */
  record(claim: StoredObject<ExportClaim>, update: ClaimUpdate): Promise<StoredObject<ExportClaim>>;
  get(orderId: string): Promise<StoredObject<ExportClaim> | undefined>;
}

/** True when a cancelled claim may be taken over by an export of the order as it is now. */
export function isReopened(claim: ExportClaim, options: ClaimAcquireOptions): boolean {
  if (options.force) return true;
  if (options.reopenAtOrderVersion === undefined) return false;
  // Claims written before the version was recorded: the caller read the order and it is not cancelled.
  return (
    claim.cancelledAtOrderVersion === undefined ||
    options.reopenAtOrderVersion > claim.cancelledAtOrderVersion
  );
}

export function createExportClaims(deps: {
  customObjects: CustomObjects;
  now: () => number;
  leaseMs: number;
  /** Container of the claims (default `clarus-order-exports`); the product sync keeps its own. */
  container?: string;
}): ExportClaims {
  const { customObjects, now, leaseMs } = deps;
  const container = deps.container ?? EXPORT_CLAIMS_CONTAINER;
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    get: (orderId) => customObjects.get<ExportClaim>(container, orderId),

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
        ...(options.pending?.length ? { pending: options.pending } : {}),
        updatedAt: iso(now()),
      };
      // Looks first (one read, about 0.1 ms of CPU per order): `version: 0` is create-only on the commercetools
      // API, but an emulator that upserts it would overwrite an earlier attempt's claim and its pending
      // references, and the retry would create a second goods out (ADR 0018, DESIGN.md "Emulator facts").
      const created = await customObjects.createOnly(container, order.id, fresh, {
        isOurs: (existing) => existing.holder === holder,
      });
      if (created.created) return { kind: 'acquired', claim: created.object, earlierAttempt: false };

      let existing: StoredObject<ExportClaim> | undefined = created.existing;
      for (let attempt = 0; attempt < 3 && existing; attempt++) {
        const value = existing.value;
        if (value.status === 'exported' || (value.status === 'cancelled' && !isReopened(value, options))) {
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
        const replaced = await customObjects.replace(container, order.id, takeover, existing.version);
        if (replaced.replaced) return { kind: 'acquired', claim: replaced.object, earlierAttempt: true };
        existing = await customObjects.get<ExportClaim>(container, order.id);
      }
      return existing ? { kind: 'busy', claim: existing } : this.acquire(order, options);
    },

    async record(claim, update) {
      const next: ExportClaim = { ...claim.value, ...update, updatedAt: iso(now()) };
      const result = await customObjects.replace(container, claim.key, next, claim.version);
      if (!result.replaced) throw new ClaimLostError(claim.value.orderId);
      return result.object;
    },

    async settle(claim, update) {
      const { holdLease, ...fields } = update;
      const next: ExportClaim = {
        ...claim.value,
        ...fields,
        leaseUntil: holdLease ? claim.value.leaseUntil : iso(now()),
        updatedAt: iso(now()),
      };
      const result = await customObjects.replace(container, claim.key, next, claim.version);
      // Losing the race here means our lease ran out and someone else took over: their state wins.
      return result.replaced ? result.object : undefined;
    },
  };
}
