import { restAttributes, STATUS_NAMES, lineRecord } from './goods-outs';
import type { StockAdjustment } from './stock';
import type { GoodsOutState, Store } from './store';
import type { WebhookTargets } from './types';

/**
 * Clarus "automations": a POST of the full record to a configured URL. Clarus publishes no body shape
 * and no signature, only the X-ClarusWMS-* headers; the shapes below are the simulator's assumption.
 */

export const AUTOMATION_IDS = { dispatch: '101', stockAdjustment: '102' } as const;
export const INTEGRATION_ID = '1';
const TIMEOUT_MS = 10_000;

export class WebhookSender {
  private targets: WebhookTargets;

  constructor(
    initial: WebhookTargets | undefined,
    private readonly headers: { subdomain: string; apiDomain: () => string },
  ) {
    this.targets = { ...initial };
  }

  configure(targets: WebhookTargets): void {
    this.targets = { ...this.targets, ...targets };
  }

  get dispatchUrl(): string | undefined {
    return this.targets.dispatchUrl;
  }

  get stockUrl(): string | undefined {
    return this.targets.stockUrl;
  }

  /** Returns the receiver's HTTP status, or 0 when it could not be reached. Never throws. */
  async post(url: string, automationId: string, body: unknown): Promise<number> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-claruswms-domain': `${this.headers.subdomain}.claruswms.com`,
          'x-claruswms-api-domain': this.headers.apiDomain(),
          'x-claruswms-subdomain': this.headers.subdomain,
          'x-claruswms-automation-id': automationId,
          'x-claruswms-integration-id': INTEGRATION_ID,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer(); // drain so the connection can be reused
      return response.status;
    } catch {
      return 0;
    }
  }
}

/**
 * The full goods out record: JSON:API resource with address, lines and shipments as relationships.
 * Without `includeLineReference` the lines carry no `alt_line_reference`, so a tenant simulated without
 * that GraphQL field cannot leak it through the webhook either.
 */
export function goodsOutPayload(
  store: Store,
  goodsOut: GoodsOutState,
  includeLineReference: boolean,
): unknown {
  return {
    data: {
      id: goodsOut.id,
      type: 'goods_outs',
      attributes: {
        ...restAttributes(goodsOut),
        goods_out_status: { code: goodsOut.status, name: STATUS_NAMES[goodsOut.status] },
        created_at: goodsOut.created_at,
        updated_at: goodsOut.updated_at,
      },
      relationships: {
        address: { data: goodsOut.address && { type: 'addresses', attributes: goodsOut.address } },
        goods_out_lines: {
          data: goodsOut.lines.map((line) => {
            const { id, attributes, ...quantities } = lineRecord(store, line);
            if (!includeLineReference) delete attributes.alt_line_reference;
            return { id, type: 'goods_out_lines', attributes: { ...attributes, ...quantities } };
          }),
        },
        shipments: {
          data: store.shipmentsOf(goodsOut.id).map((s) => ({
            id: s.id,
            type: 'shipments',
            attributes: {
              reference: s.reference,
              status: s.status,
              tracking_numbers: s.packages.map((p) => p.tracking_number),
            },
          })),
        },
      },
    },
  };
}

export function stockAdjustmentPayload(adjustment: StockAdjustment): unknown {
  const { id, ...attributes } = adjustment;
  return {
    data: {
      id,
      type: 'stock_adjustments',
      attributes: { ...attributes, adjustment_type: adjustment.quantity >= 0 ? 'positive' : 'negative' },
    },
  };
}
