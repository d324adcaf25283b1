import { z } from 'zod';
import type { ClarusProduct, ClarusReads } from '../clarus';
import { customObjectKey, type CustomObjects } from '../commercetools';
import type { AppConfig, ClarusConfig } from '../config';
import type { InventoryGateway } from '../inventory';
import { stockScope } from '../inventory';
import type { Logger } from '../logging';
import { buildSkuIndex, exampleSkuFor, skuCollisionMessage, type SkuTranslator } from '../mapping';
import {
  JOBS_CONTAINER,
  type ExceptionEntity,
  type ExceptionKind,
  type ExceptionRecord,
  type ExceptionStore,
} from '../operations';
import type { BetweenPages } from '../inventory';
import type { ReconciliationGateway } from './gateway';
import { resyncDrift } from '../products/resync-drift';
import type { ProductSync } from '../products/product-sync';
import {
  isAuditDue,
  masterDataFindings,
  stockDriftMessage,
  stockDrifts,
  utcDay,
  type MasterDataFinding,
  type StockComparison,
} from './plan';

/*
 * The daily audits of the reconciliation job. Each runs on the first pass of a UTC day; a Custom Object in
 * `clarus-jobs` remembers the last day it completed, so however often the job runs, an audit completes
 * once a day (and one that failed is tried again on the next pass).
 */

export const STOCK_AUDIT = 'stock-alignment';
export const MASTER_DATA_AUDIT = 'master-data';
export type AuditName = typeof STOCK_AUDIT | typeof MASTER_DATA_AUDIT;

const KIND_STOCK_DRIFT: ExceptionKind = 'stock-drift';
const KIND_MASTER_DATA: ExceptionKind = 'master-data-drift';
const KIND_NOT_SOLD: ExceptionKind = 'sku-not-sold-in-commercetools';
const KIND_NOT_HELD: ExceptionKind = 'sku-not-held-by-clarus';
const KIND_SKU_COLLISION: ExceptionKind = 'sku-collision';

/** Time one product's re-sync may take inside the audit (Clarus calls honour it as their deadline). */
const RESYNC_BUDGET_MS = 30_000;

export const auditGuardKey = (audit: AuditName) => customObjectKey('audit', audit);

const guardSchema = z.object({
  audit: z.string(),
  /** UTC day (YYYY-MM-DD) of the last completed run. */
  lastRunDay: z.string().optional(),
  lastRunAt: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
});
export type AuditGuard = z.infer<typeof guardSchema>;

export interface AuditCounts {
  raised: number;
  resolved: number;
}

export interface StockAuditReport extends AuditCounts {
  channels: string[];
  entriesCompared: number;
  skusCompared: number;
  /** SKUs whose entries differ from ATS beyond the tolerance. */
  skusDrifted: number;
  tolerance: number;
  /** The largest drifts (SKU, channel, commercetools, ATS), for the summary. */
  largest: { sku: string; channelKey: string; quantityOnStock: number; ats: number }[];
}

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

/** Every inventory entry on the target channels with the ATS computed from Clarus now (in-flight included). */
export interface StockSnapshot {
  channels: string[];
  comparisons: StockComparison[];
}

export interface AuditDeps {
  customObjects: CustomObjects;
  exceptions: ExceptionStore;
  gateway: ReconciliationGateway;
  inventoryGateway: Pick<InventoryGateway, 'supplyChannels' | 'skusOnChannels'>;
  clarus: Pick<ClarusReads, 'listProducts' | 'stockBalances'>;
  /** Reads the entries and computes their ATS (the inventory use case's calculation). */
  stockSnapshot: (between?: BetweenPages) => Promise<StockSnapshot>;
  skus: SkuTranslator;
  config: Pick<AppConfig, 'reconciliation' | 'mapping' | 'inventory'> & {
    clarus: Pick<ClarusConfig, 'accountId' | 'warehouseId'>;
  };
  logger: Logger;
  now: () => number;
  /** Given when PRODUCT_MASTER is commercetools: drift the product sync can repair is re-synced. */
  productSync?: Pick<ProductSync, 'syncSkus'>;
}

export function createAudits(deps: AuditDeps) {
  const { logger, exceptions } = deps;
  const iso = () => new Date(deps.now()).toISOString();

  // ---- the daily guard ----------------------------------------------------------------------------

  async function readGuard(audit: AuditName): Promise<AuditGuard | undefined> {
    const stored = await deps.customObjects.get<unknown>(JOBS_CONTAINER, auditGuardKey(audit));
    const parsed = guardSchema.safeParse(stored?.value);
    return parsed.success ? parsed.data : undefined;
  }

  /** Written under the reconciliation job lock: one writer, a plain put is enough. */
  async function writeGuard(audit: AuditName, value: AuditGuard): Promise<void> {
    await deps.customObjects.put(JOBS_CONTAINER, auditGuardKey(audit), value);
  }

  // ---- exceptions helpers -------------------------------------------------------------------------

  async function openOf(kind: ExceptionKind): Promise<Map<string, ExceptionRecord>> {
    const records = await exceptions.list({ kind, status: 'open' });
    return new Map(records.map((r) => [r.entity.id, r]));
  }

  /** Raises unless the same condition is already open with the same message (saves a write per day). */
  async function raiseIfChanged(
    open: Map<string, ExceptionRecord>,
    counts: AuditCounts,
    input: {
      kind: ExceptionKind;
      entity: ExceptionEntity;
      message: string;
      details: Record<string, unknown>;
    },
  ): Promise<void> {
    if (open.get(input.entity.id)?.message === input.message) return;
    const { isNew } = await exceptions.raise(input);
    if (isNew) counts.raised += 1;
  }

  async function resolveCleared(
    kind: ExceptionKind,
    open: Map<string, ExceptionRecord>,
    stillPresent: ReadonlySet<string>,
    counts: AuditCounts,
  ): Promise<void> {
    for (const [id, record] of open) {
      if (stillPresent.has(id)) continue;
      if (await exceptions.resolve(kind, record.entity)) counts.resolved += 1;
    }
  }

  // ---- stock alignment ----------------------------------------------------------------------------

  async function stockAlignment(between?: BetweenPages): Promise<StockAuditReport> {
    const tolerance = deps.config.reconciliation.stockAuditTolerance;
    const snapshot = await deps.stockSnapshot(between);
    const drifts = stockDrifts(snapshot.comparisons, tolerance);
    const report: StockAuditReport = {
      channels: snapshot.channels,
      entriesCompared: snapshot.comparisons.length,
      skusCompared: new Set(snapshot.comparisons.map((c) => c.sku)).size,
      skusDrifted: drifts.length,
      tolerance,
      largest: drifts
        .flatMap((d) => d.channels.map((c) => ({ sku: d.sku, ...c })))
        .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
        .slice(0, 10)
        .map(({ sku, channelKey, quantityOnStock, ats }) => ({ sku, channelKey, quantityOnStock, ats })),
      raised: 0,
      resolved: 0,
    };
    const open = await openOf(KIND_STOCK_DRIFT);
    for (const drift of drifts) {
      await raiseIfChanged(open, report, {
        kind: KIND_STOCK_DRIFT,
        entity: { type: 'sku', id: drift.sku, sku: drift.sku },
        message: stockDriftMessage(drift, tolerance),
        details: { channels: drift.channels, tolerance, auditedAt: iso() },
      });
      await between?.();
    }
    await resolveCleared(KIND_STOCK_DRIFT, open, new Set(drifts.map((d) => d.sku)), report);
    logger.info('stock alignment audit finished', {
      entriesCompared: report.entriesCompared,
      skusDrifted: report.skusDrifted,
      raised: report.raised,
      resolved: report.resolved,
    });
    return report;
  }

  // ---- SKU master data ----------------------------------------------------------------------------

  async function masterData(between?: BetweenPages): Promise<MasterDataAuditReport> {
    const { config, skus: translator } = deps;
    const barcodeAttribute = config.reconciliation.barcodeAttribute;
    const variants = await deps.gateway.catalogueVariants(
      { barcodeAttribute, mapping: config.mapping },
      between,
    );
    const products: ClarusProduct[] = [];
    for await (const page of deps.clarus.listProducts()) {
      products.push(...page.nodes);
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

    let findings = masterDataFindings({
      variants,
      products,
      entrySkus,
      stockedCodes,
      translator,
      compareBarcodes: barcodeAttribute !== undefined,
    });
    // commercetools is the product master: repair what a product sync can, report only the rest.
    let resynced: number | undefined;
    if (deps.productSync)
      ({ remaining: findings, resynced } = await resyncDrift(deps.productSync, findings, {
        deadlineMs: RESYNC_BUDGET_MS,
      }));
    const report: MasterDataAuditReport = {
      ...(resynced !== undefined ? { resynced } : {}),
      variants: new Set(variants.map((v) => v.sku)).size,
      clarusProducts: products.length,
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
    const { collisions } = buildSkuIndex(translator, [...variants.map((v) => v.sku), ...entrySkus]);
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
          const { isNew } = await exceptions.raise(exception);
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
    const productCodes = new Set(products.map((p) => p.code));
    const stillNotSold = new Set(
      [...openNotSold.keys()].filter(
        (code) => notSoldIds.has(code) || !isResolvable(code, productCodes, findings),
      ),
    );
    await resolveCleared(KIND_NOT_SOLD, openNotSold, stillNotSold, report);
    logger.info('master-data audit finished', { ...report });
    return report;
  }

  return {
    stockAlignment,
    masterData,
    readGuard,
    /**
     * Runs an audit when it is due today: `not_due` when it already completed today. The guard records the
     * day only after success, so a failed audit runs again on the next pass.
     */
    async runIfDue<T>(
      audit: AuditName,
      work: () => Promise<T>,
    ): Promise<
      { status: 'ran'; day: string; report: T } | { status: 'not_due'; day: string; lastRunAt?: string }
    > {
      const day = utcDay(deps.now());
      const guard = await readGuard(audit);
      if (!isAuditDue(guard?.lastRunDay, deps.now())) {
        return { status: 'not_due', day, ...(guard?.lastRunAt ? { lastRunAt: guard.lastRunAt } : {}) };
      }
      const attemptAt = iso();
      try {
        const report = await work();
        await writeGuard(audit, { audit, lastRunDay: day, lastRunAt: iso(), lastAttemptAt: attemptAt });
        return { status: 'ran', day, report };
      } catch (err) {
        await writeGuard(audit, {
          audit,
          ...(guard?.lastRunDay ? { lastRunDay: guard.lastRunDay } : {}),
          ...(guard?.lastRunAt ? { lastRunAt: guard.lastRunAt } : {}),
          lastAttemptAt: attemptAt,
          lastError: err instanceof Error ? err.message.slice(0, 300) : 'unknown error',
        }).catch((e: unknown) =>
          logger.warn('could not record a failed audit attempt', { audit, error: (e as Error)?.message }),
        );
        throw err;
      }
    },
  };
}

export type Audits = ReturnType<typeof createAudits>;

/**
 * An open "not sold" exception may be resolved by the audit when its code is no longer a Clarus product, or
 * is one that a commercetools SKU now sells (it is not among the findings).
 */
function isResolvable(
  code: string,
  productCodes: ReadonlySet<string>,
  findings: readonly MasterDataFinding[],
) {
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
