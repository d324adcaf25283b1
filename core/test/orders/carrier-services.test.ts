import type { ClarusCarrierService } from '../../src/clarus';
import { carrierServiceCodesToQuery, parseCarrierServiceRef, pickCarrierService } from '../../src/orders';

const service = (
  id: number,
  code: string,
  carrier: string,
  active: boolean | null = true,
): ClarusCarrierService => ({
  id,
  code,
  name: code,
  active,
  carrier: { id: id + 1000, code: carrier },
});

describe('carrier service choice (CLARUS_SHIPPING_METHOD_MAP value → one active Clarus service)', () => {
  it('reads "SERVICE" and "CARRIER:SERVICE"', () => {
    expect(parseCarrierServiceRef('DPD-NEXT')).toEqual({ value: 'DPD-NEXT', code: 'DPD-NEXT' });
    expect(parseCarrierServiceRef('DPD:NEXT')).toEqual({
      value: 'DPD:NEXT',
      carrierCode: 'DPD',
      code: 'NEXT',
    });
    expect(parseCarrierServiceRef(':NEXT')).toEqual({ value: ':NEXT', code: ':NEXT' });
    expect(carrierServiceCodesToQuery(['DPD:NEXT', 'RM-2ND'])).toEqual(['DPD:NEXT', 'NEXT', 'RM-2ND']);
  });

  it('never picks an inactive service', () => {
    expect(pickCarrierService([service(1, 'NEXT', 'DPD', false)], 'NEXT')).toBeUndefined();
    expect(
      pickCarrierService([service(1, 'NEXT', 'DPD', false), service(2, 'NEXT', 'UPS')], 'NEXT')?.id,
    ).toBe(2);
    // active unknown (null) counts as usable: older tenants may not report it.
    expect(pickCarrierService([service(3, 'NEXT', 'DPD', null)], 'NEXT')?.id).toBe(3);
  });

  it('never guesses between carriers sharing a code; "CARRIER:SERVICE" picks that carrier', () => {
    const rows = [service(1, 'NEXT', 'DPD'), service(2, 'NEXT', 'UPS')];
    expect(pickCarrierService(rows, 'NEXT')).toBeUndefined();
    expect(pickCarrierService(rows, 'UPS:NEXT')?.id).toBe(2);
    expect(pickCarrierService(rows, 'RM:NEXT')).toBeUndefined();
    expect(
      pickCarrierService([service(1, 'NEXT', 'DPD', false), service(2, 'NEXT', 'UPS')], 'DPD:NEXT'),
    ).toBeUndefined();
  });

  it('prefers a literal code containing ":" (the old format) over the carrier form', () => {
    expect(pickCarrierService([service(5, 'DPD:NEXT', 'X'), service(6, 'NEXT', 'DPD')], 'DPD:NEXT')?.id).toBe(
      5,
    );
  });
});
