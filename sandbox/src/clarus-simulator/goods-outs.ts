import { clarusError, NotFoundError, UnprocessableError } from './errors';
import { allocateLine, releaseExcess, releaseLine } from './stock';
import type { GoodsOutState, LineState, Store } from './store';
import {
  GOODS_OUT_STATUS_CODES,
  type GoodsOutAttributesRecord,
  type GoodsOutRecord,
  type GoodsOutStatusCode,
} from './types';
import {
  GOODS_OUT_ATTRIBUTE_NAMES,
  validateGoodsOutBody,
  type LineChange,
  type ValidationLookups,
} from './validation';

/** Status ids as documented on components.schemas.GoodsOutStatusId (4 = legacy PART, not used here). */
export const STATUS_IDS: Record<GoodsOutStatusCode, number> = {
  DRAFT: 1,
  PENDING: 2,
  PICK: 3,
  ALLOCATED: 5,
  COMPLETED: 6,
  PART_ALLOCATED: 7,
  CANCELLED: 8,
};

export const STATUS_NAMES: Record<GoodsOutStatusCode, string> = {
  DRAFT: 'Draft',
  PENDING: 'Pending',
  PICK: 'Pick',
  ALLOCATED: 'Allocated',
  PART_ALLOCATED: 'Part Allocated',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
};

/** Statuses in which the simulator (re)allocates stock after a change. */
const ALLOCATING: readonly GoodsOutStatusCode[] = ['PENDING', 'ALLOCATED', 'PART_ALLOCATED'];

export interface GoodsOutBehaviour {
  autoAllocate: boolean;
  defaultWarehouseId: number;
}

function lookups(store: Store, goodsOut?: GoodsOutState): ValidationLookups {
  return {
    accountExists: (id) => store.accounts.has(id),
    productExists: (id) => store.products.has(id),
    warehouseExists: (id) => store.warehouses.has(id),
    carrierExists: (id) => store.carriers.has(id),
    carrierServiceExists: (id) => store.carrierServices.has(id),
    lineIds: new Set(goodsOut?.lines.map((l) => l.id) ?? []),
  };
}

export function requireGoodsOut(store: Store, id: number): GoodsOutState {
  const goodsOut = store.goodsOuts.get(id);
  if (!goodsOut) throw new NotFoundError('Goods out', id);
  return goodsOut;
}

export function createGoodsOut(store: Store, body: unknown, behaviour: GoodsOutBehaviour): GoodsOutState {
  const validated = validateGoodsOutBody(body, 'create', lookups(store));
  const statusId = validated.attributes.goods_out_status_id;
  // A client may create a draft (1) or a pending order (2); other statuses are reached by processing.
  if (statusId !== undefined && statusId !== null && statusId !== 1 && statusId !== 2) {
    validated.errors.push(
      clarusError(422, 'inclusion', 'goods_out_status_id must be 1 (DRAFT) or 2 (PENDING) on create', {
        attribute: 'goods_out_status_id',
        allowed: [1, 2],
      }),
    );
  }
  // UPDATE/DESTROY on create already failed validation: a new goods out has no line ids.
  if (validated.errors.length > 0) throw new UnprocessableError(validated.errors);

  const now = store.isoNow();
  const { goods_out_status_id: _ignored, ...attributes } = validated.attributes;
  const goodsOut: GoodsOutState = {
    id: store.nextId('goodsOut'),
    status: statusId === 1 ? 'DRAFT' : 'PENDING',
    attributes: {
      carrier_id: null,
      carrier_service_id: null,
      ...attributes,
      warehouse_id: (attributes.warehouse_id as number | undefined | null) ?? behaviour.defaultWarehouseId,
    } as GoodsOutAttributesRecord,
    address: validated.address ?? null,
    lines: [],
    created_at: now,
    updated_at: now,
  };
  applyLineChanges(store, goodsOut, validated.lineChanges);
  store.goodsOuts.set(goodsOut.id, goodsOut);
  store.touch();
  if (goodsOut.status === 'PENDING' && behaviour.autoAllocate) allocate(store, goodsOut);
  return goodsOut;
}

export function updateGoodsOut(
  store: Store,
  id: number,
  body: unknown,
  behaviour: GoodsOutBehaviour,
): GoodsOutState {
  const goodsOut = requireGoodsOut(store, id);
  const validated = validateGoodsOutBody(body, 'update', lookups(store, goodsOut));
  if (validated.errors.length > 0) throw new UnprocessableError(validated.errors);
  if (goodsOut.status === 'COMPLETED' || goodsOut.status === 'CANCELLED') {
    throw new UnprocessableError([
      clarusError(422, 'goods_out_not_editable', `A ${goodsOut.status} goods out cannot be changed`, {
        status: goodsOut.status,
      }),
    ]);
  }
  if (goodsOut.status === 'PICK' && validated.lineChanges.length > 0) {
    throw new UnprocessableError([
      clarusError(422, 'goods_out_lines_not_editable', 'Lines cannot be changed once picking has started', {
        attribute: 'lines_changes',
        status: goodsOut.status,
      }),
    ]);
  }

  const { goods_out_status_id: _ignored, ...attributes } = validated.attributes;
  const warehouseBefore = goodsOut.attributes.warehouse_id;
  if (attributes.warehouse_id !== undefined && attributes.warehouse_id !== warehouseBefore) {
    // Reservations belong to a warehouse: moving the order gives them back first.
    for (const line of goodsOut.lines) releaseLine(store, line, warehouseBefore);
  }
  Object.assign(goodsOut.attributes, attributes);
  if (goodsOut.attributes.warehouse_id === null)
    goodsOut.attributes.warehouse_id = behaviour.defaultWarehouseId;
  if (validated.address) goodsOut.address = { ...(goodsOut.address ?? {}), ...validated.address };
  applyLineChanges(store, goodsOut, validated.lineChanges);
  goodsOut.updated_at = store.isoNow();
  store.touch();
  if (ALLOCATING.includes(goodsOut.status) && behaviour.autoAllocate) allocate(store, goodsOut);
  return goodsOut;
}

function applyLineChanges(store: Store, goodsOut: GoodsOutState, changes: LineChange[]): void {
  const warehouseId = goodsOut.attributes.warehouse_id;
  for (const change of changes) {
    if (change.type === 'ADD') {
      const { product_id, order_quantity, ...rest } = change.attributes;
      goodsOut.lines.push({
        id: store.nextId('line'),
        goods_out_id: goodsOut.id,
        product_id: product_id as number,
        order_quantity: order_quantity as number,
        allocated_quantity: 0,
        pick_quantity: 0,
        dispatch_quantity: 0,
        short_status: '',
        created_at: store.isoNow(),
        attributes: rest,
      });
      continue;
    }
    const index = goodsOut.lines.findIndex((l) => l.id === change.id);
    const line = goodsOut.lines[index];
    if (!line) continue; // validation guarantees the id exists
    if (change.type === 'DESTROY') {
      releaseLine(store, line, warehouseId);
      goodsOut.lines.splice(index, 1);
      continue;
    }
    const { product_id, order_quantity, ...rest } = change.attributes;
    if (typeof product_id === 'number' && product_id !== line.product_id) {
      releaseLine(store, line, warehouseId);
      line.product_id = product_id;
    }
    if (typeof order_quantity === 'number') {
      line.order_quantity = order_quantity;
      releaseExcess(store, line, warehouseId);
    }
    Object.assign(line.attributes, rest);
  }
}

/** PENDING → ALLOCATED when every line is covered, PART_ALLOCATED when some stock was found. */
function allocate(store: Store, goodsOut: GoodsOutState): void {
  for (const line of goodsOut.lines) allocateLine(store, line, goodsOut.attributes.warehouse_id);
  const lines = goodsOut.lines;
  if (lines.length === 0) {
    goodsOut.status = 'PENDING';
  } else if (lines.every((l) => l.allocated_quantity >= l.order_quantity)) {
    goodsOut.status = 'ALLOCATED';
  } else if (lines.some((l) => l.allocated_quantity > 0)) {
    goodsOut.status = 'PART_ALLOCATED';
  } else {
    goodsOut.status = 'PENDING';
  }
}

/**
 * The documented cancel rules: draft/pending are deleted; allocated/picking are de-allocated and
 * cancelled; completed cannot be cancelled.
 */
export function cancelGoodsOut(store: Store, id: number): { goodsOut: GoodsOutState; deleted: boolean } {
  const goodsOut = requireGoodsOut(store, id);
  const warehouseId = goodsOut.attributes.warehouse_id;
  switch (goodsOut.status) {
    case 'COMPLETED':
      throw new UnprocessableError([
        clarusError(
          422,
          'goods_out_cannot_be_cancelled',
          'Goods out has already been dispatched and cannot be cancelled',
          { status: goodsOut.status },
          'GoodsOuts::CancelService',
        ),
      ]);
    case 'CANCELLED':
      throw new UnprocessableError([
        clarusError(
          422,
          'goods_out_already_cancelled',
          'Goods out is already cancelled',
          { status: goodsOut.status },
          'GoodsOuts::CancelService',
        ),
      ]);
    case 'DRAFT':
    case 'PENDING':
      for (const line of goodsOut.lines) releaseLine(store, line, warehouseId);
      deleteWithShipments(store, goodsOut.id);
      return { goodsOut, deleted: true };
    default:
      for (const line of goodsOut.lines) releaseLine(store, line, warehouseId);
      for (const shipment of store.shipmentsOf(goodsOut.id)) {
        if (shipment.status === 'pending') shipment.status = 'cancelled';
      }
      goodsOut.status = 'CANCELLED';
      goodsOut.updated_at = store.isoNow();
      return { goodsOut, deleted: false };
  }
}

/** DELETE is documented for orders that have not started processing. */
export function deleteGoodsOut(store: Store, id: number): void {
  const goodsOut = requireGoodsOut(store, id);
  if (goodsOut.status !== 'DRAFT' && goodsOut.status !== 'PENDING') {
    throw new UnprocessableError([
      clarusError(
        422,
        'goods_out_cannot_be_deleted',
        'Orders that have started processing cannot be deleted',
        {
          status: goodsOut.status,
        },
      ),
    ]);
  }
  for (const line of goodsOut.lines) releaseLine(store, line, goodsOut.attributes.warehouse_id);
  deleteWithShipments(store, id);
}

function deleteWithShipments(store: Store, id: number): void {
  for (const shipment of store.shipmentsOf(id)) store.shipments.delete(shipment.id);
  store.goodsOuts.delete(id);
  store.touch();
}

/** Test hook: a raw status change with no stock effects. */
export function setGoodsOutStatus(store: Store, id: number, code: string): void {
  const goodsOut = requireGoodsOut(store, id);
  if (!(GOODS_OUT_STATUS_CODES as readonly string[]).includes(code)) {
    throw new Error(`Clarus simulator: unknown goods out status ${code}`);
  }
  goodsOut.status = code as GoodsOutStatusCode;
  goodsOut.updated_at = store.isoNow();
}

/** `data.attributes` of REST responses: every GoodsOutAttributes property (null when unset). */
export function restAttributes(goodsOut: GoodsOutState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of GOODS_OUT_ATTRIBUTE_NAMES) out[name] = goodsOut.attributes[name] ?? null;
  out.goods_out_status_id = STATUS_IDS[goodsOut.status];
  return out;
}

export function restResource(goodsOut: GoodsOutState): {
  id: number;
  type: 'goods_outs';
  attributes: Record<string, unknown>;
} {
  return { id: goodsOut.id, type: 'goods_outs', attributes: restAttributes(goodsOut) };
}

export function lineRecord(store: Store, line: LineState) {
  return {
    id: line.id,
    goods_out_id: line.goods_out_id,
    product_id: line.product_id,
    product_code: store.products.get(line.product_id)?.code ?? '',
    order_quantity: line.order_quantity,
    allocated_quantity: line.allocated_quantity,
    pick_quantity: line.pick_quantity,
    dispatch_quantity: line.dispatch_quantity,
    short_status: line.short_status,
    created_at: line.created_at,
    attributes: structuredClone(line.attributes),
  };
}

export function goodsOutRecord(store: Store, goodsOut: GoodsOutState): GoodsOutRecord {
  return {
    id: goodsOut.id,
    status: goodsOut.status,
    attributes: structuredClone(goodsOut.attributes),
    address: goodsOut.address ? { ...goodsOut.address } : null,
    lines: goodsOut.lines.map((l) => lineRecord(store, l)),
    shipments: structuredClone(store.shipmentsOf(goodsOut.id)),
    created_at: goodsOut.created_at,
    updated_at: goodsOut.updated_at,
  };
}
