import type { ClarusClient, ClarusProduct } from '../clarus';
import type { AppConfig } from '../config';
import type { Logger } from '../logging';
import type { InventoryGateway } from '../inventory/inventory-gateway';
import { buildSkuIndex, skuCollisionMessage, type SkuTranslator } from '../mapping';
import type { ExceptionKind, ExceptionStore } from '../operations';
import { classifyExportFailure, describeRejection, type ExportClaims } from '../orders';
import { createProductOnce } from './create-product';
import type { ProductGateway } from './product-gateway';
import { desiredProducts, planProductSteps, type VariantStep } from './product-plan';
import { variantMappingSettings } from './variant-mapping';

/*
 * The product sync use case (PRODUCT_MASTER=commercetools): read the product as it is now → plan each
 * variant (product-plan.ts) → write (patch changed fields, create under a claim: create-product.ts) →
 * record (exceptions raised and resolved). The message is only a trigger.
 */

export const KIND_PRODUCT_REJECTED: ExceptionKind = 'product-sync-rejected';
export const KIND_PRODUCT_UNPUBLISHED: ExceptionKind = 'product-unpublished';
const KIND_SKU_COLLISION: ExceptionKind = 'sku-collision';

export type ProductSyncOutcome =
  | {
      kind: 'synced';
      productId: string;
      created: number;
      updated: number;
      unchanged: number;
      rejected: number;
      skipped: number;
    }
  /** PRODUCT_MASTER is off, or the product is no longer published (its Unpublished/Deleted message acts). */
  | { kind: 'ignored'; productId: string; reason: string }
  /** Unpublished or deleted: an exception asks a person; nothing is deleted in Clarus. */
  | { kind: 'withdrawn'; productId: string }
  | { kind: 'retry_later'; productId: string; reason: string; retryAfterMs?: number };

export interface ProductSync {
  /** Creates or updates the Clarus product of every variant of the published product. */
  syncProduct(productId: string, options: { deadline: number }): Promise<ProductSyncOutcome>;
  /**
   * Re-syncs the published products carrying these SKUs (the master-data audit's drift); `synced` lists the
   * given SKUs whose product synced without a rejection. `deadlineMs` is the budget per product.
   */
  syncSkus(
    skus: readonly string[],
    options: { deadlineMs: number },
  ): Promise<{ outcomes: ProductSyncOutcome[]; synced: string[] }>;
  /** A product was unpublished or deleted: raises `product-unpublished`, deletes nothing in Clarus. */
  productWithdrawn(
    productId: string,
    how: 'unpublished' | 'deleted',
    skus: readonly string[],
  ): Promise<ProductSyncOutcome>;
}

export interface ProductSyncDeps {
  gateway: ProductGateway;
  /** Which of some SKUs are catalogue variants (staged): finds other SKUs with a variant's Clarus code. */
  catalogue: Pick<InventoryGateway, 'skusWithVariants'>;
  clarus: Pick<
    ClarusClient,
    | 'findProductsByCodes'
    | 'createProduct'
    | 'updateProduct'
    | 'assignProductToAccount'
    | 'addProductMaterial'
  >;
  claims: ExportClaims;
  exceptions: ExceptionStore;
  skus: SkuTranslator;
  config: Pick<AppConfig, 'products' | 'mapping'> & { clarus: Pick<AppConfig['clarus'], 'accountId'> };
  logger: Logger;
  now: () => number;
  holdMs: number;
}

export function createProductSync(deps: ProductSyncDeps): ProductSync {
  const { config, logger } = deps;
  const settings = variantMappingSettings(config.products, config.mapping);

  async function syncProduct(productId: string, options: { deadline: number }): Promise<ProductSyncOutcome> {
    if (config.products.master !== 'commercetools' || !settings)
      return { kind: 'ignored', productId, reason: 'PRODUCT_MASTER is off' };
    try {
      const product = await deps.gateway.publishedProduct(productId);
      if (!product) return { kind: 'ignored', productId, reason: 'not published' };
      // Published again: a withdrawal waiting for a person's decision is moot.
      await deps.exceptions.resolve(KIND_PRODUCT_UNPUBLISHED, { type: 'product', id: productId });
      const planned = desiredProducts(product, settings, deps.skus);
      const collisions = await collisionsOf(planned.desired.map((d) => d.sku));
      const desired = planned.desired.filter((d) => !collisions.has(d.code));
      for (const [code, skus] of collisions)
        await deps.exceptions.raise({
          kind: KIND_SKU_COLLISION,
          entity: { type: 'sku', id: code },
          message: skuCollisionMessage({ code, skus }),
          details: { clarusCode: code, skus, source: 'product-sync', productId },
        });
      const codes = planned.codes.filter((c) => !collisions.has(c));
      const found = codes.length ? await deps.clarus.findProductsByCodes(codes, options) : [];
      const byCode = new Map<string, ClarusProduct>(found.map((p) => [p.code, p]));
      const steps = [...planned.rejected, ...planProductSteps(desired, byCode)];
      const outcome = await write(productId, steps, byCode, planned.skipped, options.deadline);
      return outcome.kind === 'synced'
        ? { ...outcome, rejected: outcome.rejected + collisions.size }
        : outcome;
    } catch (err) {
      const failure = classifyExportFailure(err);
      if (failure.class === 'permanent' || failure.class === 'unexpected') throw err;
      return retry(productId, failure.reason, failure.retryAfterMs);
    }
  }

  /**
   * Clarus codes of these SKUs that another catalogue SKU shares under CLARUS_SKU_RULES (invariant 8:
   * reported, never merged — the product would be someone else's too). One catalogue query of the codes'
   * candidate SKUs (`SkuTranslator.candidates`), through the one index.
   */
  async function collisionsOf(skus: string[]): Promise<Map<string, string[]>> {
    const candidates = new Set(skus.flatMap((sku) => deps.skus.candidates(deps.skus.toClarus(sku))));
    const others = candidates.size
      ? await deps.catalogue.skusWithVariants([...candidates].sort())
      : new Set<string>();
    const index = buildSkuIndex(deps.skus, [...skus, ...others]);
    return new Map(index.collisions.map((c) => [c.code, c.skus]));
  }

  async function write(
    productId: string,
    steps: VariantStep[],
    byCode: Map<string, ClarusProduct>,
    skipped: number,
    deadline: number,
  ): Promise<ProductSyncOutcome> {
    const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0, skipped };
    const ids = new Map([...byCode].map(([code, p]) => [code, p.id]));
    const ok: string[] = [];
    let retryLater: { reason: string; retryAfterMs?: number } | undefined;
    for (const step of steps) {
      if (step.kind === 'rejected') {
        counts.rejected += 1;
        await raiseRejected(productId, step.sku, step.problems.join('; '));
        continue;
      }
      if (step.kind === 'unchanged') {
        counts.unchanged += 1;
        ok.push(step.desired.sku);
        continue;
      }
      if (step.kind === 'patch') {
        try {
          await deps.clarus.updateProduct(step.clarusId, step.attributes, { deadline });
          counts.updated += 1;
          ok.push(step.desired.sku);
        } catch (err) {
          const failure = classifyExportFailure(err);
          if (failure.class !== 'permanent') return retry(productId, failure.reason, failure.retryAfterMs);
          counts.rejected += 1;
          await raiseRejected(productId, step.desired.sku, describeRejection(failure));
        }
        continue;
      }
      const outcome = await createProductOnce(
        { ...deps, accountId: config.clarus.accountId },
        step.desired,
        ids,
        deadline,
      );
      if (outcome.kind === 'retry_later') {
        retryLater ??= outcome;
        continue;
      }
      if (outcome.kind === 'rejected') {
        counts.rejected += 1;
        await raiseRejected(productId, step.desired.sku, describeRejection(outcome.failure));
        continue;
      }
      ids.set(step.desired.code, outcome.clarusId);
      if (outcome.kind === 'created') counts.created += 1;
      else counts.unchanged += 1;
      ok.push(step.desired.sku);
    }
    await resolveSynced(ok);
    if (retryLater) return retry(productId, retryLater.reason, retryLater.retryAfterMs);
    logger.info('product synced to Clarus', { productId, ...counts });
    return { kind: 'synced', productId, ...counts };
  }

  function retry(productId: string, reason: string, retryAfterMs?: number): ProductSyncOutcome {
    logger.warn('product sync will be retried', { productId, reason });
    return {
      kind: 'retry_later',
      productId,
      reason,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  async function raiseRejected(productId: string, sku: string, reason: string): Promise<void> {
    await deps.exceptions.raise({
      kind: KIND_PRODUCT_REJECTED,
      entity: { type: 'sku', id: sku, sku },
      message: `SKU ${sku} (commercetools product ${productId}) is not a Clarus product: ${reason}.`,
      details: { productId, reason },
    });
  }

  /** Resolves `product-sync-rejected` of SKUs now in Clarus (one query for the open ones, not one per SKU). */
  async function resolveSynced(skus: string[]): Promise<void> {
    if (!skus.length) return;
    const open = await deps.exceptions.list({ kind: KIND_PRODUCT_REJECTED, status: 'open' });
    const synced = new Set(skus);
    for (const record of open)
      if (synced.has(record.entity.id)) await deps.exceptions.resolveByKey(record.key);
  }

  return {
    syncProduct,

    async syncSkus(skus, options) {
      if (config.products.master !== 'commercetools' || !skus.length) return { outcomes: [], synced: [] };
      const wanted = new Set(skus);
      const products = await deps.gateway.publishedProductsWithSkus(skus);
      const outcomes: ProductSyncOutcome[] = [];
      const synced: string[] = [];
      for (const product of products) {
        const outcome = await syncProduct(product.id, { deadline: deps.now() + options.deadlineMs });
        outcomes.push(outcome);
        if (outcome.kind !== 'synced' || outcome.rejected > 0) continue;
        for (const v of [product.masterVariant, ...product.variants])
          if (v.sku && wanted.has(v.sku)) synced.push(v.sku);
      }
      return { outcomes, synced: synced.sort() };
    },

    async productWithdrawn(productId, how, skus) {
      if (config.products.master !== 'commercetools')
        return { kind: 'ignored', productId, reason: 'PRODUCT_MASTER is off' };
      const list = skus.length ? ` (SKUs ${skus.join(', ')})` : '';
      await deps.exceptions.raise({
        kind: KIND_PRODUCT_UNPUBLISHED,
        entity: { type: 'product', id: productId },
        message:
          `commercetools product ${productId}${list} was ${how}. Its Clarus products were kept (the warehouse ` +
          'may hold stock): decide in Clarus whether to stop or retire them.',
        details: { productId, how, skus: [...skus] },
      });
      return { kind: 'withdrawn', productId };
    },
  };
}
