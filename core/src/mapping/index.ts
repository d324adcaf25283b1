export * from './sku-rules';
export * from './sku-index';
