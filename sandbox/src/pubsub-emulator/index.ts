import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A running Google Pub/Sub emulator (`host:port`, what PUBSUB_EMULATOR_HOST takes). */
export interface PubSubEmulator {
  host: string;
  /** True when this process started it (and `close` stops it). */
  owned: boolean;
  close(): Promise<void>;
}

const KNOWN_LOCATIONS = [
  '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator',
  '/usr/share/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator',
  '/opt/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator',
];

/** Where the emulator that ships with the Google Cloud CLI is, if this machine has it. */
export function findPubSubEmulator(): string | undefined {
  const explicit = process.env.PUBSUB_EMULATOR_BIN;
  if (explicit && existsSync(explicit)) return explicit;
  const known = KNOWN_LOCATIONS.find((p) => existsSync(p));
  if (known) return known;
  try {
    const root = execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8',
      timeout: 10_000,
    }).trim();
    const candidate = path.join(root, 'platform/pubsub-emulator/bin/cloud-pubsub-emulator');
    return existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Uses the emulator named by PUBSUB_EMULATOR_HOST when set (CI starts one), else starts the one from the
 * Google Cloud CLI on a free loopback port. Resolves undefined when neither exists.
 */
export async function startPubSubEmulator(
  options: { startTimeoutMs?: number } = {},
): Promise<PubSubEmulator | undefined> {
  const existing = process.env.PUBSUB_EMULATOR_HOST;
  if (existing) return { host: existing, owned: false, close: async () => undefined };
  const bin = findPubSubEmulator();
  if (!bin) return undefined;
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn(bin, [`--host=127.0.0.1`, `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.stdout?.resume();
  child.stderr?.resume();
  // Ready when its HTTP endpoint answers (the Java process takes a few seconds to start).
  while (!(await answers(host))) {
    if (exited || Date.now() > deadline) {
      stop(child);
      throw new Error(`the Pub/Sub emulator (${bin}) did not start on ${host}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { host, owned: true, close: async () => stop(child) };
}

async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    // The script starts java as a child: stop the whole process group.
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}
