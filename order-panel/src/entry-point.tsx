import { useMemo } from 'react';
import { CustomViewShell, setupGlobalErrorListener } from '@commercetools-frontend/application-shell';
import { useCustomViewContext } from '@commercetools-frontend/application-shell-connectors';
import { useIsAuthorized } from '@commercetools-frontend/permissions';
import { createForwardToOpsClient, OpsClientProvider, OrderPanel } from '../../mc-shared/src';

setupGlobalErrorListener();

/** The order id from the host page's URL (`…/orders/<id>/general`). */
export function orderIdFromHostUrl(hostUrl: string | undefined): string | undefined {
  return /\/orders\/([^/?#]+)/.exec(hostUrl ?? '')?.[1];
}

/** The panel inside a custom view: the order of the host page, and whether the user may change things. */
export function OrderPanelView() {
  const { hostUrl, serviceUrl } = useCustomViewContext((ctx) => ({
    hostUrl: ctx.hostUrl,
    serviceUrl: (ctx.environment as { fulfilmentServiceUrl?: string }).fulfilmentServiceUrl ?? '',
  }));
  const canManage = useIsAuthorized({ demandedPermissions: ['Manage'] });
  const client = useMemo(() => createForwardToOpsClient(serviceUrl), [serviceUrl]);
  const orderId = orderIdFromHostUrl(hostUrl);
  if (!orderId) return <p>This panel belongs on an order page.</p>;
  return (
    <OpsClientProvider client={client}>
      <OrderPanel orderId={orderId} canManage={canManage} />
    </OpsClientProvider>
  );
}

export const EntryPoint = () => (
  <CustomViewShell applicationMessages={async () => ({})}>
    <OrderPanelView />
  </CustomViewShell>
);
