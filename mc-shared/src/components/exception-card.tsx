import { Card, Spacings, Stamp, Text } from '@commercetools-frontend/ui-kit';
import { dateText } from '../format';
import { useOpsClient } from '../ops-data';
import type { ExceptionRecord, ResendOutcome } from '../ops-types';
import { ConfirmAction } from './confirm-action';

const TEAM_TONE = { ecommerce: 'information', operations: 'warning', finance: 'secondary' } as const;

/** The sentence a resend answer means for a person. */
export function resendSentence(orderLabel: string, answer: ResendOutcome): string {
  switch (answer.outcome) {
    case 'exported':
      return `Sent ${orderLabel} to Clarus (goods out ${Object.values(answer.goodsOuts ?? {}).join(', ') || 'created'}).`;
    case 'already_exported':
      return `${orderLabel} is already in Clarus; nothing was sent again.`;
    case 'invalid':
      return `${orderLabel} still cannot go to Clarus: ${(answer.problems ?? []).map((p) => p.message ?? p.code).join('; ')}`;
    default:
      return `${orderLabel}: ${answer.outcome ?? 'done'}${answer.reason ? ` (${answer.reason})` : ''}.`;
  }
}

/**
 * One exception as a team reads it: what happened, what to do, whose move it is; Resolve (and Resend for an
 * order) behind the manage permission, each asking first and saying what happened.
 */
export function ExceptionCard(props: {
  exception: ExceptionRecord;
  canManage: boolean;
  onChanged: () => void;
  showResend?: boolean;
}) {
  const client = useOpsClient();
  const e = props.exception;
  const subject = e.entity.orderNumber ?? e.entity.sku ?? e.entity.id;
  const orderLabel = `order ${e.entity.orderNumber ?? e.entity.id}`;
  return (
    <Card insetScale="m" type="raised">
      <Spacings.Stack scale="s">
        <Spacings.Inline scale="s" alignItems="center" justifyContent="space-between">
          <Spacings.Inline scale="s" alignItems="center">
            <Text.Subheadline as="h4">{e.kind}</Text.Subheadline>
            <Stamp tone={TEAM_TONE[e.team] ?? 'secondary'} label={e.team} isCondensed />
            {e.status === 'resolved' && <Stamp tone="positive" label="resolved" isCondensed />}
          </Spacings.Inline>
          <Text.Detail tone="secondary">{`${e.entity.type} ${subject} · seen ${e.count}× · last ${dateText(e.lastSeenAt)}`}</Text.Detail>
        </Spacings.Inline>
        <Text.Body>{e.message}</Text.Body>
        <Text.Detail>
          <strong>What to do: </strong>
          {e.action}
        </Text.Detail>
        {e.status === 'open' && (
          <Spacings.Inline scale="m">
            <ConfirmAction
              label="Resolve"
              question={`Mark this ${e.kind} exception for ${subject} as resolved?`}
              allowed={props.canManage}
              run={async () => {
                const answer = await client.post<{ resolved: boolean }>(
                  `/ops/exceptions/${encodeURIComponent(e.key)}/resolve`,
                );
                return answer.resolved
                  ? `Resolved the ${e.kind} exception for ${subject}.`
                  : 'It was already resolved.';
              }}
              onDone={props.onChanged}
            />
            {props.showResend && e.entity.type === 'order' && (
              <ConfirmAction
                label="Resend to Clarus"
                question={`Send ${orderLabel} to Clarus again?`}
                allowed={props.canManage}
                run={async () =>
                  resendSentence(
                    orderLabel,
                    await client.post<ResendOutcome>(`/ops/orders/${encodeURIComponent(e.entity.id)}/resend`),
                  )
                }
                onDone={props.onChanged}
              />
            )}
          </Spacings.Inline>
        )}
      </Spacings.Stack>
    </Card>
  );
}
