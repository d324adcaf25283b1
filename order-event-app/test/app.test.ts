import { itServesTheSharedShell, offlineIntegration } from '@clarus-connector/core/testing';
import { createApp, requiredConfigKeys } from '../src/app';

const buildApp = () => createApp(offlineIntegration(requiredConfigKeys));

describe('order-event-app app', () => {
  itServesTheSharedShell(buildApp);
});
