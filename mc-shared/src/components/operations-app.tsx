import { Grid, Spacings, Text } from '@commercetools-frontend/ui-kit';
import { useOpsData } from '../ops-data';
import type { HealthReport } from '../ops-types';
import { ExceptionsBrowser } from './exceptions-browser';
import { HealthSummary } from './health-summary';
import { LastInventoryRun, OpenExceptionsChart } from './runs-and-trend';

/** Kinds to filter by: every kind with open exceptions (the health report counts them), then the rest seen. */
function useKinds(): string[] {
  const health = useOpsData<HealthReport>('/ops/health');
  if (health.state !== 'ok' || 'error' in health.data.exceptions) return [];
  return Object.keys(health.data.exceptions.byKind).sort();
}

/**
 * "Clarus WMS" in Merchant Center: whether today is fine and whose move it is, the 14-day trend and the last
 * inventory run, then the exceptions to work through.
 */
export function OperationsApp(props: { canManage: boolean }) {
  const kinds = useKinds();
  return (
    <Spacings.Stack scale="xl">
      <HealthSummary />
      <Grid gridGap="16px" gridTemplateColumns="1fr 1fr">
        <OpenExceptionsChart />
        <LastInventoryRun />
      </Grid>
      <Spacings.Stack scale="m">
        <Text.Headline as="h2">Exceptions</Text.Headline>
        <ExceptionsBrowser canManage={props.canManage} kinds={kinds} />
      </Spacings.Stack>
    </Spacings.Stack>
  );
}
