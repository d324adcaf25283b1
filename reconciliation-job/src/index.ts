import { startApp } from '@clarus-connector/core';
import { createApp, requiredConfigKeys, SERVICE_NAME } from './app';

startApp({
  serviceName: SERVICE_NAME,
  requiredConfigKeys,
  createApp: (integration) => createApp(integration),
  // One alert message per pass: the pass flushes the alerts itself (no timer window).
  integration: { alertWindowMs: 0 },
});
