import type { ByProjectKeyRequestBuilder, ProductProjection } from '@commercetools/platform-sdk';
import { bodyUnlessNotFound, predicateString } from '../commercetools';

/** commercetools reads of the product sync and the SKU guard (official SDK, over HTTP). */
export interface ProductGateway {
  /** The product's current (published) projection; undefined when it is unpublished or deleted. */
  publishedProduct(productId: string): Promise<ProductProjection | undefined>;
  /** Published products with a variant carrying one of these SKUs (chunks of 50 SKUs, up to 500 products each). */
  publishedProductsWithSkus(skus: readonly string[]): Promise<ProductProjection[]>;
  /** Every variant SKU of the catalogue (staged and current), page by page by id. */
  allVariants(): Promise<CatalogueVariantRef[]>;
}

/** One variant of the catalogue as the SKU guard remembers it. */
export interface CatalogueVariantRef {
  productId: string;
  variantId: number;
  sku: string;
}

const SKU_CHUNK = 50;
const PAGE = 500;

export function createProductGateway(api: ByProjectKeyRequestBuilder): ProductGateway {
  return {
    async publishedProduct(productId) {
      return bodyUnlessNotFound(
        api
          .productProjections()
          .withId({ ID: productId })
          .get({ queryArgs: { staged: false } }),
      );
    },

    async publishedProductsWithSkus(skus) {
      const out = new Map<string, ProductProjection>();
      const list = [...new Set(skus)];
      for (let i = 0; i < list.length; i += SKU_CHUNK) {
        const chunk = list
          .slice(i, i + SKU_CHUNK)
          .map(predicateString)
          .join(',');
        const response = await api
          .productProjections()
          .get({
            queryArgs: {
              staged: false,
              where: `masterVariant(sku in (${chunk})) or variants(sku in (${chunk}))`,
              limit: PAGE,
              withTotal: false,
            },
          })
          .execute();
        for (const product of response.body.results) out.set(product.id, product);
      }
      return [...out.values()];
    },

    async allVariants() {
      const out: CatalogueVariantRef[] = [];
      let lastId: string | undefined;
      for (;;) {
        const response = await api
          .products()
          .get({
            queryArgs: {
              where: lastId ? `id > ${predicateString(lastId)}` : undefined,
              sort: 'id asc',
              limit: PAGE,
              withTotal: false,
            },
          })
          .execute();
        const page = response.body.results;
        for (const product of page) {
          const { current, staged } = product.masterData;
          for (const data of [current, staged])
            for (const variant of [data.masterVariant, ...data.variants])
              if (variant.sku) out.push({ productId: product.id, variantId: variant.id, sku: variant.sku });
        }
        if (page.length < PAGE) return out;
        lastId = page[page.length - 1]?.id;
      }
    },
  };
}
