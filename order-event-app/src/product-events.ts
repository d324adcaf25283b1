import type { Logger, ProductSync, ProductSyncOutcome } from '@clarus-connector/core';
import type { MessageSubscription } from '@commercetools/platform-sdk';
import type { CommercetoolsMessage } from './pubsub-envelope';

/**
 * Product messages the event app subscribes to when PRODUCT_MASTER is commercetools (commercetools docs,
 * "Product Catalog Messages"). Variant additions, SKU and attribute changes of a published product reach
 * the storefront only when it is published, and `ProductPublished` then carries the whole projection: the
 * sync re-reads the published product instead of following each staged change.
 */
export const PRODUCT_MESSAGE_TYPES = ['ProductPublished', 'ProductUnpublished', 'ProductDeleted'];

export type ProductEvent =
  | { kind: 'sync'; productId: string }
  | { kind: 'withdrawn'; productId: string; how: 'unpublished' | 'deleted'; skus: string[] };

/** The product event of a message; undefined when the message is not about a product we act on. */
export function classifyProductMessage(message: CommercetoolsMessage): ProductEvent | undefined {
  if (message.notificationType && message.notificationType !== 'Message') return undefined;
  if (message.resource?.typeId !== 'product') return undefined;
  const productId = message.resource.id;
  if (message.type === 'ProductPublished') return { kind: 'sync', productId };
  if (message.type === 'ProductUnpublished')
    return { kind: 'withdrawn', productId, how: 'unpublished', skus: [] };
  if (message.type === 'ProductDeleted')
    return { kind: 'withdrawn', productId, how: 'deleted', skus: skusOf(message.currentProjection) };
  return undefined;
}

/** SKUs of a product projection in a message payload (ProductDeleted's `currentProjection`). */
function skusOf(projection: unknown): string[] {
  const p = projection as { masterVariant?: { sku?: unknown }; variants?: { sku?: unknown }[] } | undefined;
  if (!p) return [];
  return [p.masterVariant, ...(p.variants ?? [])]
    .map((v) => v?.sku)
    .filter((sku): sku is string => typeof sku === 'string' && sku !== '');
}

/** Runs the product event; every failure is an outcome (a thrown error is a bug, answered 500 by the route). */
export async function handleProductEvent(
  deps: { products: ProductSync; logger: Logger },
  event: ProductEvent,
  deadline: number,
): Promise<ProductSyncOutcome | { kind: 'failed'; productId: string }> {
  try {
    if (event.kind === 'sync') return await deps.products.syncProduct(event.productId, { deadline });
    return await deps.products.productWithdrawn(event.productId, event.how, event.skus);
  } catch (error) {
    deps.logger.error('product event failed unexpectedly', { productId: event.productId, error });
    return { kind: 'failed', productId: event.productId };
  }
}

/**
 * The messages the event app's Subscription asks for: the order messages, plus the product messages when
 * PRODUCT_MASTER is commercetools (a redeploy that turns it on or off updates the Subscription in place).
 */
export function subscribedMessages(
  orderMessages: readonly MessageSubscription[],
  productMaster: 'off' | 'commercetools',
): MessageSubscription[] {
  return productMaster === 'commercetools'
    ? [...orderMessages, { resourceTypeId: 'product', types: PRODUCT_MESSAGE_TYPES }]
    : [...orderMessages];
}
