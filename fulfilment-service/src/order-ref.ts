import { bodyUnlessNotFound, type Integration } from '@clarus-connector/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Order numbers are the merchant's: anything printable, within reason. */
export const isOrderIdOrNumber = (value: string) =>
  value.length >= 1 && value.length <= 100 && !/\p{Cc}/u.test(value);

/**
 * The commercetools order id for a path parameter that is an order id or an order number; undefined when
 * it is neither valid nor a known order number (an unknown id is left to the use case to find missing).
 */
export async function resolveOrderId(api: Integration['api'], given: string): Promise<string | undefined> {
  if (!isOrderIdOrNumber(given)) return undefined;
  if (UUID.test(given)) return given;
  return (await bodyUnlessNotFound(api.orders().withOrderNumber({ orderNumber: given }).get()))?.id;
}

export const orderNotFound = (given: string) => ({
  error: 'order_not_found',
  message: `no order with id or order number "${given.slice(0, 100)}" in commercetools`,
});
