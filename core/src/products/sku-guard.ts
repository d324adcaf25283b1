import { z } from 'zod';
import type { ProductsConfig, SkuRules } from '../config';
import type { Logger } from '../logging';
import type { SkuTranslator } from '../mapping';
import type { ExceptionKind, ExceptionStore } from '../operations';
import type { SkuGuardCache } from './sku-guard-cache';
import { compileSkuFormat, guardVariantsOf, guardViolations, type GuardViolation } from './sku-guard-rules';

/*
 * The SKU guard use case behind the commercetools API Extension (POST /commercetools/extensions/products).
 * Input: the Extension request `{action, resource:{typeId, id, obj}, oldResource?}` (commercetools docs,
 * "API Extensions › Input"); output: accept, or refuse with the violations. Answers from memory only.
 */

export const KIND_SKU_GUARD: ExceptionKind = 'sku-guard-violation';

/** The Extension request body, the parts the guard reads. */
export const extensionInputSchema = z.object({
  action: z.enum(['Create', 'Update']),
  resource: z.object({
    typeId: z.literal('product', { error: 'resource.typeId must be product' }),
    id: z.string().optional(),
    obj: z.record(z.string(), z.unknown()),
  }),
  oldResource: z
    .object({ typeId: z.string(), id: z.string().optional(), obj: z.record(z.string(), z.unknown()) })
    .optional(),
});
export type ExtensionInput = z.infer<typeof extensionInputSchema>;

export type GuardDecision =
  /** `recorded`: the background write of the warn-mode exception (tests await it; the route does not). */
  | { kind: 'accept'; violations: GuardViolation[]; recorded: Promise<void> }
  | { kind: 'refuse'; violations: GuardViolation[] };

export interface SkuGuard {
  /** Decides from memory; in `warn` mode raises the exception in the background and accepts. */
  check(input: ExtensionInput): GuardDecision;
}

export function createSkuGuard(deps: {
  config: Pick<ProductsConfig, 'skuGuard' | 'skuFormat'>;
  skuRules: SkuRules;
  translator: SkuTranslator;
  cache: SkuGuardCache;
  exceptions: ExceptionStore;
  logger: Logger;
}): SkuGuard {
  const settings = { skuFormat: compileSkuFormat(deps.config.skuFormat), skuRules: deps.skuRules };
  const mode = deps.config.skuGuard;

  return {
    check(input) {
      const productId = input.resource.id ?? String(input.resource.obj.id ?? '');
      const variants = guardVariantsOf(input.resource.obj);
      const oldVariants = input.oldResource ? guardVariantsOf(input.oldResource.obj) : undefined;
      const violations =
        mode === 'off'
          ? []
          : guardViolations(
              { action: input.action, variants, ...(oldVariants ? { oldVariants } : {}) },
              deps.cache.knowledgeFor(productId),
              settings,
              deps.translator,
            );
      if (violations.length && mode === 'reject') {
        deps.logger.info('sku guard refused a product change', {
          productId,
          rules: violations.map((v) => v.rule),
        });
        return { kind: 'refuse', violations };
      }
      deps.cache.learn(
        productId,
        variants.map((v) => v.sku).filter((s): s is string => !!s),
      );
      const recorded = mode === 'warn' && productId ? record(productId, violations) : Promise.resolve();
      return { kind: 'accept', violations, recorded };
    },
  };

  /** Off the request path: the Extension's answer never waits for commercetools Custom Objects. */
  async function record(productId: string, violations: GuardViolation[]): Promise<void> {
    try {
      if (!violations.length) {
        await deps.exceptions.resolve(KIND_SKU_GUARD, { type: 'product', id: productId });
        return;
      }
      await deps.exceptions.raise({
        kind: KIND_SKU_GUARD,
        entity: { type: 'product', id: productId, ...(violations[0]?.sku ? { sku: violations[0].sku } : {}) },
        message: `commercetools product ${productId} was saved with SKUs the guard would refuse: ${violations.map((v) => v.message).join(' ')}`,
        details: {
          productId,
          violations: violations.map(({ rule, sku, variantId }) => ({ rule, sku, variantId })),
        },
      });
    } catch (error) {
      deps.logger.warn('could not record a sku guard warning', { productId, error });
    }
  }
}

/** The commercetools Extension answer refusing a change: one `InvalidInput` error per violation. */
export function extensionRefusal(violations: readonly GuardViolation[]): {
  errors: { code: 'InvalidInput'; message: string }[];
} {
  return { errors: violations.map((v) => ({ code: 'InvalidInput', message: v.message })) };
}
