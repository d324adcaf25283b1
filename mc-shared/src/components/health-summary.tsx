import { Card, ContentNotification, Grid, Spacings, Stamp, Text } from '@commercetools-frontend/ui-kit';
import { ageText } from '../format';
import { useOpsData } from '../ops-data';
import type { HealthReport, JobRunHealth } from '../ops-types';
import { LoadError, Loading } from './state-views';

function Tile(props: {
  title: string;
  value: string;
  detail?: string;
  tone?: 'positive' | 'warning' | 'critical';
}) {
  return (
    <Card insetScale="m">
      <Spacings.Stack scale="xs">
        <Text.Detail tone="secondary">{props.title}</Text.Detail>
        <Spacings.Inline scale="s" alignItems="center">
          <Text.Headline as="h3">{props.value}</Text.Headline>
          {props.tone && (
            <Stamp tone={props.tone} label={props.tone === 'positive' ? 'ok' : 'check'} isCondensed />
          )}
        </Spacings.Inline>
        {props.detail && <Text.Detail>{props.detail}</Text.Detail>}
      </Spacings.Stack>
    </Card>
  );
}

function runTile(title: string, part: HealthReport['inventory']) {
  if (part.error) return <Tile title={title} value="unknown" detail={part.error} tone="warning" />;
  const run: JobRunHealth | null | undefined = part.lastRun;
  if (!run) return <Tile title={title} value="never" detail="No run recorded yet." tone="warning" />;
  const failed = run.outcome === 'failed';
  return (
    <Tile
      title={title}
      value={`${ageText(run.ageSeconds)} ago`}
      detail={`${run.outcome ?? 'finished'}${run.reason ? ` — ${run.reason}` : ''}`}
      tone={failed ? 'critical' : 'positive'}
    />
  );
}

/**
 * Health at a glance: is today fine, and if not, whose move it is (open exceptions by team), with the last
 * runs, orders waiting for export and whether Clarus and commercetools answer.
 */
export function HealthSummary() {
  const health = useOpsData<HealthReport>('/ops/health');
  if (health.state === 'loading') return <Loading what="the connector's health" />;
  if (health.state === 'error')
    return <LoadError what="the connector's health" error={health.error} retry={health.reload} />;
  const h = health.data;
  const waiting = 'error' in h.ordersWaitingForExport ? undefined : h.ordersWaitingForExport;
  const counts = 'error' in h.exceptions ? undefined : h.exceptions;
  const owners = counts
    ? (Object.entries(counts.byTeam) as [string, number][])
        .filter(([, n]) => n > 0)
        .map(([team, n]) => `${team} ${n}`)
    : [];
  const fine = h.status === 'ok' && (counts?.total ?? 0) === 0;
  return (
    <Spacings.Stack scale="m">
      <ContentNotification type={fine ? 'success' : h.status === 'ok' ? 'warning' : 'error'}>
        <Text.Body isBold>
          {fine
            ? 'Today is fine: the jobs run, nothing is stuck, no open exceptions.'
            : `Needs attention${owners.length ? ` — open exceptions: ${owners.join(', ')}` : ''}${h.problems.length ? ` — ${h.problems.join('; ')}` : ''}`}
        </Text.Body>
      </ContentNotification>
      <Grid gridGap="16px" gridTemplateColumns="repeat(3, 1fr)">
        {runTile('Last inventory run', h.inventory)}
        {runTile('Last reconciliation run', h.reconciliation)}
        <Tile
          title="Orders waiting for export"
          value={waiting ? String(waiting.count) : 'unknown'}
          detail={
            waiting?.oldest
              ? `oldest ${waiting.oldest.orderNumber ?? waiting.oldest.orderId}, ${ageText(waiting.oldest.ageMinutes * 60)}`
              : 'none waiting'
          }
          tone={waiting && waiting.count === 0 ? 'positive' : 'warning'}
        />
        <Tile
          title="Open exceptions"
          value={counts ? String(counts.total) : 'unknown'}
          detail={owners.length ? owners.join(' · ') : 'nobody has a move to make'}
          tone={counts?.total === 0 ? 'positive' : 'warning'}
        />
        <Tile
          title="Clarus"
          value={h.reachability.clarus.reachable ? 'reachable' : 'unreachable'}
          detail={`${h.reachability.clarus.latencyMs} ms${h.reachability.clarus.error ? ` — ${h.reachability.clarus.error}` : ''}`}
          tone={h.reachability.clarus.reachable ? 'positive' : 'critical'}
        />
        <Tile
          title="commercetools"
          value={h.reachability.commercetools.reachable ? 'reachable' : 'unreachable'}
          detail={`${h.reachability.commercetools.latencyMs} ms`}
          tone={h.reachability.commercetools.reachable ? 'positive' : 'critical'}
        />
      </Grid>
    </Spacings.Stack>
  );
}
