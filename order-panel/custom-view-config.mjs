/**
 * The order panel: a Merchant Center custom view on the order detail page (Connect application type
 * merchant-center-custom-view). Connect builds it with the values of connect.yaml's keys below.
 *
 * @type {import('@commercetools-frontend/application-config').ConfigOptionsForCustomView}
 */
const config = {
  name: 'Clarus WMS',
  cloudIdentifier: '${env:CLOUD_IDENTIFIER}',
  env: {
    development: { initialProjectKey: 'clarus-preview' },
    production: {
      customViewId: '${env:CUSTOM_VIEW_ID}',
      url: '${env:APPLICATION_URL}',
    },
  },
  // Where forward-to calls go (the fulfilment-service); read as window.app.fulfilmentServiceUrl.
  additionalEnv: { fulfilmentServiceUrl: '${env:FULFILMENT_SERVICE_URL}' },
  oAuthScopes: { view: ['view_orders'], manage: ['manage_orders'] },
  type: 'CustomPanel',
  typeSettings: { size: 'LARGE' },
  locators: ['orders.order_details.general'],
};

export default config;
