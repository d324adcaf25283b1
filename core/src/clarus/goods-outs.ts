import { ClarusUnexpectedResponseError } from './errors';
import type { ApiCall } from './request';
import { isRecord, type HttpResponse } from './transport';
import type {
  ClarusAddress,
  ClarusCallOptions,
  GoodsOutAttributes,
  GoodsOutDraft,
  GoodsOutPatch,
  GoodsOutRecord,
  GoodsOutRequestBody,
} from './types';

export interface GoodsOutOperations {
  /**
   * `POST {restPrefix}/goods_outs`. Never retried: on a timeout, a dropped connection or a 5xx the goods
   * out may exist (`error.mayHaveSucceeded`); look the reference up before creating it again.
   */
  createGoodsOut(draft: GoodsOutDraft, options?: ClarusCallOptions): Promise<GoodsOutRecord>;
  /** `PATCH {restPrefix}/goods_outs/{id}`; lines through `attributes.lines_changes`. Never retried. */
  updateGoodsOut(id: number, patch: GoodsOutPatch, options?: ClarusCallOptions): Promise<GoodsOutRecord>;
  /**
   * `POST {restPrefix}/goods_outs/{id}/cancel`, no body. A completed goods out cannot be cancelled
   * (`ClarusValidationError`). Returns the record when Clarus sends one (a draft is deleted instead).
   */
  cancelGoodsOut(id: number, options?: ClarusCallOptions): Promise<GoodsOutRecord | null>;
}

/** The documented JSON:API document: the address goes in relationships, never in attributes. */
export function goodsOutBody(
  attributes: Partial<GoodsOutAttributes>,
  address?: ClarusAddress,
): GoodsOutRequestBody {
  return {
    data: {
      type: 'goods_outs',
      attributes,
      ...(address
        ? { relationships: { address: { data: { type: 'addresses', attributes: address } } } }
        : {}),
    },
  };
}

export function createGoodsOutOperations(deps: { call: ApiCall; restPrefix: string }): GoodsOutOperations {
  const base = `${deps.restPrefix}/goods_outs`;
  const json = { 'content-type': 'application/json' };

  return {
    async createGoodsOut(draft, options = {}) {
      const operation = `POST ${base}`;
      const response = await deps.call(
        {
          method: 'POST',
          path: base,
          kind: 'write',
          operation,
          headers: json,
          body: JSON.stringify(goodsOutBody(draft.attributes, draft.address)),
        },
        options,
      );
      return recordOf(response, operation, true);
    },

    async updateGoodsOut(id, patch, options = {}) {
      const path = `${base}/${encodeId(id)}`;
      const operation = `PATCH ${path}`;
      const response = await deps.call(
        {
          method: 'PATCH',
          path,
          kind: 'write',
          operation,
          headers: json,
          body: JSON.stringify(goodsOutBody(patch.attributes ?? {}, patch.address)),
        },
        options,
      );
      return recordOf(response, operation, true);
    },

    async cancelGoodsOut(id, options = {}) {
      const path = `${base}/${encodeId(id)}/cancel`;
      const operation = `POST ${path}`;
      const response = await deps.call({ method: 'POST', path, kind: 'write', operation }, options);
      return recordOf(response, operation, false);
    },
  };
}

export function encodeId(id: number): string {
  if (!Number.isSafeInteger(id) || id <= 0) throw new TypeError(`invalid Clarus goods out id: ${id}`);
  return String(id);
}

export function recordOf(response: HttpResponse, operation: string, required: true): GoodsOutRecord;
export function recordOf(response: HttpResponse, operation: string, required: false): GoodsOutRecord | null;
export function recordOf(
  response: HttpResponse,
  operation: string,
  required: boolean,
): GoodsOutRecord | null {
  const data = isRecord(response.json) ? response.json.data : undefined;
  const id = isRecord(data) ? Number(data.id) : NaN;
  if (!isRecord(data) || !Number.isSafeInteger(id) || id <= 0) {
    if (!required) return null;
    // The write went through (2xx) but its id cannot be read: the caller must look it up by reference.
    throw new ClarusUnexpectedResponseError(
      { operation, status: response.status, mayHaveSucceeded: true },
      'no data.id in the answer',
    );
  }
  return {
    id,
    type: typeof data.type === 'string' ? data.type : 'goods_outs',
    attributes: isRecord(data.attributes) ? data.attributes : {},
  };
}
