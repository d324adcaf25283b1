export * from './goods-out-mapping';
export * from './clarus-channel';
export * from './export-claims';
export * from './export-lookups';
export * from './export-order';
export * from './cancel-order';
