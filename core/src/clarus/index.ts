/** Clarus WMS API client: auth, typed REST goods out operations, GraphQL paging, typed reads, errors. */
export { createClarusClient, type ClarusClient, type ClarusClientOptions } from './client';
export * from './errors';
export * from './types';
export type { GoodsOutOperations } from './goods-outs';
export { goodsOutBody } from './goods-outs';
export type { ClarusProductAttributes, ProductOperations } from './products';
export type { ClarusGraphQL } from './graphql';
export type { ClarusReads } from './reads';
export type { RetryPolicy } from './retry';
export { DEFAULT_RETRY_POLICY } from './retry';
export { NODE_FIELDS } from './nodes';
