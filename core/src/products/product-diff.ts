import type { ClarusProduct } from '../clarus';
import type { ClarusProductAttributes } from '../clarus/products';
import { normaliseBarcode } from '../reconciliation/plan';
import type { DesiredProduct } from './variant-mapping';

/**
 * Pure: the attributes of an existing Clarus product that differ from what the variant says it should be,
 * among those Clarus lets us read back (`products` node: `description`, `barcode`, `product_type`).
 * Empty when nothing changed: a product message that changes nothing Clarus holds writes nothing.
 * - `code` is the key the product was found by, so it never differs;
 * - `stock_unit_type_id` and `external_system_reference1` are not readable (not on the documented node):
 *   written on create only, never patched blind;
 * - a barcode is compared as a GTIN (leading zeros ignored, see `normaliseBarcode`); a variant without a
 *   barcode leaves Clarus's barcode as it is (the warehouse may have set one);
 * - `product_type` is compared as "bill of materials or not" when Clarus reports one (tenants may report
 *   values beyond the documented enum for single products).
 */
export function changedAttributes(desired: DesiredProduct, existing: ClarusProduct): ClarusProductAttributes {
  const want = desired.attributes;
  const changed: ClarusProductAttributes = {};
  if (existing.description !== undefined && (existing.description ?? '') !== want.description)
    changed.description = want.description;
  if (
    want.barcode !== undefined &&
    (existing.barcode === null || normaliseBarcode(existing.barcode) !== normaliseBarcode(want.barcode))
  )
    changed.barcode = want.barcode;
  const isBom = (type: string | null | undefined) => type === 'bill_of_materials';
  if (existing.productType && want.product_type && isBom(existing.productType) !== isBom(want.product_type))
    changed.product_type = want.product_type;
  return changed;
}
