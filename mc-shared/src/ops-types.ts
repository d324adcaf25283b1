/*
 * The operations API's answers as the UIs read them (fulfilment-service /ops, see docs/runbook.md). Kept as
 * plain types here: the UIs are built by mc-scripts from their own folders and import nothing from core.
 */

export type Team = 'ecommerce' | 'operations' | 'finance';
export const TEAMS: readonly Team[] = ['ecommerce', 'operations', 'finance'];

export interface ExceptionRecord {
  key: string;
  kind: string;
  team: Team;
  entity: { type: string; id: string; orderNumber?: string; sku?: string };
  message: string;
  action: string;
  status: 'open' | 'resolved';
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt?: string;
}

export interface ExceptionPage {
  count: number;
  total: number;
  offset: number;
  limit: number;
  exceptions: ExceptionRecord[];
}

export type ExportState = 'waiting' | 'exported' | 'failing' | 'invalid' | 'cancelled';

export interface OrderClarusView {
  order: { id: string; orderNumber?: string; orderState: string; shipmentState?: string; createdAt: string };
  exportState: ExportState;
  syncedGoodsOutIds: number[];
  goodsOuts: {
    id: number;
    reference: string;
    status: string | null;
    lines: {
      sku?: string;
      productCode?: string;
      /** The bundle line item this line is a component of (BUNDLE_MODE=expand), when Clarus tells. */
      bundle?: { lineItemId: string; sku: string; name?: string };
      ordered: number;
      allocated: number;
      picked: number;
      dispatched: number;
    }[];
  }[];
  shipments: {
    id: number;
    goodsOutId: number;
    reference: string | null;
    status: string | null;
    carrier: string | null;
    carrierService: string | null;
    parcels: { packageId: number; trackingNumber?: string; trackingUrl?: string }[];
  }[];
  exceptions: ExceptionRecord[];
  clarus: { reachable: boolean; error?: string };
}

export interface JobRunHealth {
  at: string;
  outcome?: string;
  reason?: string;
  message?: string;
  durationMs?: number;
  ageSeconds: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checkedAt: string;
  inventory: { jobName: string; lastRun?: JobRunHealth | null; error?: string };
  reconciliation: { jobName: string; lastRun?: JobRunHealth | null; error?: string };
  ordersWaitingForExport:
    | {
        count: number;
        since: string;
        oldest: { orderId: string; orderNumber?: string; createdAt: string; ageMinutes: number } | null;
      }
    | { error: string };
  exceptions:
    { total: number; byKind: Record<string, number>; byTeam: Record<Team, number> } | { error: string };
  reachability: {
    clarus: { reachable: boolean; latencyMs: number; error?: string };
    commercetools: { reachable: boolean; latencyMs: number; error?: string };
  };
  problems: string[];
}

export interface LastRun {
  lastRun: { jobName: string; savedAt: string; summary: Record<string, unknown> } | null;
}

export interface ExceptionsByDay {
  days: { date: string; open: number }[];
}

/** The answer to a resend (POST /ops/orders/:id/resend). */
export interface ResendOutcome {
  outcome?: string;
  reason?: string;
  message?: string;
  /** Clarus goods out id per reference. */
  goodsOuts?: Record<string, number>;
  problems?: { code?: string; message?: string }[];
}
