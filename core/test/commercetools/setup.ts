import {
  startCommercetoolsEmulator,
  type CommercetoolsEmulator,
  type CommercetoolsEmulatorOptions,
} from '@clarus-connector/sandbox';
import type { ByProjectKeyRequestBuilder } from '@commercetools/platform-sdk';
import {
  createCommercetoolsClient,
  type CommercetoolsClientOptions,
  type CommercetoolsConfig,
} from '../../src';

/** One emulator per test file, and a client against it with fast retries so failure tests stay quick. */
export interface EmulatorWithClient {
  emulator: CommercetoolsEmulator;
  config: CommercetoolsConfig;
  api: ByProjectKeyRequestBuilder;
  client(options?: CommercetoolsClientOptions): ByProjectKeyRequestBuilder;
}

export async function startEmulatorWithClient(
  options: CommercetoolsEmulatorOptions = {},
): Promise<EmulatorWithClient> {
  const emulator = await startCommercetoolsEmulator(options);
  const config: CommercetoolsConfig = {
    projectKey: emulator.projectKey,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    scopes: [`manage_project:${emulator.projectKey}`],
    apiUrl: emulator.apiUrl,
    authUrl: emulator.authUrl,
  };
  const client = (clientOptions: CommercetoolsClientOptions = {}) =>
    createCommercetoolsClient(config, {
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      timeoutMs: 5000,
      ...clientOptions,
    });
  return { emulator, config, api: client(), client };
}

/** A fixed, advanceable clock: lease expiry is tested by moving time, never by sleeping. */
export function testClock(startIso = '2030-01-01T00:00:00.000Z') {
  let now = Date.parse(startIso);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}
