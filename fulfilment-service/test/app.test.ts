import { itServesTheSharedShell, OFFLINE_ENV, offlineIntegration } from '@clarus-connector/core/testing';
import { ConfigError, loadConfig } from '@clarus-connector/core';
import { createApp, requiredConfigKeys } from '../src/app';

const tokens = { CLARUS_WEBHOOK_TOKEN: 'webhook-token-123', OPS_API_TOKEN: 'ops-token-123' };
const env = { ...OFFLINE_ENV, ...tokens };
const buildApp = () => createApp(offlineIntegration(requiredConfigKeys, tokens));

describe('fulfilment-service app', () => {
  itServesTheSharedShell(buildApp);

  it('refuses to start without the webhook and ops tokens, naming both keys', () => {
    const { CLARUS_WEBHOOK_TOKEN: _w, OPS_API_TOKEN: _o, ...withoutTokens } = env;
    expect(() => loadConfig(withoutTokens, requiredConfigKeys)).toThrow(ConfigError);
    expect(() => loadConfig(withoutTokens, requiredConfigKeys)).toThrow(
      /CLARUS_WEBHOOK_TOKEN[\s\S]*OPS_API_TOKEN/,
    );
  });
});
