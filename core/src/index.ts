/**
 * Public API of the connector's common module. Apps import only from here.
 * Grouped by domain: configuration, logging, the HTTP shell, Clarus, commercetools, mapping,
 * orders, inventory, fulfilment and operations.
 */
export * from './config';
export * from './logging';
export * from './runtime';
export * from './clarus';
export * from './mapping';
export * from './orders';
export * from './inventory';
export * from './fulfilment';
export * from './commercetools';
export * from './operations';
export * from './reconciliation';
export * from './products';
