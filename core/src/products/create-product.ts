import type { ClarusClient, ClarusProduct } from '../clarus';
import { customObjectKey } from '../commercetools';
import { classifyExportFailure, pendingInHold, type ClassifiedFailure, type ExportClaims } from '../orders';
import type { DesiredProduct } from './variant-mapping';

/*
 * Write stage: create one Clarus product exactly once, under a per-code claim (the order export's claim
 * discipline and Custom Object claims, in their own container — docs/adr/0002, 0006): only the holder of a
 * live lease creates; the code to create is recorded (`pending`) before the create is sent, so an answer
 * lost in transit is looked up (this account's products, by code) and never created twice inside the hold.
 */

/** Custom Object container of the product claims (one per Clarus code). */
export const PRODUCT_CLAIMS_CONTAINER = 'clarus-product-claims';

/** The claim key of a Clarus code. */
export const productClaimKey = (code: string) => customObjectKey('product', code);

export type CreateOutcome =
  | { kind: 'created'; clarusId: number }
  /** Another attempt created it (or Clarus already had it): nothing written by this one. */
  | { kind: 'adopted'; clarusId: number }
  /** Another attempt holds the claim, an ambiguous create is in its hold, or Clarus failed for now. */
  | { kind: 'retry_later'; reason: string; retryAfterMs?: number }
  /** Clarus refused it for good (422 …): the failure says why. */
  | { kind: 'rejected'; failure: ClassifiedFailure };

export interface CreateProductDeps {
  clarus: Pick<
    ClarusClient,
    'createProduct' | 'assignProductToAccount' | 'addProductMaterial' | 'findProductsByCodes'
  >;
  claims: ExportClaims;
  accountId: number;
  now: () => number;
  /** How long no attempt creates a code again after an ambiguous create (default: the order export's). */
  holdMs: number;
}

/**
 * Creates the Clarus product of `desired` (then assigns it to the account, then adds its materials, whose
 * Clarus ids `componentIds` gives by code). Never throws for Clarus or claim failures: the outcome says.
 */
export async function createProductOnce(
  deps: CreateProductDeps,
  desired: DesiredProduct,
  componentIds: ReadonlyMap<string, number>,
  deadline: number,
): Promise<CreateOutcome> {
  const { clarus, claims } = deps;
  const key = productClaimKey(desired.code);
  const options = { deadline };
  let acquired;
  try {
    acquired = await claims.acquire({ id: key, orderNumber: desired.sku });
  } catch (err) {
    return failed(classifyExportFailure(err));
  }
  if (acquired.kind === 'busy')
    return { kind: 'retry_later', reason: `product ${desired.code} is being created` };
  const known = acquired.claim.value.goodsOuts[desired.code];
  if (acquired.kind === 'finished' && known) return { kind: 'adopted', clarusId: known };

  let claim = acquired.claim;
  try {
    let clarusId = known;
    let assigned = false;
    if (clarusId === undefined && acquired.kind === 'acquired' && acquired.earlierAttempt) {
      // An earlier attempt may have created it: this account's product with the code, if Clarus shows one.
      const found = await findOwn(clarus, desired.code, options);
      if (found) {
        clarusId = found.id;
        assigned = true;
      } else if (pendingInHold(claim.value.pending, new Map(), deps.now(), deps.holdMs).length) {
        await claims.settle(claim, {});
        return {
          kind: 'retry_later',
          reason: `an earlier create of product ${desired.code} may still appear`,
        };
      }
    }
    let created = false;
    if (clarusId === undefined) {
      claim = await claims.record(claim, {
        pending: [{ reference: desired.code, at: new Date(deps.now()).toISOString() }],
      });
      clarusId = (await clarus.createProduct(desired.attributes, options)).id;
      created = true;
      claim = await claims.record(claim, { goodsOuts: { [desired.code]: clarusId }, pending: [] });
    } else if (!assigned) {
      // Known from the claim: assigned already when this account's look-up shows it.
      assigned = (await findOwn(clarus, desired.code, options)) !== undefined;
    }
    if (!assigned) await clarus.assignProductToAccount(clarusId, deps.accountId, options);
    if (created)
      for (const m of desired.materials) {
        const childProductId = componentIds.get(m.code);
        if (childProductId !== undefined)
          await clarus.addProductMaterial(clarusId, { childProductId, quantity: m.quantity }, options);
      }
    await claims.settle(claim, { status: 'exported', goodsOuts: { [desired.code]: clarusId }, failures: 0 });
    return created ? { kind: 'created', clarusId } : { kind: 'adopted', clarusId };
  } catch (err) {
    const failure = classifyExportFailure(err);
    const reason = failure.reason;
    if (failure.class === 'permanent') {
      await claims
        .settle(claim, { status: 'invalid', lastError: reason, pending: [] })
        .catch(() => undefined);
      return { kind: 'rejected', failure };
    }
    // Ambiguous: `pending` stays on the claim, so the next attempt looks the code up first. Transient
    // (a 429, a failure before sending): nothing was created, nothing to wait for.
    await claims
      .settle(claim, {
        failures: claim.value.failures + 1,
        lastError: reason,
        ...(failure.class === 'ambiguous' ? {} : { pending: [] }),
      })
      .catch(() => undefined);
    return failed(failure);
  }
}

function failed(failure: ClassifiedFailure): CreateOutcome {
  if (failure.class === 'permanent') return { kind: 'rejected', failure };
  return {
    kind: 'retry_later',
    reason: failure.reason,
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
  };
}

async function findOwn(
  clarus: Pick<ClarusClient, 'findProductsByCodes'>,
  code: string,
  options: { deadline: number },
): Promise<ClarusProduct | undefined> {
  return (await clarus.findProductsByCodes([code], options)).find((p) => p.code === code);
}
