import type { Order } from '@commercetools/platform-sdk';
import type { ExceptionEntity, ExceptionKind, ExceptionStore } from '../operations';
import type { OrderProblem } from './goods-out-problems';

export const EXCEPTION_ORDER_INVALID = 'order-validation-failed';
export const EXCEPTION_EXPORT_FAILING = 'order-export-failing';
export const EXCEPTION_SKU_UNKNOWN = 'sku-unknown-to-clarus';
export const EXCEPTION_SHIPPING_UNMAPPED = 'shipping-method-unmapped';

/** Every kind an order export raises for the order; all resolve when the order reaches Clarus. */
export const ORDER_EXPORT_EXCEPTION_KINDS = [
  EXCEPTION_ORDER_INVALID,
  EXCEPTION_EXPORT_FAILING,
  EXCEPTION_SKU_UNKNOWN,
  EXCEPTION_SHIPPING_UNMAPPED,
] as const satisfies readonly ExceptionKind[];

/** Kinds that wait for a person (fix, then resend): the reconciliation sweep leaves such orders alone. */
export const ORDER_BLOCKING_EXCEPTION_KINDS = [
  EXCEPTION_ORDER_INVALID,
  EXCEPTION_SKU_UNKNOWN,
  EXCEPTION_SHIPPING_UNMAPPED,
] as const satisfies readonly ExceptionKind[];

const MASTER_DATA: Partial<Record<OrderProblem['code'], ExceptionKind>> = {
  sku_unknown_to_clarus: EXCEPTION_SKU_UNKNOWN,
  shipping_method_unmapped: EXCEPTION_SHIPPING_UNMAPPED,
  carrier_service_unknown: EXCEPTION_SHIPPING_UNMAPPED,
};

/** The exception entity of an order (ids only). */
export const orderEntity = (order: Pick<Order, 'id' | 'orderNumber'>): ExceptionEntity => ({
  type: 'order',
  id: order.id,
  ...(order.orderNumber ? { orderNumber: order.orderNumber } : {}),
});

/**
 * Pure: problems → the exceptions to raise. Unknown SKUs and unmapped shipping methods are master data that
 * operations fix (their own kinds, so they can be filtered and counted); everything else is an
 * `order-validation-failed` for the owner of the first problem's kind. Each message lists every problem of
 * the order, so whoever opens one sees the whole picture.
 */
export function problemExceptions(
  order: Pick<Order, 'id' | 'orderNumber'>,
  problems: readonly OrderProblem[],
): { kind: ExceptionKind; team: 'ecommerce' | 'operations'; problems: OrderProblem[]; message: string }[] {
  const groups = new Map<ExceptionKind, OrderProblem[]>();
  for (const problem of problems) {
    const kind = MASTER_DATA[problem.code] ?? EXCEPTION_ORDER_INVALID;
    groups.set(kind, [...(groups.get(kind) ?? []), problem]);
  }
  const all = describeProblems(order, problems);
  return [...groups].map(([kind, own]) => ({
    kind,
    team:
      kind === EXCEPTION_ORDER_INVALID && own.some((p) => p.owner === 'ecommerce')
        ? 'ecommerce'
        : 'operations',
    problems: own,
    message: all,
  }));
}

/** Raises the exceptions for these problems. */
export async function raiseProblems(
  exceptions: ExceptionStore,
  order: Pick<Order, 'id' | 'orderNumber'>,
  problems: readonly OrderProblem[],
): Promise<void> {
  for (const e of problemExceptions(order, problems)) {
    await exceptions.raise({
      kind: e.kind,
      entity: { ...orderEntity(order), ...(e.problems[0]?.sku ? { sku: e.problems[0].sku } : {}) },
      team: e.team,
      message: e.message,
      details: { problems: e.problems },
    });
  }
}

/** Resolves every export exception of the order (it reached Clarus, or a person resent it successfully). */
export async function resolveExportExceptions(
  exceptions: ExceptionStore,
  order: Pick<Order, 'id' | 'orderNumber'>,
): Promise<void> {
  await Promise.all(ORDER_EXPORT_EXCEPTION_KINDS.map((kind) => exceptions.resolve(kind, orderEntity(order))));
}

/** "Order N was not sent to Clarus: (1) … [owner]; (2) …" */
export function describeProblems(
  order: Pick<Order, 'id' | 'orderNumber'>,
  problems: readonly OrderProblem[],
): string {
  const list = problems.map((p, i) => `(${i + 1}) ${p.message} [${p.owner}]`).join('; ');
  return `Order ${order.orderNumber ?? order.id} was not sent to Clarus: ${list}. Fix the cause, then resend the order.`;
}
