/**
 * "Clarus WMS": a Merchant Center custom application (Connect application type
 * merchant-center-custom-application). Connect builds it with the values of connect.yaml's keys below.
 * Its permissions are named after the entry point: viewClarusWms / manageClarusWms, which the
 * fulfilment-service checks on forwarded calls (docs/adr/0013-merchant-center-and-ops-access.md).
 *
 * @type {import('@commercetools-frontend/application-config').ConfigOptionsForCustomApplication}
 */
const config = {
  name: 'Clarus WMS',
  entryPointUriPath: '${env:ENTRY_POINT_URI_PATH}',
  cloudIdentifier: '${env:CLOUD_IDENTIFIER}',
  env: {
    development: { initialProjectKey: 'clarus-preview' },
    production: {
      applicationId: '${env:CUSTOM_APPLICATION_ID}',
      url: '${env:APPLICATION_URL}',
    },
  },
  // Where forward-to calls go (the fulfilment-service); read as window.app.fulfilmentServiceUrl.
  additionalEnv: { fulfilmentServiceUrl: '${env:FULFILMENT_SERVICE_URL}' },
  oAuthScopes: { view: ['view_orders'], manage: ['manage_orders'] },
  icon: '${path:@commercetools-frontend/assets/application-icons/truck.svg}',
  mainMenuLink: {
    defaultLabel: 'Clarus WMS',
    labelAllLocales: [],
    permissions: ['ViewClarusWms'],
  },
  submenuLinks: [],
};

export default config;
