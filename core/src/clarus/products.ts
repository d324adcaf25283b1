import { encodeId, recordOf } from './goods-outs';
import type { ApiCall } from './request';
import type { ClarusCallOptions } from './types';

/**
 * `components.schemas.ProductAttributes` of clarus-api.json, the part the product sync writes. Required on
 * create: `description` (≤ 150) and `stock_unit_type_id`; `code` is ≤ 50.
 */
export interface ClarusProductAttributes {
  code?: string;
  description?: string;
  stock_unit_type_id?: number;
  barcode?: string;
  product_type?: 'single' | 'bill_of_materials';
  external_system_reference1?: string;
}

/** The Clarus product writes (REST, JSON:API). Writes are never retried (see request.ts). */
export interface ProductOperations {
  /**
   * `POST {restPrefix}/products` with `{data:{type:"products", attributes}}`; answers the new id. On a
   * timeout or 5xx the product may exist (`error.mayHaveSucceeded`): look the code up before creating again.
   */
  createProduct(attributes: ClarusProductAttributes, options?: ClarusCallOptions): Promise<{ id: number }>;
  /** `PATCH {restPrefix}/products/{id}` with only the attributes given. */
  updateProduct(
    id: number,
    attributes: ClarusProductAttributes,
    options?: ClarusCallOptions,
  ): Promise<{ id: number }>;
  /**
   * `POST {restPrefix}/products/{id}/account_products` with `{data:{type:"account_products",
   * attributes:{account_id}}}`: assigns the product to a stock account (shared 3PL tenants).
   */
  assignProductToAccount(productId: number, accountId: number, options?: ClarusCallOptions): Promise<void>;
  /**
   * `POST {restPrefix}/products/{id}/materials` with `{data:{type:"product_materials",
   * attributes:{child_product_id, quantity}}}`: one component of a bill-of-materials product.
   */
  addProductMaterial(
    productId: number,
    material: { childProductId: number; quantity: number },
    options?: ClarusCallOptions,
  ): Promise<void>;
}

export function createProductOperations(deps: { call: ApiCall; restPrefix: string }): ProductOperations {
  const base = `${deps.restPrefix}/products`;
  const headers = { 'content-type': 'application/json' };
  const body = (type: string, attributes: object) => JSON.stringify({ data: { type, attributes } });
  /** `POST {base}/{id}/{child}` with the JSON:API body its type names (`materials` → `product_materials`). */
  const postChild = async (
    productId: number,
    child: 'account_products' | 'materials',
    attributes: object,
    options: ClarusCallOptions,
  ) => {
    const path = `${base}/${encodeId(productId)}/${child}`;
    const type = child === 'materials' ? 'product_materials' : child;
    const operation = `POST ${path}`;
    await deps.call(
      { method: 'POST', path, kind: 'write', operation, headers, body: body(type, attributes) },
      options,
    );
  };

  return {
    async createProduct(attributes, options = {}) {
      const operation = `POST ${base}`;
      const response = await deps.call(
        { method: 'POST', path: base, kind: 'write', operation, headers, body: body('products', attributes) },
        options,
      );
      return { id: recordOf(response, operation, true).id };
    },

    async updateProduct(id, attributes, options = {}) {
      const path = `${base}/${encodeId(id)}`;
      const operation = `PATCH ${path}`;
      await deps.call(
        { method: 'PATCH', path, kind: 'write', operation, headers, body: body('products', attributes) },
        options,
      );
      return { id };
    },

    async assignProductToAccount(productId, accountId, options = {}) {
      await postChild(productId, 'account_products', { account_id: accountId }, options);
    },

    async addProductMaterial(productId, material, options = {}) {
      await postChild(
        productId,
        'materials',
        { child_product_id: material.childProductId, quantity: material.quantity },
        options,
      );
    },
  };
}
