import type { ClarusReads } from '../clarus';
import type { Logger } from '../logging';
import type { SkuTranslator } from '../mapping';
import type { CatalogueVariantRef, ProductGateway } from './product-gateway';
import type { GuardKnowledge } from './sku-guard-rules';

/*
 * The SKU guard's memory: every catalogue SKU by Clarus code (with its product) and the Clarus codes that
 * hold stock. Read in the background (start-up, then every `refreshMs`), never on the Extension's request
 * path: commercetools gives an Extension 2 s, and a Clarus or catalogue read can take longer.
 */

export interface SkuGuardCache {
  /** What the guard knows about the catalogue, for one product (its own SKUs excluded). */
  knowledgeFor(productId: string): GuardKnowledge;
  /** Remembers a product's SKUs as just accepted (until the next refresh replaces everything). */
  learn(productId: string, skus: readonly string[]): void;
  /** Reads the catalogue and Clarus stock again; keeps the previous memory when a read fails. */
  refresh(): Promise<void>;
  /** Refreshes now and then every `refreshMs` (timer unref'd); returns a stop function. */
  start(): () => void;
  /** ISO time of the last successful refresh (undefined before the first). */
  readonly refreshedAt: string | undefined;
}

export function createSkuGuardCache(deps: {
  gateway: Pick<ProductGateway, 'allVariants'>;
  clarus: Pick<ClarusReads, 'stockBalances'>;
  translator: SkuTranslator;
  logger: Logger;
  now: () => number;
  refreshMs: number;
}): SkuGuardCache {
  const { translator } = deps;
  /** Clarus code → (SKU → product ids). */
  let byCode = new Map<string, Map<string, Set<string>>>();
  let stocked = new Set<string>();
  let refreshedAt: string | undefined;

  const add = (index: Map<string, Map<string, Set<string>>>, productId: string, sku: string) => {
    const code = translator.toClarus(sku);
    const skus = index.get(code) ?? new Map<string, Set<string>>();
    index.set(code, skus);
    const products = skus.get(sku) ?? new Set<string>();
    skus.set(sku, products);
    products.add(productId);
  };

  const cache: SkuGuardCache = {
    knowledgeFor(productId) {
      return {
        otherSkusWithCode(code) {
          const skus = byCode.get(code);
          if (!skus) return [];
          // A SKU counts as another's when some other product has it (not only this one).
          return [...skus]
            .filter(([, products]) => [...products].some((id) => id !== productId))
            .map(([sku]) => sku)
            .sort();
        },
        isStocked: (code) => stocked.has(code),
      };
    },

    learn(productId, skus) {
      for (const sku of skus) add(byCode, productId, sku);
    },

    async refresh() {
      try {
        const variants: CatalogueVariantRef[] = await deps.gateway.allVariants();
        const next = new Map<string, Map<string, Set<string>>>();
        for (const v of variants) add(next, v.productId, v.sku);
        const nextStocked = new Set<string>();
        for await (const page of deps.clarus.stockBalances({}))
          for (const b of page.nodes) if (b.available + b.allocated > 0) nextStocked.add(b.product.code);
        byCode = next;
        stocked = nextStocked;
        refreshedAt = new Date(deps.now()).toISOString();
        deps.logger.info('sku guard memory refreshed', {
          variants: variants.length,
          stockedCodes: stocked.size,
        });
      } catch (error) {
        deps.logger.warn('sku guard memory refresh failed; keeping the previous one', { error });
      }
    },

    start() {
      void cache.refresh();
      const timer = setInterval(() => void cache.refresh(), deps.refreshMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    get refreshedAt() {
      return refreshedAt;
    },
  };
  return cache;
}
