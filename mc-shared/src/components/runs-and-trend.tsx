import { Card, Spacings, Text } from '@commercetools-frontend/ui-kit';
import { inventoryRunFacts } from '../inventory-run';
import { useOpsData } from '../ops-data';
import type { ExceptionsByDay, LastRun } from '../ops-types';
import { Empty, LoadError, Loading } from './state-views';

/** Open exceptions at the end of each of the last 14 days, as small bars (a trend reads better than a number). */
export function OpenExceptionsChart() {
  const trend = useOpsData<ExceptionsByDay>('/ops/exceptions-by-day?days=14');
  if (trend.state === 'loading') return <Loading what="the 14-day trend" />;
  if (trend.state === 'error')
    return <LoadError what="the 14-day trend" error={trend.error} retry={trend.reload} />;
  const days = trend.data.days;
  const max = Math.max(1, ...days.map((d) => d.open));
  const width = 14 * 22;
  return (
    <Card insetScale="m">
      <Spacings.Stack scale="s">
        <Text.Subheadline as="h4">Open exceptions, last 14 days</Text.Subheadline>
        <svg
          role="img"
          aria-label="Open exceptions per day"
          width={width}
          height={90}
          viewBox={`0 0 ${width} 90`}
        >
          {days.map((d, i) => {
            const h = Math.round((d.open / max) * 64);
            return (
              <g key={d.date}>
                <title>{`${d.date}: ${d.open} open`}</title>
                <rect
                  x={i * 22 + 3}
                  y={70 - h}
                  width={16}
                  height={Math.max(h, 1)}
                  fill={i === days.length - 1 ? '#e6573e' : '#6359ff'}
                />
                <text x={i * 22 + 11} y={84} fontSize="8" textAnchor="middle" fill="#5c6f80">
                  {d.date.slice(8)}
                </text>
              </g>
            );
          })}
        </svg>
        <Text.Detail tone="secondary">{`Today: ${days[days.length - 1]?.open ?? 0} open; 14 days ago: ${days[0]?.open ?? 0}.`}</Text.Detail>
      </Spacings.Stack>
    </Card>
  );
}

/**
 * The last inventory run in plain words (when, how long, outcome, entries written, SKUs not held / not sold,
 * values left to the next run, errors); every other field of the summary under a collapsed "Details".
 */
export function LastInventoryRun() {
  const run = useOpsData<LastRun>('/ops/jobs/inventory/last-run');
  if (run.state === 'loading') return <Loading what="the last inventory run" />;
  if (run.state === 'error')
    return <LoadError what="the last inventory run" error={run.error} retry={run.reload} />;
  const last = run.data.lastRun;
  if (!last) return <Empty text="The inventory job has not recorded a run yet." />;
  const { facts, details } = inventoryRunFacts(last.summary, last.savedAt);
  return (
    <Card insetScale="m">
      <Spacings.Stack scale="xs">
        <Text.Subheadline as="h4">Last inventory run</Text.Subheadline>
        {facts.map((f) => (
          <Text.Detail key={f.label}>{`${f.label}: ${f.value}`}</Text.Detail>
        ))}
        {details.length > 0 && (
          <details>
            <summary>Details</summary>
            {details.map((f) => (
              <Text.Detail key={f.label} tone="secondary">{`${f.label}: ${f.value}`}</Text.Detail>
            ))}
          </details>
        )}
      </Spacings.Stack>
    </Card>
  );
}
