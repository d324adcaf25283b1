import type { ClarusReads } from '../clarus';
import { dispatchViewOf } from './dispatch-actions';
import { isDispatched, type ClarusDispatchView } from './dispatch-mapping';
import type { DispatchTrigger } from './webhook-trigger';

export interface DispatchCallOptions {
  /** Epoch ms by which Clarus reads must be done (the webhook answers before Clarus gives up). */
  deadline?: number;
}

export type DispatchClarusReads = Pick<
  ClarusReads,
  'findGoodsOutsByReferences' | 'readGoodsOutParts' | 'listPackages'
>;

/**
 * The Clarus read stage of a dispatch: the goods outs a trigger names, as Clarus has them now (the webhook
 * body is never trusted), through the GraphQL lists. A trigger naming the goods out id and reference costs
 * two requests: the goods out, its lines and its shipments in one (`readGoodsOutParts`), then the packages
 * of the dispatched shipments. Clarus errors are thrown as the client raises them.
 */
export function createDispatchReader(clarus: DispatchClarusReads) {
  async function withPackages(
    goodsOut: Parameters<typeof dispatchViewOf>[0],
    lines: Parameters<typeof dispatchViewOf>[1],
    shipments: Parameters<typeof dispatchViewOf>[2],
    options: DispatchCallOptions,
  ): Promise<ClarusDispatchView> {
    const bare = dispatchViewOf(goodsOut, lines, shipments, []);
    // Tracking is only ever written for dispatched shipments: packages of the others are not needed.
    const dispatched = bare.shipments.filter((s) => isDispatched(bare, s)).map((s) => s.id);
    if (dispatched.length === 0) return bare;
    const packages = await clarus.listPackages(dispatched, options);
    return dispatchViewOf(goodsOut, lines, shipments, packages);
  }

  /** Views of the goods out(s) a trigger names; empty when Clarus knows none. */
  async function readViews(
    trigger: DispatchTrigger,
    options: DispatchCallOptions = {},
  ): Promise<ClarusDispatchView[]> {
    const call = { deadline: options.deadline };
    const id = trigger.goodsOutId;
    if (id !== undefined) {
      // goods_outs documents no id filter: the lines name the goods out's reference, which finds its status.
      const { lines, shipments, goodsOuts } = await clarus.readGoodsOutParts(id, {
        ...call,
        ...(trigger.reference ? { reference: trigger.reference } : {}),
      });
      const reference = lines.find((l) => l.goodsOut?.id === id)?.goodsOut?.reference ?? trigger.reference;
      if (!reference) return [];
      const summary =
        (reference === trigger.reference ? goodsOuts?.find((g) => g.id === id) : undefined) ??
        (await clarus.findGoodsOutsByReferences([reference], call)).find((g) => g.id === id);
      return summary ? [await withPackages(summary, lines, shipments, call)] : [];
    }
    if (!trigger.reference) return [];
    // A reference need not be unique in Clarus: every goods out carrying it is applied.
    const found = await clarus.findGoodsOutsByReferences([trigger.reference], call);
    return Promise.all(
      found.map(async (goodsOut) => {
        const { lines, shipments } = await clarus.readGoodsOutParts(goodsOut.id, call);
        return withPackages(goodsOut, lines, shipments, call);
      }),
    );
  }

  return { readViews };
}
