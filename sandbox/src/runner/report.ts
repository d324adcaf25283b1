import type { SandboxReport } from './scenario';

/** The report as a merchant reads it: what happened to orders, stock and exceptions. */
export function formatReport(report: SandboxReport): string {
  const lines: string[] = [];
  const h = (title: string) => lines.push('', title, '-'.repeat(title.length));
  lines.push(`Sandbox day finished in ${(report.durationMs / 1000).toFixed(1)} s`);
  lines.push(`Messages: ${report.deliveryDescription}`);

  h(`Orders exported to Clarus (${report.exported.length} of ${report.ordersPlaced})`);
  for (const o of report.exported)
    lines.push(`  ${o.orderNumber.padEnd(10)} → goods out ${o.goodsOutIds.join(', ')}`);
  for (const o of report.notExported)
    lines.push(`  ${o.orderNumber.padEnd(10)} → not exported (see exceptions)`);

  h('New product (commercetools is the product master)');
  const np = report.newProduct;
  lines.push(
    `  ${np.sku} published → Clarus product ${np.clarusProductId ?? '(missing)'} at ${np.inClarusAt ?? '-'}; first order ${np.orderNumber} at ${np.firstOrderAt ?? '-'}`,
  );

  h(`Orders dispatched (${report.dispatched.length})`);
  for (const o of report.dispatched) {
    lines.push(`  ${o.orderNumber.padEnd(10)} ${String(o.shipmentState ?? '').padEnd(8)}`);
    for (const d of o.deliveries) {
      const parcels = d.parcels
        .map((p) => `${p.carrier ?? '?'} ${p.trackingId ?? '(no tracking)'}`)
        .join('; ');
      lines.push(`      ${d.key}${d.shippingKey ? ` [${d.shippingKey}]` : ''}: ${parcels || 'no parcels'}`);
    }
  }

  h('Stock per supply channel (quantityOnStock before → after the day)');
  const changed = report.stock.filter((s) => s.before !== s.after);
  const bySku = new Map<string, string[]>();
  for (const s of report.stock) {
    const cell = `${s.channel} ${s.before ?? '-'}→${s.after ?? '-'}`;
    bySku.set(s.sku, [...(bySku.get(s.sku) ?? []), cell]);
  }
  for (const [sku, cells] of bySku) lines.push(`  ${sku.padEnd(18)} ${cells.join('   ')}`);
  lines.push(`  (${changed.length} of ${report.stock.length} entries changed)`);

  h(`Open exceptions (${report.exceptions.length})`);
  for (const e of report.exceptions) {
    const entity = e.entity as { orderNumber?: string; sku?: string; id?: string };
    lines.push(`  [${e.team}] ${e.kind} — ${entity.orderNumber ?? entity.sku ?? entity.id ?? ''}`);
    lines.push(`      ${e.message}`);
    lines.push(`      What to do: ${e.action}`);
  }

  h('Sync health (GET /ops/health)');
  lines.push(
    ...JSON.stringify(report.health, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  return lines.join('\n');
}
