export * from './load';
export { envSchema, skuRulesSchema, goodsOutSlotSchema, DEFAULT_SKU_FORMAT } from './schema';
export type { Env, SkuRules, GoodsOutSlot } from './schema';
