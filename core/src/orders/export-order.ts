import type {
  ByProjectKeyRequestBuilder,
  Channel,
  Order,
  OrderUpdateAction,
} from '@commercetools/platform-sdk';
import type { StoredObject } from '../commercetools';
import type { ClarusClient } from '../clarus';
import { bodyUnlessNotFound, updateWithRecompute } from '../commercetools';
import type { ClarusConfig, MappingConfig } from '../config';
import type { Logger } from '../logging';
import type { SkuTranslator } from '../mapping';
import type { ExceptionStore } from '../operations';
import type { ExportClaim, ExportClaims, PendingCreate } from './export-claims';
import { skipReason, type ExportSource, type SkipCode } from './export-eligibility';
import { raiseProblems, resolveExportExceptions } from './export-exceptions';
import { classifyExportFailure } from './export-failure';
import { failureBeforeClaim, settleFailure } from './export-failure-outcome';
import type { ExportLookups } from './export-lookups';
import { createExportPlanner } from './export-plan';
import { shipmentGroups, type GoodsOutPlan, type OrderProblem, type OrderWarning } from './goods-out-mapping';
import {
  adoptFound,
  candidateReferences,
  goodsOutsRecord,
  holdLeftMs,
  knownFromClaim,
  pendingInHold,
  slotOf,
  type KnownGoodsOut,
  type Slot,
} from './goods-out-recovery';

/** What became of one export request; the event route and the sweep count and answer by `kind`. */
export type ExportOutcome =
  | {
      kind: 'exported';
      orderId: string;
      goodsOuts: Record<string, number>;
      adopted: string[];
      /** Optional values left out (field and rule only). */
      warnings: OrderWarning[];
    }
  | { kind: 'already_exported'; orderId: string }
  /** The mapping found problems; exceptions raised; nothing sent. Acknowledge. */
  | { kind: 'invalid'; orderId: string; problems: OrderProblem[] }
  /** Clarus or commercetools refused for good (4xx, unreadable answer); exception raised. Acknowledge. */
  | { kind: 'rejected'; orderId: string; reason: string; symbols: string[] }
  /** Must not reach the warehouse (cancelled, shipped, complete, historical import, gone). Acknowledge. */
  | { kind: 'skipped'; orderId: string; code: SkipCode; reason: string }
  /** Another attempt holds the order right now: try again later. */
  | { kind: 'in_progress'; orderId: string }
  /** Clarus or commercetools failed transiently, or an ambiguous create is in its hold: try again later. */
  | { kind: 'retry_later'; orderId: string; reason: string; retryAfterMs?: number }
  /** An unexpected error (a bug): recorded and raised as `order-export-failing`; retried. */
  | { kind: 'failed'; orderId: string; reason: string };

export interface OrderExportDeps {
  api: ByProjectKeyRequestBuilder;
  clarus: ClarusClient;
  claims: ExportClaims;
  lookups: ExportLookups;
  exceptions: ExceptionStore;
  clarusChannel: () => Promise<Channel>;
  mapping: MappingConfig;
  clarusConfig: Pick<ClarusConfig, 'accountId' | 'warehouseId'>;
  skus: SkuTranslator;
  logger: Logger;
  now: () => number;
  /** Consecutive transient failures after which the order gets a visible "export failing" exception. */
  failuresBeforeException?: number;
  /**
   * After a create whose answer may have been lost, how long no attempt creates that goods out again
   * (looking it up never waits). Long enough for Clarus to show a committed goods out. Default 5 min.
   */
  ambiguousCreateHoldMs?: number;
  /** Imported orders completed longer ago than this are history (default 72 h). */
  historicalImportAgeMs?: number;
}

export interface ExportRequest {
  orderId: string;
  /** The message type that asked (`imported` may be a historical order), the sweep, or a person. */
  source?: ExportSource;
  /** Epoch ms by which the attempt must be over (Pub/Sub's ack deadline minus a margin). */
  deadline?: number;
  /** A person asked for it (ops resend): bypass cached look-ups and re-open a cancelled claim. */
  resend?: boolean;
}

export const DEFAULT_AMBIGUOUS_CREATE_HOLD_MS = 5 * 60_000;
export const DEFAULT_HISTORICAL_IMPORT_AGE_MS = 72 * 60 * 60_000;

/** What an attempt knows so far; written to the claim however the attempt ends. */
export interface AttemptState {
  claim: StoredObject<ExportClaim>;
  known: Map<Slot, KnownGoodsOut>;
  pending: PendingCreate[];
}

/**
 * Order → Clarus goods out(s), exactly once, always as the order is now (read by id: a message's copy may
 * be hours old). Read → skip what must not ship → claim → look up what earlier attempts may have created →
 * map (pure) → remember what is about to be created → create → record syncInfo → settle.
 * Never throws: every failure comes back as an outcome (see `ExportOutcome`).
 */
export function createOrderExport(deps: OrderExportDeps) {
  const failuresBeforeException = deps.failuresBeforeException ?? 3;
  const holdMs = deps.ambiguousCreateHoldMs ?? DEFAULT_AMBIGUOUS_CREATE_HOLD_MS;
  const historicalImportAgeMs = deps.historicalImportAgeMs ?? DEFAULT_HISTORICAL_IMPORT_AGE_MS;
  const iso = (ms: number) => new Date(ms).toISOString();
  const failureDeps = { ...deps, failuresBeforeException };
  const { mapOrder, mapFromCache, pendingOf } = createExportPlanner(deps);

  const loadOrder = (orderId: string): Promise<Order | undefined> =>
    bodyUnlessNotFound(deps.api.orders().withId({ ID: orderId }).get());

  const exportedIds = (order: Order, channel: Channel) =>
    new Set(
      order.syncInfo.filter((s) => s.channel.id === channel.id && s.externalId).map((s) => s.externalId!),
    );

  async function run(request: ExportRequest): Promise<ExportOutcome> {
    const { orderId } = request;
    const order = await loadOrder(orderId);
    if (!order)
      return { kind: 'skipped', orderId, code: 'not_found', reason: 'order not found in commercetools' };
    const skip = skipReason(order, request.source, { now: deps.now(), historicalImportAgeMs });
    if (skip) {
      deps.logger.info('order not sent to the warehouse', {
        orderId,
        orderNumber: order.orderNumber,
        skip: skip.code,
      });
      return { kind: 'skipped', orderId, ...skip };
    }
    const channel = await deps.clarusChannel();
    if (exportedIds(order, channel).size >= shipmentGroups(order).length)
      return { kind: 'already_exported', orderId };

    // With warm look-ups the goods outs are planned before the claim (pure, no I/O), so a new claim carries
    // the references about to be created in its one write. Otherwise (cold cache, a resend) the plan is made
    // under the claim as before: no Clarus call happens before the claim is held.
    const callOptions = { deadline: request.deadline, fresh: request.resend };
    const premapped = request.resend ? undefined : mapFromCache(order);
    const planned = premapped?.ok ? pendingOf(premapped.plans) : undefined;
    const claimed = await deps.claims.acquire(order, {
      force: request.resend,
      reopenAtOrderVersion: order.version,
      ...(planned ? { pending: planned } : {}),
    });
    if (claimed.kind === 'busy') return { kind: 'in_progress', orderId };
    if (claimed.kind === 'finished') {
      return claimed.claim.value.status === 'cancelled'
        ? { kind: 'skipped', orderId, code: 'cancelled', reason: 'order was cancelled' }
        : { kind: 'already_exported', orderId };
    }
    // A new claim holds this attempt's own planned creates: not an earlier attempt's, so not in a hold.
    const recordedWithClaim = !claimed.earlierAttempt && planned !== undefined ? planned : undefined;
    const candidates = candidateReferences(order, claimed.claim.value);
    const state: AttemptState = {
      claim: claimed.claim,
      known: knownFromClaim(claimed.claim.value, candidates),
      pending: recordedWithClaim ? [] : (claimed.claim.value.pending ?? []),
    };

    try {
      // Whatever an earlier attempt may have created is looked up (never waited for) before anything else.
      const adopted: string[] = [];
      if (claimed.earlierAttempt || request.resend) {
        const found = await deps.clarus.findGoodsOutsByReferences([...candidates.keys()], {
          deadline: request.deadline,
        });
        adopted.push(...adoptFound(state.known, found, candidates));
        state.pending = state.pending.filter((p) => !state.known.has(slotOf(p.shippingKey)));
      }
      // Every goods out already in Clarus: record it, whatever the mapping would say today.
      const complete = shipmentGroups(order).every((g) => state.known.has(slotOf(g.shippingKey)));
      const result = complete ? undefined : (premapped ?? (await mapOrder(order, callOptions)));
      if (result && !result.ok) {
        await raiseProblems(deps.exceptions, order, result.problems);
        await deps.claims.settle(state.claim, {
          status: 'invalid',
          goodsOuts: goodsOutsRecord(state.known),
          pending: state.pending,
          failures: 0,
          lastError: undefined,
        });
        deps.logger.warn('order cannot be exported', {
          orderId,
          problems: result.problems.map((p) => p.code),
        });
        return { kind: 'invalid', orderId, problems: result.problems };
      }
      const toCreate = (result?.plans ?? []).filter((p) => !state.known.has(slotOf(p.shippingKey)));
      const held = pendingInHold(state.pending, state.known, deps.now(), holdMs);
      if (toCreate.length && held.length) return await waitOutHold(order, state, held);
      if (toCreate.length) await createAll(toCreate, state, request.deadline, recordedWithClaim);
      const warnings = result?.warnings ?? [];

      const goodsOuts = goodsOutsRecord(state.known);
      await recordSyncInfo(order, channel, Object.values(goodsOuts));
      await deps.claims.settle(state.claim, {
        status: 'exported',
        goodsOuts,
        pending: undefined,
        failures: 0,
        lastError: undefined,
        ...(result ? { warnings: warnings.map((w) => `${w.field}: ${w.code}`) } : {}),
      });
      if (claimed.earlierAttempt || request.resend) await resolveExportExceptions(deps.exceptions, order);
      if (warnings.length) {
        deps.logger.warn('order exported without optional values', {
          orderId,
          warnings: warnings.map((w) => ({ field: w.field, code: w.code })),
        });
      }
      deps.logger.info('order exported', { orderId, orderNumber: order.orderNumber, goodsOuts, adopted });
      return { kind: 'exported', orderId, goodsOuts, adopted, warnings };
    } catch (err) {
      return settleFailure(failureDeps, order, state, classifyExportFailure(err), err);
    }
  }

  /**
   * Writes the references about to be created onto the claim first (a lost answer is then never
   * forgotten), then creates them one by one. `recorded`: the claim was created with these references
   * already (its one write), so the first write is not repeated. On a failure, `state.pending` keeps only
   * the create whose outcome is unknown (one refused outright, or never sent, did not happen).
   */
  async function createAll(
    plans: GoodsOutPlan[],
    state: AttemptState,
    deadline?: number,
    recorded?: PendingCreate[],
  ): Promise<void> {
    const references = new Set(plans.map((p) => p.reference));
    if (recorded && recorded.length === plans.length && recorded.every((p) => references.has(p.reference))) {
      state.pending = recorded;
    } else {
      state.pending = pendingOf(plans);
      state.claim = await deps.claims.record(state.claim, {
        pending: state.pending,
        goodsOuts: goodsOutsRecord(state.known),
      });
    }
    for (const [i, plan] of plans.entries()) {
      try {
        const created = await deps.clarus.createGoodsOut(draftOf(plan), { deadline });
        state.known.set(slotOf(plan.shippingKey), { reference: plan.reference, id: created.id });
        state.pending = state.pending.filter((p) => p.reference !== plan.reference);
      } catch (err) {
        const unsent = new Set(plans.slice(i + 1).map((p) => p.reference));
        const happened = classifyExportFailure(err).class === 'ambiguous';
        state.pending = state.pending.filter(
          (p) => !unsent.has(p.reference) && (happened || p.reference !== plan.reference),
        );
        throw err;
      }
    }
  }

  /** An earlier create may still show up in Clarus: keep what is known, create nothing, try again later. */
  async function waitOutHold(
    order: Order,
    state: AttemptState,
    held: PendingCreate[],
  ): Promise<ExportOutcome> {
    await deps.claims.settle(state.claim, {
      goodsOuts: goodsOutsRecord(state.known),
      pending: state.pending,
    });
    const retryAfterMs = holdLeftMs(held, deps.now(), holdMs);
    deps.logger.info('order export waits: an earlier create may still appear in Clarus', {
      orderId: order.id,
      references: held.map((p) => p.reference),
      retryAfterMs,
    });
    return {
      kind: 'retry_later',
      orderId: order.id,
      reason: `an earlier create of ${held.map((p) => p.reference).join(', ')} may still appear in Clarus; not created again before its hold ends`,
      retryAfterMs,
    };
  }

  async function recordSyncInfo(order: Order, channel: Channel, goodsOutIds: number[]): Promise<void> {
    await updateWithRecompute<Order, OrderUpdateAction>({
      initial: order,
      load: async () => (await deps.api.orders().withId({ ID: order.id }).get().execute()).body,
      decide: (fresh) => {
        const have = exportedIds(fresh, channel);
        return goodsOutIds
          .filter((id) => !have.has(String(id)))
          .map((id) => ({
            action: 'updateSyncInfo' as const,
            channel: { typeId: 'channel' as const, id: channel.id },
            externalId: String(id),
            syncedAt: iso(deps.now()),
          }));
      },
      apply: async (fresh, actions) =>
        (
          await deps.api
            .orders()
            .withId({ ID: fresh.id })
            .post({ body: { version: fresh.version, actions } })
            .execute()
        ).body,
      logger: deps.logger,
      label: 'order',
    });
  }

  return {
    /** Exports one order as it is now; never throws (see `ExportOutcome`). */
    async exportOrder(request: ExportRequest): Promise<ExportOutcome> {
      try {
        return await run(request);
      } catch (err) {
        // Failures before the claim was taken (reading the order, the channel, the claim itself).
        return failureBeforeClaim(failureDeps, request.orderId, classifyExportFailure(err), err);
      }
    },
  };
}

export type OrderExport = ReturnType<typeof createOrderExport>;

function draftOf(plan: GoodsOutPlan) {
  return {
    attributes: {
      ...plan.header,
      lines_changes: plan.lines.map((line) => ({ type: 'ADD' as const, attributes: line })),
    },
    address: plan.address,
  } as Parameters<ClarusClient['createGoodsOut']>[0];
}
