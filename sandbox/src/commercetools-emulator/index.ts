import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** One request the emulator received (control routes excluded). `status` 0 = the connection was dropped. */
export interface EmulatorRequest {
  method: string;
  url: string;
  status: number;
}

export interface FailNextOptions {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Path below the project, e.g. `/orders` or `/custom-objects/clarus-jobs`; matched as a prefix. */
  path: string;
  /** Status to answer with (409 answers a ConcurrentModification body like the real API's); 0 drops the connection. */
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Response body; defaults to a real-API-shaped error body for the status. */
  body?: unknown;
  /**
   * `before` (default): fail without touching state. `after`: apply the request, then fail the response —
   * a write that landed but whose answer was lost.
   */
  when?: 'before' | 'after';
}

export interface CommercetoolsEmulatorOptions {
  /** Default `clarus-test`. */
  projectKey?: string;
  /**
   * Turns off the harness's Custom Object corrections (create-only `version: 0`, versioned DELETE), leaving
   * the mock's upsert behaviour. Only for tests that prove the product does not depend on them silently.
   */
  rawCustomObjects?: boolean;
  /** Fixed port (default: any free port). */
  port?: number;
}

export interface CommercetoolsEmulator {
  apiUrl: string;
  authUrl: string;
  projectKey: string;
  clientId: string;
  clientSecret: string;
  /** CTP_* environment values pointing the apps at this emulator. */
  env(): Record<string, string>;
  requests(): Promise<EmulatorRequest[]>;
  resetRequests(): Promise<void>;
  failNext(options: FailNextOptions): Promise<void>;
  /** Drops every pending injected failure. */
  clearFailures(): Promise<void>;
  /** Empties the emulator's storage (every project). */
  clear(): Promise<void>;
  /** Stores a complete resource as given (shapes the emulator's APIs cannot create, e.g. multi-shipment orders). */
  seed<T extends { id: string }>(typeId: string, resource: T): Promise<T>;
  close(): Promise<void>;
}

const BIN = path.resolve(__dirname, '../../bin/commercetools-emulator.mjs');
const START_TIMEOUT_MS = 15_000;

/**
 * Starts `@labdigital/commercetools-mock` in a child process on 127.0.0.1 (the mock is ESM-only; jest runs
 * CommonJS) and resolves once it listens. The emulator accepts any client id and secret and issues tokens at
 * `${authUrl}/oauth/token`; API calls need one of its tokens, as on the real API.
 */
export async function startCommercetoolsEmulator(
  options: CommercetoolsEmulatorOptions = {},
): Promise<CommercetoolsEmulator> {
  const projectKey = options.projectKey ?? 'clarus-test';
  const args = [BIN, '--project-key', projectKey, '--port', String(options.port ?? 0)];
  if (options.rawCustomObjects) args.push('--raw-custom-objects');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const port = await waitForPort(child);

  const baseUrl = `http://127.0.0.1:${port}`;
  const clientId = 'clarus-connector-test';
  const clientSecret = 'emulator-secret-not-checked';

  const control = async (method: string, route: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${baseUrl}/__control${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator control ${method} ${route} answered ${response.status}`);
    return response;
  };

  let closed: Promise<void> | undefined;
  return {
    apiUrl: baseUrl,
    authUrl: baseUrl,
    projectKey,
    clientId,
    clientSecret,
    env: () => ({
      CTP_PROJECT_KEY: projectKey,
      CTP_CLIENT_ID: clientId,
      CTP_CLIENT_SECRET: clientSecret,
      CTP_SCOPE: `manage_project:${projectKey}`,
      CTP_API_URL: baseUrl,
      CTP_AUTH_URL: baseUrl,
    }),
    requests: async () => (await (await control('GET', '/requests')).json()) as EmulatorRequest[],
    resetRequests: async () => {
      await control('DELETE', '/requests');
    },
    failNext: async (fail) => {
      const relative = fail.path.startsWith('/') ? fail.path : `/${fail.path}`;
      await control('POST', '/fail-next', {
        method: fail.method,
        pathPrefix: `/${projectKey}${relative}`,
        status: fail.status,
        times: fail.times,
        body: fail.body,
        when: fail.when,
      });
    },
    clearFailures: async () => {
      await control('DELETE', '/fail-next');
    },
    clear: async () => {
      await control('POST', '/clear');
    },
    seed: async (typeId, resource) => {
      await control('POST', `/seed/${encodeURIComponent(typeId)}`, resource);
      return resource;
    },
    close: () => (closed ??= stopChild(child)),
  };
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`commercetools emulator did not start within ${START_TIMEOUT_MS} ms. ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`commercetools emulator exited (code ${code}) before listening. ${stderr}`));
    });
    lines.on('line', (line) => {
      try {
        const { port } = JSON.parse(line) as { port?: unknown };
        if (typeof port === 'number' && port > 0) {
          clearTimeout(timer);
          lines.close();
          resolve(port);
        }
      } catch {
        // not the ready line
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
    child.stdin?.end();
  });
}
