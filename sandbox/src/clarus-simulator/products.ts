import { clarusError, NotFoundError, UnprocessableError, type ClarusError } from './errors';
import type { Store } from './store';
import type { Product } from './types';
import { checkField, type Fail, type FieldSpec } from './validation';

/*
 * Product writes (clarus-api.json `POST /api/products`, `PATCH /api/products/{id}`,
 * `POST /api/products/{product_id}/account_products`, `POST /api/products/{product_id}/materials`).
 * Validated against `ProductAttributes`: required `description` (≤ 150) and `stock_unit_type_id` on create,
 * `code` ≤ 50. Where the spec is silent (ASSUMPTIONS.md "Products"): a created product belongs to no
 * account until assigned; codes are unique per account (checked on assignment, and among unassigned
 * products on create); a product is assigned to one account; `code` is required on create.
 */

const PRODUCT_FIELDS: Record<string, FieldSpec> = {
  code: { kind: 'string', maxLength: 50 },
  description: { kind: 'string', maxLength: 150 },
  stock_unit_type_id: { kind: 'integer', min: 1 },
  barcode: { kind: 'string' },
  long_description: { kind: 'string' },
  product_type: { kind: ['single', 'bill_of_materials'] },
  external_system_reference1: { kind: 'string' },
  external_system_reference2: { kind: 'string' },
  external_system_reference3: { kind: 'string' },
};
const REQUIRED_ON_CREATE = ['code', 'description', 'stock_unit_type_id'];
const SOURCE = { create: 'Products::CreateService', update: 'Products::UpdateService' } as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `data.attributes` of a JSON:API body of `type`, or the 422 entries explaining why not. */
function attributesOf(body: unknown, type: string, fail: Fail): Record<string, unknown> | undefined {
  const data = isRecord(body) ? body.data : undefined;
  if (!isRecord(data) || data.type !== type || !isRecord(data.attributes)) {
    fail('invalid_request', `Request body must be {data:{type:"${type}", attributes:{…}}}`, {
      attribute: 'data',
    });
    return undefined;
  }
  return data.attributes;
}

function validated(body: unknown, mode: 'create' | 'update'): Record<string, unknown> {
  const errors: ClarusError[] = [];
  const fail: Fail = (symbol, details, context) =>
    errors.push(clarusError(422, symbol, details, context, SOURCE[mode]));
  const attributes = attributesOf(body, 'products', fail) ?? {};
  const out: Record<string, unknown> = {};
  for (const name of mode === 'create' ? REQUIRED_ON_CREATE : []) {
    const value = attributes[name];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
      fail('blank', `${name} can't be blank`, { attribute: name });
  }
  for (const [name, value] of Object.entries(attributes)) {
    const spec = PRODUCT_FIELDS[name];
    if (!spec || value === undefined) continue;
    if (
      value === null ||
      (typeof value === 'string' && value.trim() === '' && REQUIRED_ON_CREATE.includes(name))
    ) {
      if (mode === 'update' && REQUIRED_ON_CREATE.includes(name))
        fail('blank', `${name} can't be blank`, { attribute: name });
      continue;
    }
    if (checkField(name, value, spec, {}, fail)) out[name] = value;
  }
  if (errors.length) throw new UnprocessableError(errors);
  return out;
}

const taken = (code: string, where: string) =>
  new UnprocessableError([
    clarusError(
      422,
      'taken',
      `code ${code} has already been taken ${where}`,
      { attribute: 'code', value: code },
      null,
    ),
  ]);

/** `POST /api/products`: a new, unassigned product. */
export function createProduct(store: Store, body: unknown): Product {
  const attributes = validated(body, 'create');
  const code = attributes.code as string;
  if ([...store.products.values()].some((p) => p.account_id === null && p.code === code))
    throw taken(code, 'by a product not assigned to an account');
  const product: Product = {
    id: store.nextId('product'),
    code,
    barcode: (attributes.barcode as string | undefined) ?? null,
    description: attributes.description as string,
    long_description: (attributes.long_description as string | undefined) ?? null,
    product_type: (attributes.product_type as string | undefined) ?? 'single',
    units_per_case: 1,
    shelf_life_min: null,
    shelf_life_max: null,
    commodity_code: null,
    country_of_manufacture: null,
    account_id: null,
    stock_unit_type_id: attributes.stock_unit_type_id as number,
    external_system_reference1: (attributes.external_system_reference1 as string | undefined) ?? null,
    materials: [],
  };
  store.products.set(product.id, product);
  store.touch();
  return product;
}

/** `PATCH /api/products/{id}`: the attributes given. */
export function updateProduct(store: Store, id: number, body: unknown): Product {
  const product = store.products.get(id);
  if (!product) throw new NotFoundError('Product', id);
  const attributes = validated(body, 'update');
  const code = attributes.code as string | undefined;
  if (code !== undefined && code !== product.code) {
    const clash = [...store.products.values()].some(
      (p) => p.id !== id && p.code === code && p.account_id === product.account_id,
    );
    if (clash) throw taken(code, 'in this account');
  }
  Object.assign(product, attributes);
  store.touch();
  return product;
}

/** `POST /api/products/{id}/account_products`: answers the documented `{id, account_id, product_id}`. */
export function assignProductToAccount(
  store: Store,
  productId: number,
  body: unknown,
): { id: number; account_id: number; product_id: number } {
  const product = store.products.get(productId);
  if (!product) throw new NotFoundError('Product', productId);
  const errors: ClarusError[] = [];
  const fail: Fail = (symbol, details, context) =>
    errors.push(clarusError(422, symbol, details, context, 'AccountProducts::CreateService'));
  const attributes = attributesOf(body, 'account_products', fail);
  const accountId = attributes?.account_id;
  if (attributes && (typeof accountId !== 'number' || !store.accounts.has(accountId)))
    fail('invalid', 'account_id must be the id of a stock account', { attribute: 'account_id' });
  if (errors.length) throw new UnprocessableError(errors);
  const account = accountId as number;
  if (product.account_id !== null)
    throw new UnprocessableError([
      clarusError(
        422,
        'taken',
        `product ${productId} is already assigned to an account`,
        { attribute: 'account_id' },
        null,
      ),
    ]);
  if (store.productByCode(product.code, account)) throw taken(product.code, 'in this account');
  product.account_id = account;
  store.touch();
  return { id: store.nextId('accountProduct'), account_id: account, product_id: productId };
}

/** `POST /api/products/{id}/materials`: one component of a bill of materials. */
export function addProductMaterial(store: Store, productId: number, body: unknown): Record<string, unknown> {
  const product = store.products.get(productId);
  if (!product) throw new NotFoundError('Product', productId);
  const errors: ClarusError[] = [];
  const fail: Fail = (symbol, details, context) =>
    errors.push(clarusError(422, symbol, details, context, 'ProductMaterials::CreateService'));
  const attributes = attributesOf(body, 'product_materials', fail);
  const child = attributes?.child_product_id;
  const quantity = attributes?.quantity;
  if (attributes && (typeof child !== 'number' || !store.products.has(child)))
    fail('invalid', 'child_product_id must be the id of a product', { attribute: 'child_product_id' });
  if (attributes && (typeof quantity !== 'number' || !(quantity > 0)))
    fail('greater_than', 'quantity must be greater than 0', { attribute: 'quantity' });
  if (errors.length) throw new UnprocessableError(errors);
  product.materials.push({ child_product_id: child as number, quantity: quantity as number });
  return {
    data: {
      id: String(product.materials.length),
      type: 'product_materials',
      attributes: { quantity, parent_product_id: productId, child_product_id: child },
    },
  };
}
