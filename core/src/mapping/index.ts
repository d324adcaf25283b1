export * from './sku-rules';
