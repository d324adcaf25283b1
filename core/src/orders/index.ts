export * from './goods-out-mapping';
