import { createGoodsOut, goodsOutRecord, type GoodsOutBehaviour } from './goods-outs';
import type { Store } from './store';
import type { GoodsOutRecord, GoodsOutSeed } from './types';

/**
 * Test hook: a goods out another system placed (e.g. another client of a 3PL tenant), created through the
 * same validation and allocation as `POST /api/goods_outs`. Product codes are looked up in the seed's
 * account (default: the first account).
 */
export function seedGoodsOut(store: Store, seed: GoodsOutSeed, behaviour: GoodsOutBehaviour): GoodsOutRecord {
  const accountId = store.requireAccount(seed.accountId ?? store.accountId).id;
  const lines = (seed.lines ?? []).map((line) => ({
    type: 'ADD',
    attributes: {
      product_id: store.requireProductByCode(line.productCode, accountId).id,
      order_quantity: line.quantity,
    },
  }));
  const body = {
    data: {
      type: 'goods_outs',
      attributes: {
        goods_out_type: 'sales_order',
        account_id: accountId,
        reference: seed.reference,
        expected_date_of_dispatch: store.isoNow(),
        ...(seed.externalSystemReference1 === undefined
          ? {}
          : { external_system_reference1: seed.externalSystemReference1 }),
        lines_changes: lines,
      },
    },
  };
  return goodsOutRecord(store, createGoodsOut(store, body, behaviour));
}
