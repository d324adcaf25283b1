import type {
  ByProjectKeyRequestBuilder,
  Channel,
  Order,
  OrderUpdateAction,
} from '@commercetools/platform-sdk';
import { isClarusError, type ClarusClient } from '../clarus';
import { isTransientCommercetoolsError, updateWithRecompute } from '../commercetools';
import type { ClarusConfig, MappingConfig } from '../config';
import type { Logger } from '../logging';
import type { SkuTranslator } from '../mapping';
import type { ExceptionStore } from '../operations';
import type { ExportClaims } from './export-claims';
import type { ExportLookups } from './export-lookups';
import {
  mapOrderToGoodsOuts,
  productCodesOf,
  shipmentGroups,
  shippingMethodIdsOf,
  type GoodsOutPlan,
  type OrderProblem,
} from './goods-out-mapping';

export type ExportOutcome =
  | { kind: 'exported'; orderId: string; goodsOuts: Record<string, number>; adopted: string[] }
  | { kind: 'already_exported'; orderId: string }
  | { kind: 'invalid'; orderId: string; problems: OrderProblem[] }
  | { kind: 'skipped'; orderId: string; reason: string }
  /** Another attempt holds the order right now: try again later. */
  | { kind: 'in_progress'; orderId: string }
  /** Clarus or commercetools failed transiently: try again later (Pub/Sub redelivers on a 5xx). */
  | { kind: 'retry_later'; orderId: string; reason: string; retryAfterMs?: number };

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
}

export interface ExportRequest {
  orderId: string;
  /** The order from the message payload, when it came with one (saves a read). */
  order?: Order;
  /** Epoch ms by which the attempt must be over (Pub/Sub's ack deadline minus a margin). */
  deadline?: number;
  /** A person asked for it (ops resend): bypass cached look-ups and re-open a cancelled claim. */
  resend?: boolean;
}

export const EXCEPTION_ORDER_INVALID = 'order-validation-failed';
export const EXCEPTION_EXPORT_FAILING = 'order-export-failing';

/**
 * Order → Clarus goods out(s), exactly once.
 * Input → claim (one attempt at a time) → look up ids → map (pure) → create or adopt → record syncInfo → settle.
 */
export function createOrderExport(deps: OrderExportDeps) {
  const failuresBeforeException = deps.failuresBeforeException ?? 3;

  async function loadOrder(orderId: string): Promise<Order | undefined> {
    try {
      return (await deps.api.orders().withId({ ID: orderId }).get().execute()).body;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  const exportedIds = (order: Order, channel: Channel) =>
    new Set(
      order.syncInfo.filter((s) => s.channel.id === channel.id && s.externalId).map((s) => s.externalId!),
    );

  async function run(request: ExportRequest): Promise<ExportOutcome> {
    const { orderId } = request;
    const order = request.order ?? (await loadOrder(orderId));
    if (!order) return { kind: 'skipped', orderId, reason: 'order not found in commercetools' };
    if (order.orderState === 'Cancelled') return { kind: 'skipped', orderId, reason: 'order is cancelled' };
    const channel = await deps.clarusChannel();
    const expected = shipmentGroups(order).length;
    if (exportedIds(order, channel).size >= expected) return { kind: 'already_exported', orderId };

    const claimed = await deps.claims.acquire(order, { force: request.resend });
    if (claimed.kind === 'busy') return { kind: 'in_progress', orderId };
    if (claimed.kind === 'finished') {
      return claimed.claim.value.status === 'cancelled'
        ? { kind: 'skipped', orderId, reason: 'order was cancelled' }
        : { kind: 'already_exported', orderId };
    }
    let claim = claimed.claim;
    const entity = { type: 'order' as const, id: order.id, orderNumber: order.orderNumber };

    try {
      const callOptions = { deadline: request.deadline, fresh: request.resend };
      const codes = productCodesOf(order, deps.mapping, deps.skus);
      const carrierCodes = [...new Set(Object.values(deps.mapping.shippingMethodMap))];
      const [productIds, carrierServiceIds, shippingMethodKeys] = await Promise.all([
        deps.lookups.productIds(codes, callOptions),
        carrierCodes.length
          ? deps.lookups.carrierServiceIds(carrierCodes, callOptions)
          : new Map<string, number>(),
        deps.lookups.shippingMethodKeys(shippingMethodIdsOf(order)),
      ]);
      const result = mapOrderToGoodsOuts(
        order,
        {
          mapping: deps.mapping,
          skus: deps.skus,
          accountId: deps.clarusConfig.accountId,
          warehouseId: deps.clarusConfig.warehouseId,
          now: new Date(deps.now()).toISOString(),
        },
        { productIds, carrierServiceIds, shippingMethodKeys },
      );

      if (!result.ok) {
        await deps.exceptions.raise({
          kind: EXCEPTION_ORDER_INVALID,
          entity,
          team: result.problems.some((p) => p.owner === 'ecommerce') ? 'ecommerce' : 'operations',
          message: describeProblems(order, result.problems),
          details: { problems: result.problems },
        });
        await deps.claims.settle(claim, { status: 'invalid', failures: 0, lastError: undefined });
        deps.logger.warn('order cannot be exported', {
          orderId,
          problems: result.problems.map((p) => p.code),
        });
        return { kind: 'invalid', orderId, problems: result.problems };
      }

      // Only an earlier attempt can have created goods outs: look their references up before creating again.
      const known = new Map(Object.entries(claim.value.goodsOuts));
      const adopted: string[] = [];
      if (claimed.earlierAttempt) {
        const found = await deps.clarus.findGoodsOutsByReferences(
          result.plans.map((p) => p.reference),
          { deadline: request.deadline },
        );
        for (const goodsOut of found) {
          if (!known.has(goodsOut.reference)) adopted.push(goodsOut.reference);
          known.set(goodsOut.reference, goodsOut.id);
        }
      }
      for (const plan of result.plans) {
        if (known.has(plan.reference)) continue;
        const created = await deps.clarus.createGoodsOut(draftOf(plan), { deadline: request.deadline });
        known.set(plan.reference, created.id);
      }

      const goodsOuts = Object.fromEntries(known);
      await recordSyncInfo(order, channel, Object.values(goodsOuts));
      await deps.claims.settle(claim, { status: 'exported', goodsOuts, failures: 0, lastError: undefined });
      if (claimed.earlierAttempt || request.resend) {
        await Promise.all([
          deps.exceptions.resolve(EXCEPTION_ORDER_INVALID, entity),
          deps.exceptions.resolve(EXCEPTION_EXPORT_FAILING, entity),
        ]);
      }
      deps.logger.info('order exported', { orderId, orderNumber: order.orderNumber, goodsOuts, adopted });
      return { kind: 'exported', orderId, goodsOuts, adopted };
    } catch (err) {
      if (!isTransient(err)) throw err;
      const failures = claim.value.failures + 1;
      const reason = err instanceof Error ? err.message : String(err);
      // A create that may have landed keeps others out until the lease runs out; then a lookup decides.
      const mayHaveSucceeded = isClarusError(err) && err.mayHaveSucceeded === true;
      const settled = await deps.claims
        .settle(claim, {
          status: 'exporting',
          failures,
          firstFailureAt: claim.value.firstFailureAt ?? new Date(deps.now()).toISOString(),
          lastError: reason.slice(0, 300),
          holdLease: mayHaveSucceeded,
        })
        .catch(() => undefined);
      if (settled) claim = settled;
      if (failures >= failuresBeforeException) {
        await deps.exceptions
          .raise({
            kind: EXCEPTION_EXPORT_FAILING,
            entity,
            message: `Order ${order.orderNumber ?? order.id} has failed to reach Clarus ${failures} times in a row (last: ${reason.slice(0, 200)}). Retries continue automatically.`,
            details: { failures, firstFailureAt: claim.value.firstFailureAt },
          })
          .catch((e: unknown) =>
            deps.logger.warn('could not record export-failing exception', { orderId, error: e }),
          );
      }
      deps.logger.warn('order export will be retried', { orderId, failures, reason, mayHaveSucceeded });
      return {
        kind: 'retry_later',
        orderId,
        reason,
        retryAfterMs:
          isClarusError(err) && 'retryAfterMs' in err
            ? (err as { retryAfterMs?: number }).retryAfterMs
            : undefined,
      };
    }
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
            syncedAt: new Date(deps.now()).toISOString(),
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
    /** Exports one order; never throws for Clarus or commercetools trouble that a retry can fix. */
    async exportOrder(request: ExportRequest): Promise<ExportOutcome> {
      try {
        return await run(request);
      } catch (err) {
        if (isTransient(err)) {
          return {
            kind: 'retry_later',
            orderId: request.orderId,
            reason: err instanceof Error ? err.message : String(err),
          };
        }
        throw err;
      }
    },
  };
}

export type OrderExport = ReturnType<typeof createOrderExport>;

function isTransient(err: unknown): boolean {
  if (isClarusError(err)) return err.retryable || err.mayHaveSucceeded === true;
  return (
    isTransientCommercetoolsError(err) ||
    (err instanceof Error && err.name === 'ConcurrentModificationExhaustedError')
  );
}

function draftOf(plan: GoodsOutPlan) {
  return {
    attributes: {
      ...plan.header,
      lines_changes: plan.lines.map((line) => ({ type: 'ADD' as const, attributes: line })),
    },
    address: plan.address,
  } as Parameters<ClarusClient['createGoodsOut']>[0];
}

function describeProblems(order: Order, problems: OrderProblem[]): string {
  const list = problems.map((p, i) => `(${i + 1}) ${p.message} [${p.owner}]`).join('; ');
  return `Order ${order.orderNumber ?? order.id} was not sent to Clarus: ${list}. Fix the cause, then resend the order.`;
}
