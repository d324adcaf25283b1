import { ContentNotification, Spacings, Stamp, Text } from '@commercetools-frontend/ui-kit';
import { EXPORT_STATES, resendBlockedReason } from '../format';
import { useOpsClient, useOpsData } from '../ops-data';
import type { OrderClarusView, ResendOutcome } from '../ops-types';
import { ConfirmAction } from './confirm-action';
import { ExceptionCard, resendSentence } from './exception-card';
import { GoodsOutCard, ShipmentCard } from './goods-out-card';
import { Empty, LoadError, Loading } from './state-views';

/**
 * The Clarus panel of one order (the order panel custom view): export state, goods out(s) with status,
 * lines (bundle components under their bundle) and their shipments with carrier and tracking, the order's
 * open exceptions; Resend (only where a resend can do something, see `resendBlockedReason`) and Resolve
 * behind the manage permission.
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
  const noResend = resendBlockedReason(v);
  const goodsOutIds = new Set(v.goodsOuts.map((g) => g.id));
  // Shipments of a goods out this view does not list (should not happen; shown rather than lost).
  const otherShipments = v.shipments.filter((s) => !goodsOutIds.has(s.goodsOutId));
  return (
    <Spacings.Stack scale="l">
      <Spacings.Inline scale="m" alignItems="center" justifyContent="space-between">
        <Spacings.Inline scale="s" alignItems="center">
          <Text.Headline as="h2">Clarus WMS</Text.Headline>
          <Stamp tone={state.tone} label={state.label} />
        </Spacings.Inline>
        {!noResend && (
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
      {noResend && <Text.Detail tone="secondary">{`No resend to Clarus: ${noResend}.`}</Text.Detail>}
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
              <GoodsOutCard
                key={g.id}
                goodsOut={g}
                shipments={v.shipments.filter((s) => s.goodsOutId === g.id)}
              />
            ))}
      </Spacings.Stack>

      {otherShipments.length > 0 && (
        <Spacings.Stack scale="s">
          <Text.Subheadline as="h4">Other shipments</Text.Subheadline>
          {otherShipments.map((s) => (
            <ShipmentCard key={s.id} shipment={s} />
          ))}
        </Spacings.Stack>
      )}

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
