import type { ClarusReads } from '../clarus';
import type { AppConfig, ClarusConfig } from '../config';
import { stockScope, type BetweenPages, type InventoryGateway } from '../inventory';
import type { Logger } from '../logging';
import { buildSkuIndex, exampleSkuFor, skuCollisionMessage, type SkuTranslator } from '../mapping';
import type { ExceptionEntity, ExceptionKind, ExceptionStore } from '../operations';
import { resyncDrift } from '../products/resync-drift';
import type { ProductSync } from '../products/product-sync';
import type { AuditCounts, AuditRecords } from './audit-records';
import type { ReconciliationGateway } from './gateway';
import {
  addClarusProducts,
  startScan,
  unsoldProductFindings,
  variantFindings,
  type ClarusBarcodes,
  type MasterDataFinding,
} from './master-data-plan';

/*
 * The daily SKU master-data audit: read → plan → record, streaming the catalogue.
 * - read: the Clarus products page by page into a slim map (code → barcode), the Clarus codes with stock and
 *   the SKUs with inventory entries (sets of strings, what the inventory job also counts as held and sold);
 * - plan: the commercetools product projections one page at a time (`catalogueVariantPages`), each page's
 *   variants judged against the map (master-data-plan.ts) and dropped; then the Clarus products no SKU sells;
 * - record: exceptions raised, changed or resolved (audit-records.ts).
 * What the audit holds besides one page: the Clarus code → barcode map, the stocked codes, the entry SKUs,
 * the variant SKUs seen and their Clarus codes (collisions need every SKU: DESIGN invariant 8), and the
 * findings. Strings only, no product documents.
 */

const KIND_MASTER_DATA: ExceptionKind = 'master-data-drift';
const KIND_NOT_SOLD: ExceptionKind = 'sku-not-sold-in-commercetools';
const KIND_NOT_HELD: ExceptionKind = 'sku-not-held-by-clarus';
const KIND_SKU_COLLISION: ExceptionKind = 'sku-collision';

/** Time one product's re-sync may take inside the audit (Clarus calls honour it as their deadline). */
const RESYNC_BUDGET_MS = 30_000;

export interface MasterDataAuditReport extends AuditCounts {
  variants: number;
  clarusProducts: number;
  missingInClarus: number;
  barcodeMismatches: number;
  /** Clarus products no commercetools SKU translates to (`stocked` of them hold stock). */
  notInCommercetools: number;
  stocked: number;
  /** Clarus codes two or more commercetools SKUs (variants or entries) translate to (`sku-collision`). */
  collisions: number;
  barcodesCompared: boolean;
  /** PRODUCT_MASTER=commercetools: drifted SKUs re-synced to Clarus instead of reported. */
  resynced?: number;
}

export interface MasterDataAuditDeps {
  exceptions: ExceptionStore;
  gateway: Pick<ReconciliationGateway, 'catalogueVariantPages'>;
  inventoryGateway: Pick<InventoryGateway, 'supplyChannels' | 'skusOnChannels'>;
  clarus: Pick<ClarusReads, 'listProducts' | 'stockBalances'>;
  skus: SkuTranslator;
  config: Pick<AppConfig, 'reconciliation' | 'mapping' | 'inventory'> & {
    clarus: Pick<ClarusConfig, 'accountId' | 'warehouseId'>;
  };
  logger: Logger;
  /** Given when PRODUCT_MASTER is commercetools: drift the product sync can repair is re-synced. */
  productSync?: Pick<ProductSync, 'syncSkus'>;
}

/** The master-data audit as a function of the lease renewal between pages. */
export function createMasterDataAudit(deps: MasterDataAuditDeps, records: AuditRecords) {
  const { logger } = deps;
  const { openOf, raiseIfChanged, resolveCleared } = records;

  return async function masterData(between?: BetweenPages): Promise<MasterDataAuditReport> {
    const { config, skus: translator } = deps;
    const barcodeAttribute = config.reconciliation.barcodeAttribute;
    const clarus = new Map<string, string | null>();
    let clarusProducts = 0;
    for await (const page of deps.clarus.listProducts()) {
      addClarusProducts(clarus, page.nodes);
      clarusProducts += page.nodes.length;
      await between?.();
    }
    // What the inventory job counts as sold (a variant or an entry) and as held (a stock balance), so that
    // both jobs agree on "not sold in commercetools" and never open and close each other's exceptions.
    const { channels } = await deps.inventoryGateway.supplyChannels(config.inventory.channelKeys);
    const entrySkus = await deps.inventoryGateway.skusOnChannels(
      channels.map((c) => c.id),
      between,
    );
    const scope = stockScope(
      channels.map((c) => c.key),
      config.inventory.channelWarehouses,
      config.clarus.warehouseId,
    );
    const stockedCodes = new Set<string>();
    for await (const page of deps.clarus.stockBalances({
      accountId: config.clarus.accountId,
      warehouseId: scope.warehouseFilter,
    })) {
      for (const balance of page.nodes) stockedCodes.add(balance.product.code);
      await between?.();
    }

    // commercetools side, one page of products at a time: only the slim variants of a page are looked at,
    // and what outlives the page is the SKU (collisions, counts) and its Clarus code (sold codes).
    const scan = startScan(translator, entrySkus);
    const options = { translator, compareBarcodes: barcodeAttribute !== undefined };
    let findings: MasterDataFinding[] = [];
    await deps.gateway.catalogueVariantPages(
      { barcodeAttribute, mapping: config.mapping },
      (variants) => {
        findings.push(...variantFindings(variants, clarus, scan, options));
      },
      between,
    );
    findings.push(...unsoldProductFindings(clarus, scan, stockedCodes));
    // commercetools is the product master: repair what a product sync can, report only the rest.
    let resynced: number | undefined;
    if (deps.productSync)
      ({ remaining: findings, resynced } = await resyncDrift(deps.productSync, findings, {
        deadlineMs: RESYNC_BUDGET_MS,
      }));
    const report: MasterDataAuditReport = {
      ...(resynced !== undefined ? { resynced } : {}),
      variants: scan.seenSkus.size,
      clarusProducts,
      missingInClarus: findings.filter((f) => f.kind === 'missing-in-clarus').length,
      barcodeMismatches: findings.filter((f) => f.kind === 'barcode-mismatch').length,
      notInCommercetools: findings.filter((f) => f.kind === 'not-in-commercetools').length,
      stocked: findings.filter((f) => f.kind === 'not-in-commercetools' && f.stocked).length,
      collisions: 0,
      barcodesCompared: barcodeAttribute !== undefined,
      raised: 0,
      resolved: 0,
    };

    const [openDrift, openNotSold, openNotHeld, openCollisions] = await Promise.all([
      openOf(KIND_MASTER_DATA),
      openOf(KIND_NOT_SOLD),
      openOf(KIND_NOT_HELD),
      openOf(KIND_SKU_COLLISION),
    ]);
    // The one SKU index over the whole catalogue (every variant and entry): the audit sees every collision,
    // and is the one that resolves them (the inventory job and the stock webhook see part of the catalogue).
    const { collisions } = buildSkuIndex(translator, [...scan.seenSkus, ...entrySkus]);
    report.collisions = collisions.length;
    for (const collision of collisions) {
      await raiseIfChanged(openCollisions, report, {
        kind: KIND_SKU_COLLISION,
        entity: { type: 'sku', id: collision.code },
        message: skuCollisionMessage(collision),
        details: { clarusCode: collision.code, skus: collision.skus, source: 'master-data-audit' },
      });
    }
    await resolveCleared(KIND_SKU_COLLISION, openCollisions, new Set(collisions.map((c) => c.code)), report);
    const driftIds = new Set<string>();
    const notSoldIds = new Set<string>();
    for (const finding of findings) {
      const exception = describeFinding(finding, translator, barcodeAttribute);
      if (exception.kind === KIND_NOT_SOLD) {
        notSoldIds.add(exception.entity.id);
        // The inventory job raises the same condition every run: only open it when it is not open yet.
        if (!openNotSold.has(exception.entity.id)) {
          const { isNew } = await deps.exceptions.raise(exception);
          if (isNew) report.raised += 1;
        }
        continue;
      }
      if (driftIds.has(exception.entity.id)) continue; // one record per id: the first finding wins
      driftIds.add(exception.entity.id);
      // A SKU the inventory job already reports as not held by Clarus needs no second exception.
      if (finding.kind === 'missing-in-clarus' && openNotHeld.has(finding.sku)) continue;
      await raiseIfChanged(openDrift, report, exception);
    }
    await resolveCleared(KIND_MASTER_DATA, openDrift, driftIds, report);
    // "Not sold" clears once a SKU sells the code or Clarus no longer has the product.
    const stillNotSold = new Set(
      [...openNotSold.keys()].filter((code) => notSoldIds.has(code) || !isResolvable(code, clarus, findings)),
    );
    await resolveCleared(KIND_NOT_SOLD, openNotSold, stillNotSold, report);
    logger.info('master-data audit finished', { ...report });
    return report;
  };
}

/**
 * An open "not sold" exception may be resolved by the audit when its code is no longer a Clarus product, or
 * is one that a commercetools SKU now sells (it is not among the findings).
 */
function isResolvable(code: string, productCodes: ClarusBarcodes, findings: readonly MasterDataFinding[]) {
  if (!productCodes.has(code)) return true;
  return !findings.some((f) => f.kind === 'not-in-commercetools' && f.code === code);
}

/** Pure: a finding → the exception that tells the team what is wrong and where. */
export function describeFinding(
  finding: MasterDataFinding,
  translator: SkuTranslator,
  barcodeAttribute: string | undefined,
): { kind: ExceptionKind; entity: ExceptionEntity; message: string; details: Record<string, unknown> } {
  switch (finding.kind) {
    case 'missing-in-clarus':
      return {
        kind: KIND_MASTER_DATA,
        entity: { type: 'sku', id: finding.sku, sku: finding.sku },
        message:
          `SKU ${finding.sku} is a commercetools product variant, but Clarus has no product ${finding.code} ` +
          '(its code by CLARUS_SKU_RULES): orders for it cannot be exported and it has no stock in Clarus.',
        details: { problem: finding.kind, clarusCode: finding.code },
      };
    case 'barcode-mismatch':
      return {
        kind: KIND_MASTER_DATA,
        entity: { type: 'sku', id: finding.sku, sku: finding.sku },
        message:
          `SKU ${finding.sku}: barcode ${finding.commercetools} in commercetools (attribute ${barcodeAttribute ?? '?'}) ` +
          `differs from Clarus product ${finding.code}, whose barcode is ${finding.clarus ?? 'empty'}.`,
        details: {
          problem: finding.kind,
          clarusCode: finding.code,
          commercetoolsBarcode: finding.commercetools,
          clarusBarcode: finding.clarus,
        },
      };
    case 'not-in-commercetools': {
      // No SKU of the catalogue has this code; name a SKU that would take it.
      const sku = exampleSkuFor(translator, finding.code);
      const entity: ExceptionEntity = { type: 'sku', id: finding.code, ...(sku ? { sku } : {}) };
      const skuText = sku
        ? ` (e.g. commercetools SKU ${sku} by CLARUS_SKU_RULES)`
        : ' (no SKU translates to it under CLARUS_SKU_RULES)';
      if (finding.stocked) {
        return {
          kind: KIND_NOT_SOLD,
          entity,
          message:
            `Clarus holds stock of product ${finding.code}${skuText}, but no commercetools product variant ` +
            'or inventory entry has that SKU.',
          details: { problem: finding.kind, clarusCode: finding.code, source: 'master-data-audit' },
        };
      }
      return {
        kind: KIND_MASTER_DATA,
        entity,
        message:
          `Clarus has product ${finding.code}${skuText}, but no commercetools product variant has that SKU ` +
          '(Clarus holds no stock of it).',
        details: { problem: finding.kind, clarusCode: finding.code },
      };
    }
  }
}
