import { clarusError, type ClarusError } from './errors';

/**
 * Validation of goods out JSON:API bodies against components.schemas GoodsOutAttributes,
 * GoodsOutLineChange and Address. Every problem becomes its own error entry so a client can report
 * them all at once; `context.attribute` names the offending attribute.
 */

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | readonly string[];

export interface FieldSpec {
  kind: Kind;
  maxLength?: number;
  min?: number;
  max?: number;
  /** Strictly greater than `min` (OpenAPI exclusiveMinimum). */
  exclusiveMin?: boolean;
}

const numbered = (prefix: string, kind: Kind): Record<string, FieldSpec> =>
  Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`${prefix}${n}`, { kind }]));

const DISPATCH_STRATEGIES = ['manual', 'auto', 'load', 'shipment', 'auto_shipment'] as const;
const PACK_STRATEGIES = ['disabled', 'pack_by_line', 'pack_by_unit'] as const;
export const GOODS_OUT_TYPES = ['sales_order', 'work_order', 'crossdock'] as const;

const GOODS_OUT_FIELDS: Record<string, FieldSpec> = {
  account_id: { kind: 'integer' },
  actual_date_of_dispatch: { kind: 'datetime' },
  carrier_id: { kind: 'integer' },
  carrier_service_id: { kind: 'integer' },
  customer_id: { kind: 'integer' },
  delivery_notes: { kind: 'string' },
  dispatch_strategy: { kind: DISPATCH_STRATEGIES },
  drop_sequence: { kind: 'integer', min: 0 },
  expected_date_of_dispatch: { kind: 'datetime' },
  external_system_reference1: { kind: 'string' },
  external_system_reference2: { kind: 'string' },
  external_system_reference3: { kind: 'string' },
  goods_out_status_id: { kind: 'integer' },
  goods_out_type: { kind: GOODS_OUT_TYPES },
  integration_id: { kind: 'integer' },
  load_reference: { kind: 'string' },
  location_id: { kind: 'integer' },
  order_notes: { kind: 'string' },
  order_type_id: { kind: 'integer' },
  original_delivery_address_id: { kind: 'integer' },
  pack_strategy: { kind: PACK_STRATEGIES },
  packing_notes: { kind: 'string', maxLength: 255 },
  pick_notes: { kind: 'string' },
  pick_reference: { kind: 'string' },
  pick_type: { kind: ['standard', 'tote'] },
  priority: { kind: 'integer', min: 1, max: 99 },
  reference: { kind: 'string', maxLength: 50 },
  short_order_lines_description: { kind: 'string' },
  short_order_lines_reason_code_id: { kind: 'integer' },
  warehouse_id: { kind: 'integer' },
  ...numbered('boolean', 'boolean'),
  ...numbered('datetime', 'datetime'),
  ...numbered('integer', 'integer'),
  ...numbered('string', 'string'),
};

export const GOODS_OUT_ATTRIBUTE_NAMES = Object.keys(GOODS_OUT_FIELDS).sort();

const REQUIRED_ON_CREATE = ['goods_out_type', 'account_id', 'reference', 'expected_date_of_dispatch'];

const LINE_FIELDS: Record<string, FieldSpec> = {
  alt_line_note: { kind: 'string' },
  alt_line_number: { kind: 'string' },
  alt_line_reference: { kind: 'string' },
  alt_product_code: { kind: 'string' },
  carrier_id: { kind: 'integer' },
  carrier_service_id: { kind: 'integer' },
  dispatch_strategy: { kind: DISPATCH_STRATEGIES },
  external_system_reference1: { kind: 'string' },
  external_system_reference2: { kind: 'string' },
  external_system_reference3: { kind: 'string' },
  goods_in_receipt_line_id: { kind: 'integer' },
  order_quantity: { kind: 'number', min: 0, exclusiveMin: true },
  order_quantity_dimension: { kind: ['length', 'area', 'volume', 'weight', 'none'] },
  ordered_configurations_quantity: { kind: 'number', min: 0, exclusiveMin: true },
  pack_strategy: { kind: PACK_STRATEGIES },
  product_id: { kind: 'integer' },
  stock_configuration: { kind: ['unit', 'case', 'inner', 'outer'] },
  stock_description: { kind: 'string' },
  stock_to_pick_id: { kind: 'integer' },
  storage_unit_reference: { kind: 'string' },
  ...numbered('boolean', 'boolean'),
  ...numbered('datetime', 'datetime'),
  ...Object.fromEntries(
    [1, 2, 3, 4, 5].flatMap((n) => [
      [`datetime${n}_from`, { kind: 'datetime' }],
      [`datetime${n}_to`, { kind: 'datetime' }],
    ]),
  ),
  ...numbered('integer', 'integer'),
  ...numbered('string', 'string'),
};

const ADDRESS_FIELDS: Record<string, FieldSpec> = {
  name: { kind: 'string' },
  address_1: { kind: 'string', maxLength: 80 },
  address_2: { kind: 'string', maxLength: 80 },
  address_3: { kind: 'string', maxLength: 80 },
  address_4: { kind: 'string', maxLength: 80 },
  address_5: { kind: 'string', maxLength: 80 },
  // The spec says maxLength 6 but describes an ISO code ('GB', 'US'); NOTES.md says alpha-2. See ASSUMPTIONS.md.
  country_code: { kind: 'string' },
  postcode: { kind: 'string', maxLength: 10 },
  email_address: { kind: 'string', maxLength: 254 },
  phone_number: { kind: 'string', maxLength: 50 },
  external_system_reference1: { kind: 'string' },
  external_system_reference2: { kind: 'string' },
  external_system_reference3: { kind: 'string' },
};

export const ADDRESS_ATTRIBUTE_NAMES = Object.keys(ADDRESS_FIELDS);

/** What the store needs to know to judge references to other records. */
export interface ValidationLookups {
  /** Whether the tenant has this account (a 3PL tenant holds many). */
  accountExists(id: number): boolean;
  productExists(id: number): boolean;
  warehouseExists(id: number): boolean;
  carrierExists(id: number): boolean;
  carrierServiceExists(id: number): boolean;
  /** Line ids of the goods out being updated (empty on create). */
  lineIds: ReadonlySet<number>;
}

export type LineChange =
  | { type: 'ADD'; attributes: Record<string, unknown> }
  | { type: 'UPDATE'; id: number; attributes: Record<string, unknown> }
  | { type: 'DESTROY'; id: number };

export interface ValidatedGoodsOut {
  errors: ClarusError[];
  /** Known header attributes that were present in the body (unknown ones are dropped). */
  attributes: Record<string, unknown>;
  /** Address attributes when `relationships.address` was given. */
  address?: Record<string, string | null>;
  lineChanges: LineChange[];
}

const SOURCE = { create: 'GoodsOuts::CreateService', update: 'GoodsOuts::UpdateService' } as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const ALPHA2 = /^[A-Z]{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateGoodsOutBody(
  body: unknown,
  mode: 'create' | 'update',
  lookups: ValidationLookups,
): ValidatedGoodsOut {
  const source = SOURCE[mode];
  const errors: ClarusError[] = [];
  const fail = (symbol: string, details: string, context: Record<string, unknown>) =>
    errors.push(clarusError(422, symbol, details, context, source));
  const result: ValidatedGoodsOut = { errors, attributes: {}, lineChanges: [] };

  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data)) {
    fail('invalid_request', 'Request body must be a JSON:API document with a data object', {
      attribute: 'data',
    });
    return result;
  }
  if (data.type !== 'goods_outs') {
    fail('invalid_type', 'data.type must be "goods_outs"', { attribute: 'type', expected: 'goods_outs' });
  }
  const attributes = data.attributes;
  if (!isRecord(attributes)) {
    fail('invalid_request', 'data.attributes must be an object', { attribute: 'attributes' });
    return result;
  }

  if (mode === 'create') {
    for (const name of REQUIRED_ON_CREATE) {
      const value = attributes[name];
      if (value === undefined || value === null || value === '') {
        fail('required', `${name} is required`, { attribute: name });
      }
    }
  }

  for (const [name, value] of Object.entries(attributes)) {
    const spec = GOODS_OUT_FIELDS[name];
    if (!spec || value === undefined) continue;
    if (value === null) {
      // Required attributes cannot be cleared on update either.
      if (REQUIRED_ON_CREATE.includes(name) && mode === 'update') {
        fail('required', `${name} cannot be blank`, { attribute: name });
      } else {
        result.attributes[name] = null;
      }
      continue;
    }
    if (checkField(name, value, spec, {}, fail)) result.attributes[name] = value;
  }

  checkReferences(result.attributes, {}, lookups, fail);

  if (attributes.lines_changes !== undefined) {
    if (!Array.isArray(attributes.lines_changes)) {
      fail('invalid_type', 'lines_changes must be an array', {
        attribute: 'lines_changes',
        expected: 'array',
      });
    } else {
      attributes.lines_changes.forEach((change, index) => {
        const parsed = validateLineChange(change, index, lookups, fail);
        if (parsed) result.lineChanges.push(parsed);
      });
    }
  }

  const address = validateAddress(data.relationships, fail);
  if (address) result.address = address;
  return result;
}

export type Fail = (symbol: string, details: string, context: Record<string, unknown>) => void;

/** Checks type, enum, length and range; returns whether the value can be stored. */
export function checkField(
  name: string,
  value: unknown,
  spec: FieldSpec,
  extraContext: Record<string, unknown>,
  fail: Fail,
): boolean {
  const ctx = (more: Record<string, unknown> = {}) => ({ attribute: name, ...extraContext, ...more });
  const kind = spec.kind;
  if (typeof kind !== 'string') {
    if (typeof value !== 'string' || !kind.includes(value)) {
      fail('inclusion', `${name} must be one of: ${kind.join(', ')}`, ctx({ allowed: [...kind] }));
      return false;
    }
    return true;
  }
  switch (kind) {
    case 'string':
    case 'datetime':
      if (typeof value !== 'string') {
        fail('invalid_type', `${name} must be a string`, ctx({ expected: kind }));
        return false;
      }
      if (kind === 'datetime' && (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))) {
        fail('invalid_datetime', `${name} must be an ISO 8601 date-time`, ctx());
        return false;
      }
      if (spec.maxLength !== undefined && value.length > spec.maxLength) {
        fail(
          'too_long',
          `${name} is too long (maximum is ${spec.maxLength} characters)`,
          ctx({ max_length: spec.maxLength, length: value.length }),
        );
        return false;
      }
      return true;
    case 'boolean':
      if (typeof value !== 'boolean') {
        fail('invalid_type', `${name} must be a boolean`, ctx({ expected: 'boolean' }));
        return false;
      }
      return true;
    case 'integer':
    case 'number': {
      const ok =
        typeof value === 'number' && (kind === 'number' ? Number.isFinite(value) : Number.isInteger(value));
      if (!ok) {
        fail(
          'invalid_type',
          `${name} must be ${kind === 'integer' ? 'an integer' : 'a number'}`,
          ctx({ expected: kind }),
        );
        return false;
      }
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) {
        const symbol = spec.exclusiveMin ? 'greater_than' : 'greater_than_or_equal_to';
        fail(
          symbol,
          `${name} must be ${spec.exclusiveMin ? 'greater than' : 'at least'} ${spec.min}`,
          ctx({ [symbol]: spec.min }),
        );
        return false;
      }
      if (spec.max !== undefined && value > spec.max) {
        fail(
          'less_than_or_equal_to',
          `${name} must be at most ${spec.max}`,
          ctx({ less_than_or_equal_to: spec.max }),
        );
        return false;
      }
      return true;
    }
  }
}

/** Ids that must point at records of this tenant. */
function checkReferences(
  attributes: Record<string, unknown>,
  extraContext: Record<string, unknown>,
  lookups: ValidationLookups,
  fail: Fail,
): void {
  const checks: [string, (id: number) => boolean, string][] = [
    ['account_id', lookups.accountExists, 'account_not_found'],
    ['warehouse_id', lookups.warehouseExists, 'warehouse_not_found'],
    ['carrier_id', lookups.carrierExists, 'carrier_not_found'],
    ['carrier_service_id', lookups.carrierServiceExists, 'carrier_service_not_found'],
    ['product_id', lookups.productExists, 'product_not_found'],
  ];
  for (const [name, exists, symbol] of checks) {
    const id = attributes[name];
    if (typeof id === 'number' && !exists(id)) {
      fail(symbol, `${name} ${id} does not exist`, { attribute: name, ...extraContext, value: id });
    }
  }
}

function validateLineChange(
  change: unknown,
  index: number,
  lookups: ValidationLookups,
  fail: Fail,
): LineChange | undefined {
  const where = { line_index: index };
  if (!isRecord(change)) {
    fail('invalid_type', 'each lines_changes entry must be an object', {
      attribute: 'lines_changes',
      ...where,
    });
    return undefined;
  }
  // The schema enum says DESTROY; the PATCH example says REMOVE. Both are accepted.
  const type = change.type === 'REMOVE' ? 'DESTROY' : change.type;
  if (type !== 'ADD' && type !== 'UPDATE' && type !== 'DESTROY') {
    fail('inclusion', 'lines_changes type must be one of: ADD, UPDATE, DESTROY', {
      attribute: 'type',
      ...where,
      allowed: ['ADD', 'UPDATE', 'DESTROY'],
    });
    return undefined;
  }
  let id: number | undefined;
  if (type !== 'ADD') {
    if (typeof change.id !== 'number' || !Number.isInteger(change.id)) {
      fail('required', `id is required for ${type}`, { attribute: 'id', ...where });
      return undefined;
    }
    if (!lookups.lineIds.has(change.id)) {
      fail('line_not_found', `goods out line ${change.id} does not exist on this goods out`, {
        attribute: 'id',
        ...where,
        value: change.id,
      });
      return undefined;
    }
    id = change.id;
    if (type === 'DESTROY') return { type, id };
  }

  const raw = change.attributes;
  if (raw !== undefined && !isRecord(raw)) {
    fail('invalid_type', 'line attributes must be an object', { attribute: 'attributes', ...where });
    return undefined;
  }
  const attributes: Record<string, unknown> = {};
  const given = raw ?? {};
  if (type === 'ADD') {
    for (const name of ['product_id', 'order_quantity']) {
      if (given[name] === undefined || given[name] === null) {
        fail('required', `${name} is required`, { attribute: name, ...where });
      }
    }
  }
  let valid = true;
  for (const [name, value] of Object.entries(given)) {
    const spec = LINE_FIELDS[name];
    if (!spec || value === undefined) continue;
    if (value === null) {
      if (name === 'product_id' || name === 'order_quantity') continue; // reported above for ADD
      attributes[name] = null;
      continue;
    }
    if (checkField(name, value, spec, where, fail)) attributes[name] = value;
    else valid = false;
  }
  checkReferences(attributes, where, lookups, fail);
  if (!valid) return undefined;
  return type === 'ADD' ? { type, attributes } : { type, id: id as number, attributes };
}

function validateAddress(relationships: unknown, fail: Fail): Record<string, string | null> | undefined {
  if (relationships === undefined || relationships === null) return undefined;
  if (!isRecord(relationships)) {
    fail('invalid_type', 'relationships must be an object', { attribute: 'relationships' });
    return undefined;
  }
  const rel = relationships.address;
  if (rel === undefined || rel === null) return undefined;
  const data = isRecord(rel) ? rel.data : undefined;
  if (!isRecord(data) || !isRecord(data.attributes)) {
    fail('invalid_request', 'relationships.address.data.attributes must be an object', {
      attribute: 'address',
    });
    return undefined;
  }
  if (data.type !== undefined && data.type !== 'addresses') {
    fail('invalid_type', 'relationships.address.data.type must be "addresses"', {
      attribute: 'address',
      expected: 'addresses',
    });
  }
  const where = { relationship: 'address' };
  const address: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(data.attributes)) {
    const spec = ADDRESS_FIELDS[name];
    if (!spec || value === undefined) continue; // `code` is read-only inline and unknown names are ignored
    if (value === null) {
      address[name] = null;
      continue;
    }
    if (!checkField(name, value, spec, where, fail) || typeof value !== 'string') continue;
    if (name === 'country_code' && !ALPHA2.test(value)) {
      fail('invalid_country_code', 'country_code must be an ISO 3166-1 alpha-2 code', {
        attribute: name,
        ...where,
        value,
      });
      continue;
    }
    if (name === 'email_address' && !EMAIL.test(value)) {
      fail('invalid_email', 'email_address is not a valid email address', { attribute: name, ...where });
      continue;
    }
    address[name] = value;
  }
  return address;
}
