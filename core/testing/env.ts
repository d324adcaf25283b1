import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../src/logging';

/** The smallest environment every app starts with; every URL points at a closed loopback port. */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  CTP_PROJECT_KEY: 'test-project',
  CTP_CLIENT_ID: 'ctp-client',
  CTP_CLIENT_SECRET: 'ctp-secret-123',
  CTP_API_URL: 'http://127.0.0.1:1',
  CTP_AUTH_URL: 'http://127.0.0.1:1',
  CLARUS_API_URL: 'http://127.0.0.1:1',
  CLARUS_SUBDOMAIN: 'test',
  CLARUS_CLIENT_ID: 'clarus-client',
  CLARUS_CLIENT_SECRET: 'clarus-secret-123',
  CLARUS_ACCOUNT_ID: '1',
};

/** A logger whose lines go nowhere (tests that do not read logs). */
export function silentLogger(service = 'test'): Logger {
  return createLogger({ service, stream: new Writable({ write: (_chunk, _encoding, done) => done() }) });
}
