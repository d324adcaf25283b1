import { Writable } from 'node:stream';
import { startClarusSimulator } from '@clarus-connector/sandbox';
import {
  createClarusClient,
  createLogger,
  type ClarusClient,
  type ClarusClientOptions,
  type ClarusConfig,
} from '@clarus-connector/core';

export type Simulator = Awaited<ReturnType<typeof startClarusSimulator>>;
export type SimulatorOptions = Parameters<typeof startClarusSimulator>[0];

/** Log lines written by the client, parsed back from JSON (to prove nothing secret reaches them). */
export interface CapturedLogs {
  lines: Record<string, unknown>[];
  text(): string;
}

export function captureLogger(): { logger: ReturnType<typeof createLogger>; logs: CapturedLogs } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger({ service: 'clarus-test', level: 'debug', stream });
  return { logger, logs: { lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') } };
}

export function configFor(sim: Simulator, overrides: Partial<ClarusConfig> = {}): ClarusConfig {
  return {
    apiUrl: sim.url,
    restPrefix: '/api',
    subdomain: sim.subdomain,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    accountId: sim.accountId,
    warehouseId: sim.defaultWarehouseId,
    maxRequestsPerSecond: 1000,
    maxConcurrency: 8,
    requestTimeoutMs: 2000,
    ...overrides,
  };
}

export function clientFor(
  sim: Simulator,
  overrides: Partial<ClarusConfig> = {},
  options: Partial<Omit<ClarusClientOptions, 'config'>> = {},
): { client: ClarusClient; logs: CapturedLogs } {
  const { logger, logs } = captureLogger();
  // Short backoff keeps the suite fast; the policy itself is what is under test, not its defaults.
  const client = createClarusClient({
    config: configFor(sim, overrides),
    logger,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
  return { client, logs };
}

export const apiRequests = (sim: Simulator) => sim.requests.filter((r) => r.path !== '/oauth/token');
export const tokenRequests = (sim: Simulator) => sim.requests.filter((r) => r.path === '/oauth/token');

/** A create body the simulator accepts, for products seeded by the test. */
export function salesOrder(reference: string, productId: number, accountId: number) {
  return {
    attributes: {
      goods_out_type: 'sales_order' as const,
      account_id: accountId,
      reference,
      expected_date_of_dispatch: '2030-01-20T10:00:00Z',
      external_system_reference1: `ct-${reference}`,
      lines_changes: [
        {
          type: 'ADD' as const,
          attributes: {
            product_id: productId,
            order_quantity: 2,
            alt_product_code: 'SKU-1',
            alt_line_reference: `li-${reference}`,
          },
        },
      ],
    },
    address: {
      name: 'Jane Tester',
      address_1: '1 Test Street',
      address_3: 'London',
      postcode: 'SW1A 1AA',
      country_code: 'GB',
      email_address: 'jane.tester@example.com',
      phone_number: '+44 20 7946 0958',
    },
  };
}
