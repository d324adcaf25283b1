import {
  Card,
  ContentNotification,
  DataTable,
  Link,
  Spacings,
  Stamp,
  Text,
} from '@commercetools-frontend/ui-kit';
import { EXPORT_STATES } from '../format';
import { useOpsClient, useOpsData } from '../ops-data';
import type { OrderClarusView, ResendOutcome } from '../ops-types';
import { ConfirmAction } from './confirm-action';
import { ExceptionCard, resendSentence } from './exception-card';
import { Empty, LoadError, Loading } from './state-views';

const LINE_COLUMNS = [
  { key: 'sku', label: 'SKU' },
  { key: 'ordered', label: 'Ordered' },
  { key: 'allocated', label: 'Allocated' },
  { key: 'picked', label: 'Picked' },
  { key: 'dispatched', label: 'Dispatched' },
];

/**
 * The Clarus panel of one order (the order panel custom view): export state, goods out(s) with status and
 * lines, shipments with carrier and tracking, the order's open exceptions; Resend and Resolve behind the
 * manage permission.
 */
export function OrderPanel(props: { orderId: string; canManage: boolean }) {
  const client = useOpsClient();
  const view = useOpsData<OrderClarusView>(`/ops/orders/${encodeURIComponent(props.orderId)}`);
  if (view.state === 'loading') return <Loading what="the order's Clarus status" />;
  if (view.state === 'error')
    return <LoadError what="the order's Clarus status" error={view.error} retry={view.reload} />;
  const v = view.data;
  const state = EXPORT_STATES[v.exportState];
  const orderLabel = `order ${v.order.orderNumber ?? v.order.id}`;
  return (
    <Spacings.Stack scale="l">
      <Spacings.Inline scale="m" alignItems="center" justifyContent="space-between">
        <Spacings.Inline scale="s" alignItems="center">
          <Text.Headline as="h2">Clarus WMS</Text.Headline>
          <Stamp tone={state.tone} label={state.label} />
        </Spacings.Inline>
        {v.exportState !== 'cancelled' && (
          <ConfirmAction
            label="Resend to Clarus"
            question={`Send ${orderLabel} to Clarus again? An order already in Clarus is not sent twice.`}
            allowed={props.canManage}
            run={async () =>
              resendSentence(
                orderLabel,
                await client.post<ResendOutcome>(`/ops/orders/${encodeURIComponent(v.order.id)}/resend`),
              )
            }
            onDone={view.reload}
          />
        )}
      </Spacings.Inline>
      <Text.Detail tone="secondary">{state.explain}</Text.Detail>
      {!v.clarus.reachable && (
        <ContentNotification type="warning">
          <Text.Body>{`Clarus could not be reached just now, so goods outs and shipments are not shown (${v.clarus.error ?? 'no answer'}). The order itself is unaffected.`}</Text.Body>
        </ContentNotification>
      )}

      <Spacings.Stack scale="s">
        <Text.Subheadline as="h4">Goods outs</Text.Subheadline>
        {v.goodsOuts.length === 0
          ? v.clarus.reachable && <Empty text="Clarus has no goods out for this order yet." />
          : v.goodsOuts.map((g) => (
              <Card key={g.id} insetScale="m">
                <Spacings.Stack scale="s">
                  <Spacings.Inline scale="s" alignItems="center">
                    <Text.Body isBold>{`Goods out ${g.id} · ${g.reference}`}</Text.Body>
                    <Stamp tone="information" label={g.status ?? 'unknown status'} isCondensed />
                  </Spacings.Inline>
                  <DataTable
                    columns={LINE_COLUMNS}
                    rows={g.lines.map((l, i) => ({
                      id: `${g.id}-${i}`,
                      ...l,
                      sku: l.sku ?? l.productCode ?? '—',
                    }))}
                    itemRenderer={(row, column) => String((row as Record<string, unknown>)[column.key] ?? '')}
                  />
                </Spacings.Stack>
              </Card>
            ))}
      </Spacings.Stack>

      <Spacings.Stack scale="s">
        <Text.Subheadline as="h4">Shipments</Text.Subheadline>
        {v.shipments.length === 0
          ? v.clarus.reachable && <Empty text="Nothing dispatched yet." />
          : v.shipments.map((s) => (
              <Card key={s.id} insetScale="m">
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
            ))}
      </Spacings.Stack>

      <Spacings.Stack scale="s">
        <Text.Subheadline as="h4">Open exceptions</Text.Subheadline>
        {v.exceptions.length === 0 ? (
          <Empty text="No open exceptions for this order." />
        ) : (
          v.exceptions.map((e) => (
            <ExceptionCard key={e.key} exception={e} canManage={props.canManage} onChanged={view.reload} />
          ))
        )}
      </Spacings.Stack>
    </Spacings.Stack>
  );
}
