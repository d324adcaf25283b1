import { useMemo } from 'react';
import { InfoMainPage } from '@commercetools-frontend/application-components';
import { ApplicationShell, setupGlobalErrorListener } from '@commercetools-frontend/application-shell';
import { useApplicationContext } from '@commercetools-frontend/application-shell-connectors';
import type { ApplicationWindow } from '@commercetools-frontend/constants';
import { useIsAuthorized } from '@commercetools-frontend/permissions';
import { createForwardToOpsClient, OperationsApp, OpsClientProvider } from '../../mc-shared/src';

declare let window: ApplicationWindow;

setupGlobalErrorListener();

/** The Clarus WMS page inside Merchant Center: the forward-to client and the manage permission. */
export function ClarusWmsPage() {
  const serviceUrl = useApplicationContext(
    (ctx) => (ctx.environment as { fulfilmentServiceUrl?: string }).fulfilmentServiceUrl ?? '',
  );
  const canManage = useIsAuthorized({ demandedPermissions: ['ManageClarusWms'] });
  const client = useMemo(() => createForwardToOpsClient(serviceUrl), [serviceUrl]);
  return (
    <InfoMainPage title="Clarus WMS">
      <OpsClientProvider client={client}>
        <OperationsApp canManage={canManage} />
      </OpsClientProvider>
    </InfoMainPage>
  );
}

export const EntryPoint = () => (
  <ApplicationShell environment={window.app} applicationMessages={async () => ({})}>
    <ClarusWmsPage />
  </ApplicationShell>
);
