/*
 * The local preview of the two Merchant Center customizations: the very components Merchant Center mounts
 * (order-panel/src/entry-point.tsx, operations-app/src/entry-point.tsx), here inside a development application
 * context instead of the Merchant Center shell. Their forward-to calls go to `window.app.mcApiUrl`, the
 * Merchant Center stand-in that serves this page (forward-to-stand-in.ts). Bundled by preview-server.ts.
 */
import { createRoot } from 'react-dom/client';
import { IntlProvider } from 'react-intl';
import { MemoryRouter } from 'react-router-dom';
import {
  ApplicationContextProvider,
  CustomViewContextProvider,
} from '@commercetools-frontend/application-shell-connectors';
import { ClarusWmsPage } from '../../operations-app/src/entry-point';
import { OrderPanelView } from '../../order-panel/src/entry-point';

interface PreviewConfig {
  view: 'order-panel' | 'operations-app';
  projectKey: string;
  orderId?: string;
  canManage: boolean;
}

const config = (window as unknown as { previewConfig: PreviewConfig }).previewConfig;
const environment = (window as unknown as { app: Record<string, unknown> }).app;

const permission = (name: string, value: boolean) => ({ name, value });
const project = {
  key: config.projectKey,
  version: 1,
  name: `${config.projectKey} (sandbox)`,
  countries: ['GB'],
  currencies: ['GBP'],
  languages: ['en'],
  owner: { id: 'organization-sandbox', name: 'Sandbox' },
  initialized: true,
  expiry: { isActive: false, daysLeft: undefined },
  suspension: { isActive: false, reason: undefined },
  isProductionProject: false,
  allAppliedPermissions: [
    permission('canViewClarusWms', true),
    permission('canManageClarusWms', config.canManage),
    permission('canView', true),
    permission('canManage', config.canManage),
  ],
  allAppliedActionRights: [],
  allAppliedDataFences: [],
  allPermissionsForAllApplications: {
    allAppliedPermissions: [],
    allAppliedActionRights: [],
    allAppliedDataFences: [],
    allAppliedMenuVisibilities: [],
  },
};
const user = {
  id: 'sandbox-user',
  email: 'preview@sandbox.invalid',
  createdAt: '2026-01-01T00:00:00.000Z',
  firstName: 'Sandbox',
  lastName: 'User',
  language: 'en',
  timeZone: 'Etc/UTC',
  numberFormat: 'en',
  defaultProjectKey: config.projectKey,
  businessRole: 'Other',
  projects: { total: 1, results: [project] },
};

const hostUrl = `${window.location.origin}/${config.projectKey}/orders/${config.orderId ?? ''}/general`;

function Preview() {
  return (
    <IntlProvider locale="en">
      <ApplicationContextProvider
        user={user as never}
        project={project as never}
        environment={environment as never}
        projectDataLocale="en"
      >
        <MemoryRouter initialEntries={[`/${config.projectKey}/clarus-wms`]}>
          {/* Merchant Center gives a customization a full-height box; its pages scroll inside it. */}
          <div
            style={{
              height: '100vh',
              display: 'flex',
              flexDirection: 'column',
              overflow: 'auto',
              padding: 16,
              boxSizing: 'border-box',
            }}
          >
            {config.view === 'order-panel' ? (
              <CustomViewContextProvider
                hostUrl={hostUrl}
                customViewConfig={
                  {
                    id: 'order-panel-preview',
                    defaultLabel: 'Clarus WMS',
                    labelAllLocales: [],
                    url: window.location.origin,
                    type: 'CustomPanel',
                    locators: ['orders.order_details.general'],
                    permissions: [],
                  } as never
                }
              >
                <OrderPanelView />
              </CustomViewContextProvider>
            ) : (
              <ClarusWmsPage />
            )}
          </div>
        </MemoryRouter>
      </ApplicationContextProvider>
    </IntlProvider>
  );
}

createRoot(document.getElementById('app') as Element).render(<Preview />);
