import type { ExportState, OrderClarusView } from './ops-types';

/*
 * Pure presentation helpers shared by both UIs.
 */

type Tone = 'positive' | 'warning' | 'critical' | 'information' | 'secondary';

/** Label and stamp tone of an order's export state. */
export const EXPORT_STATES: Record<ExportState, { label: string; tone: Tone; explain: string }> = {
  exported: { label: 'Exported', tone: 'positive', explain: 'Clarus has the order as a goods out.' },
  waiting: {
    label: 'Waiting',
    tone: 'information',
    explain: 'Not in Clarus yet; the connector sends it within minutes.',
  },
  failing: {
    label: 'Failing',
    tone: 'warning',
    explain: 'Sending to Clarus keeps failing; the connector retries.',
  },
  invalid: {
    label: 'Invalid',
    tone: 'critical',
    explain: 'Clarus cannot take the order until someone fixes it.',
  },
  cancelled: { label: 'Cancelled', tone: 'secondary', explain: 'The order was cancelled.' },
};

/**
 * Pure: why a resend cannot do anything for this order (undefined: it can). Mirrors the service's rules
 * (core `skipReason` and `exportStateOf`): a cancelled, complete, shipped or delivered order never reaches
 * the warehouse, and an exported order is not sent twice — a resend would only answer `skipped` or
 * `already_exported`. Only waiting, failing and invalid orders can be resent.
 */
export function resendBlockedReason(
  view: Pick<OrderClarusView, 'order' | 'exportState'>,
): string | undefined {
  const { orderState, shipmentState } = view.order;
  if (view.exportState === 'cancelled' || orderState === 'Cancelled') return 'the order is cancelled';
  if (orderState === 'Complete') return 'the order is complete';
  if (shipmentState === 'Shipped') return 'the order is already shipped';
  if (shipmentState === 'Delivered') return 'the order is already delivered';
  if (view.exportState === 'exported') return 'Clarus already has the order';
  return undefined;
}

/** "3 min", "5 h", "2 d" from seconds. */
export function ageText(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** `2026-11-30T04:10:00.000Z` → `30 Nov 2026, 04:10 UTC`. */
export function dateText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** A query string from the set values, e.g. `?team=operations&q=SKU-1`. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Offers `text` as a file download in the browser. */
export function downloadText(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
