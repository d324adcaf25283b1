import { seedShippingMethods } from '@clarus-connector/sandbox';
import { createExportLookups, type ClarusClient } from '../../src';
import { startEmulatorWithClient, type EmulatorWithClient } from '../commercetools/setup';

/** `cachedOnly`: the look-ups' answers from the cache alone, so the export may plan before its claim. */
describe('export look-ups: cachedOnly', () => {
  let ctx: EmulatorWithClient;
  let methodId: string;
  let clarusCalls: number;
  const clarus = {
    findProductsByCodes: async (codes: string[]) => {
      clarusCalls += 1;
      return codes.filter((c) => c !== 'UNKNOWN').map((code, i) => ({ code, id: 100 + i }));
    },
    findCarrierServicesByCodes: async () => {
      clarusCalls += 1;
      return [{ id: 7, code: 'DPD-NEXT', carrier_code: 'DPD', active: true }];
    },
  } as unknown as ClarusClient;

  beforeAll(async () => {
    ctx = await startEmulatorWithClient();
    const [method] = await seedShippingMethods(ctx.api, ['next-day']);
    methodId = method!.id;
  });
  afterAll(() => ctx.emulator.close());
  beforeEach(() => (clarusCalls = 0));

  it('answers undefined until every look-up is cached, then the same answers without any call', async () => {
    const lookups = createExportLookups({ clarus, api: ctx.api });
    const request = { codes: ['A', 'UNKNOWN'], carrierValues: ['DPD-NEXT'], shippingMethodIds: [methodId] };
    expect(lookups.cachedOnly(request)).toBeUndefined();

    await lookups.productIds(request.codes);
    expect(lookups.cachedOnly(request)).toBeUndefined(); // carrier service and shipping method not cached yet
    await lookups.carrierServiceIds(request.carrierValues);
    await lookups.shippingMethodKeys(request.shippingMethodIds);
    await ctx.emulator.resetRequests();
    const callsBefore = clarusCalls;

    const answers = lookups.cachedOnly(request);

    expect(answers).toEqual({
      productIds: new Map([['A', 100]]), // UNKNOWN is a cached "not in Clarus": answered, and absent
      carrierServiceIds: new Map([['DPD-NEXT', 7]]),
      shippingMethodKeys: new Map([[methodId, 'next-day']]),
    });
    expect(clarusCalls).toBe(callsBefore);
    expect(await ctx.emulator.requests()).toEqual([]);
  });

  it('answers undefined for a code never looked up, even when the rest is cached', async () => {
    const lookups = createExportLookups({ clarus, api: ctx.api });
    await lookups.productIds(['A']);
    await lookups.carrierServiceIds(['DPD-NEXT']);
    await lookups.shippingMethodKeys([methodId]);
    expect(
      lookups.cachedOnly({ codes: ['A', 'B'], carrierValues: ['DPD-NEXT'], shippingMethodIds: [methodId] }),
    ).toBeUndefined();
  });
});
