import { dispatchTriggerFrom, stockTriggerFrom } from '../../src/fulfilment';

describe('dispatch webhook body → trigger', () => {
  it('reads a JSON:API goods out record (the simulator shape)', () => {
    expect(
      dispatchTriggerFrom({
        data: {
          id: 3001,
          type: 'goods_outs',
          attributes: {
            reference: 'ORD-1',
            external_system_reference1: 'order-uuid',
            goods_out_status: { code: 'COMPLETED' },
          },
        },
      }),
    ).toEqual({ ok: true, value: { goodsOutId: 3001, reference: 'ORD-1', orderId: 'order-uuid' } });
  });

  it.each([
    [{ id: '3001' }, { goodsOutId: 3001 }],
    [
      { goods_out_id: 3001, reference: 'R' },
      { goodsOutId: 3001, reference: 'R' },
    ],
    [{ data: { type: 'shipments', id: 9, attributes: { goods_out_id: 3001 } } }, { goodsOutId: 3001 }],
    [{ reference: '  ORD-2 ' }, { reference: 'ORD-2' }],
    [{ goods_out: { id: 5, reference: 'X' } }, { goodsOutId: 5, reference: 'X' }],
  ])('finds ids and references loosely: %j', (body, value) => {
    expect(dispatchTriggerFrom(body)).toEqual({ ok: true, value });
  });

  it.each([
    [undefined],
    [null],
    [[{ id: 1 }]],
    [{}],
    [{ data: { type: 'stock_adjustments', id: 7 } }],
    [{ id: -1 }],
    [{ id: '12a' }],
    [{ id: 1.5 }],
    [{ reference: '' }],
    [{ reference: 'x'.repeat(51) }],
    [{ reference: 42 }],
  ])('names what is missing when nothing usable is there: %j', (body) => {
    const result = dispatchTriggerFrom(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.missing).toMatch(/^a goods out id or reference \(looked at data\.id, id, /);
  });
});

describe('stock webhook body → product code', () => {
  it.each([
    [{ data: { id: 1, type: 'stock_adjustments', attributes: { product_code: 'SKU-1', quantity: 3 } } }],
    [{ product_code: 'SKU-1' }],
    [{ product: { code: 'SKU-1' } }],
    [{ code: 'SKU-1' }],
    [{ data: { product: { code: 'SKU-1' } } }],
  ])('finds the code in %j', (body) => {
    expect(stockTriggerFrom(body)).toEqual({ ok: true, value: { productCode: 'SKU-1' } });
  });

  it('names the paths it looked at when there is no code', () => {
    const result = stockTriggerFrom({ data: { attributes: { quantity: 3 } } });
    expect(result).toEqual({ ok: false, missing: expect.stringContaining('data.attributes.product_code') });
  });
});
