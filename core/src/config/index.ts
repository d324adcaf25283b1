export * from './load';
export { envSchema, skuRulesSchema, goodsOutSlotSchema } from './schema';
export type { Env, SkuRules, GoodsOutSlot } from './schema';
