/** Product master: commercetools → Clarus product sync and the SKU guard (API Extension). */
export * from './variant-mapping';
export * from './product-diff';
export * from './product-plan';
export * from './product-gateway';
export * from './create-product';
export * from './product-sync';
export * from './sku-guard-rules';
export * from './sku-guard-cache';
export * from './sku-guard';
export * from './resync-drift';
