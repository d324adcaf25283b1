import { Card, DataTable, Link, Spacings, Stamp, Text } from '@commercetools-frontend/ui-kit';
import type { OrderClarusView } from '../ops-types';
import { Empty } from './state-views';

type GoodsOut = OrderClarusView['goodsOuts'][number];
type Line = GoodsOut['lines'][number];
type Shipment = OrderClarusView['shipments'][number];

const LINE_COLUMNS = [
  { key: 'sku', label: 'SKU' },
  { key: 'ordered', label: 'Ordered' },
  { key: 'allocated', label: 'Allocated' },
  { key: 'picked', label: 'Picked' },
  { key: 'dispatched', label: 'Dispatched' },
];

/** Pure: lines in order of first appearance, a bundle's component lines gathered under their bundle. */
export function groupLinesByBundle(lines: Line[]): { bundle?: Line['bundle']; lines: Line[] }[] {
  const groups: { bundle?: Line['bundle']; lines: Line[] }[] = [];
  const byBundle = new Map<string, { bundle?: Line['bundle']; lines: Line[] }>();
  for (const line of lines) {
    const id = line.bundle?.lineItemId;
    const group = id ? byBundle.get(id) : undefined;
    if (group) group.lines.push(line);
    else {
      const created = { ...(line.bundle ? { bundle: line.bundle } : {}), lines: [line] };
      groups.push(created);
      if (id) byBundle.set(id, created);
    }
  }
  return groups;
}

function LinesTable(props: { id: string; lines: Line[] }) {
  return (
    <DataTable
      columns={LINE_COLUMNS}
      rows={props.lines.map((l, i) => ({
        id: `${props.id}-${i}`,
        ...l,
        sku: l.sku ?? l.productCode ?? '—',
      }))}
      itemRenderer={(row, column) => String((row as Record<string, unknown>)[column.key] ?? '')}
    />
  );
}

/** One shipment: carrier and service, status, each parcel's tracking number (a link when there is one). */
export function ShipmentCard(props: { shipment: Shipment }) {
  const s = props.shipment;
  return (
    <Card insetScale="s" type="flat">
      <Spacings.Stack scale="xs">
        <Spacings.Inline scale="s" alignItems="center">
          <Text.Body
            isBold
          >{`${s.carrier ?? 'Unknown carrier'}${s.carrierService ? ` · ${s.carrierService}` : ''}`}</Text.Body>
          <Stamp
            tone={s.status === 'dispatched' ? 'positive' : 'information'}
            label={s.status ?? 'unknown'}
            isCondensed
          />
        </Spacings.Inline>
        {s.parcels.map((p) => (
          <Text.Detail key={p.packageId}>
            {'Tracking: '}
            {p.trackingUrl ? (
              <Link to={p.trackingUrl} isExternal>
                {p.trackingNumber ?? p.trackingUrl}
              </Link>
            ) : (
              (p.trackingNumber ?? 'no tracking number yet')
            )}
          </Text.Detail>
        ))}
      </Spacings.Stack>
    </Card>
  );
}

/**
 * One Clarus goods out: reference and status, its lines (a bundle's components under the bundle's name)
 * and the shipments that belong to it (`shipments[].goodsOutId`).
 */
export function GoodsOutCard(props: { goodsOut: GoodsOut; shipments: Shipment[] }) {
  const g = props.goodsOut;
  return (
    <section aria-label={`Goods out ${g.id}`}>
      <Card insetScale="m">
        <Spacings.Stack scale="s">
          <Spacings.Inline scale="s" alignItems="center">
            <Text.Body isBold>{`Goods out ${g.id} · ${g.reference}`}</Text.Body>
            <Stamp tone="information" label={g.status ?? 'unknown status'} isCondensed />
          </Spacings.Inline>
          {groupLinesByBundle(g.lines).map((group, i) =>
            group.bundle ? (
              <Spacings.Stack scale="xs" key={group.bundle.lineItemId}>
                <Text.Detail
                  isBold
                >{`Bundle ${group.bundle.name ? `${group.bundle.name} · ` : ''}${group.bundle.sku}, shipped as:`}</Text.Detail>
                <LinesTable id={`${g.id}-${group.bundle.lineItemId}`} lines={group.lines} />
              </Spacings.Stack>
            ) : (
              <LinesTable key={`plain-${i}`} id={`${g.id}-${i}`} lines={group.lines} />
            ),
          )}
          <Text.Detail isBold>{`Shipments of goods out ${g.id}`}</Text.Detail>
          {props.shipments.length === 0 ? (
            <Empty text="Nothing dispatched yet." />
          ) : (
            props.shipments.map((s) => <ShipmentCard key={s.id} shipment={s} />)
          )}
        </Spacings.Stack>
      </Card>
    </section>
  );
}
