import { startApp } from '@clarus-connector/core';
import { createApp, requiredConfigKeys, SERVICE_NAME } from './app';

startApp({
  serviceName: SERVICE_NAME,
  requiredConfigKeys,
  createApp: (integration) => createApp(integration),
});
