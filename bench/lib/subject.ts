/*
 * Benchmark instrument: each app runs as its own Node process, as on Connect (bundled with esbuild from
 * source, packages external, like `node dist/index.js`), so its memory and CPU are its own. Stats come
 * over IPC (`subject-child.cjs`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { sleep } from './util';

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, '.tmp', 'bench');

export interface SubjectStats {
  rssMb: number;
  maxRssMb: number;
  cpuMs: number;
}

export interface Subject {
  url: string;
  /** ms from fork to the first 200 on GET /health. */
  coldStartMs: number;
  stats(): Promise<SubjectStats>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const built = new Map<string, string>();

/** Bundles an entry file (relative to the repo root) once per benchmark run. */
export function bundle(entry: string): string {
  const cached = built.get(entry);
  if (cached) return cached;
  mkdirSync(OUT, { recursive: true });
  const outfile = path.join(OUT, `${entry.replace(/[/\\.]/g, '_')}.js`);
  buildSync({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // core's own lru-cache (v11) differs from the hoisted one: bundle core's, as core/node_modules resolves it.
    alias: { 'lru-cache': path.join(ROOT, 'core/node_modules/lru-cache') },
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    outfile,
    logLevel: 'warning',
  });
  built.set(entry, outfile);
  return outfile;
}

export async function freePort(): Promise<number> {
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

/** Starts `entry` with `env` on a free port; resolves once /health answers 200. */
/**
 * Connect's memory per instance (event apps and services 512 MB, jobs 4 GB): Node sizes its heap from the
 * container's memory there, but from this machine's here, so the heap limit is set to what fits the container.
 */
export const HEAP_MB = { service: 384, job: 3072 } as const;

export async function startSubject(
  entry: string,
  env: Record<string, string>,
  kind: keyof typeof HEAP_MB = 'service',
): Promise<Subject> {
  const file = bundle(entry);
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child: ChildProcess = fork(path.join(__dirname, 'subject-child.cjs'), [], {
    env: { ...process.env, ...env, PORT: String(port), BENCH_BUNDLE: file, NODE_ENV: 'production' },
    cwd: ROOT,
    execArgv: [
      `--max-old-space-size=${HEAP_MB[kind]}`,
      // BENCH_CPU_PROF=<dir>: write a V8 CPU profile there when the app stops (SIGTERM).
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  // The app logs JSON on stdout (LOG_LEVEL=error in benchmarks): pass it on to stderr, stdout is the table's.
  child.stdout?.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  let coldStartMs = NaN;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited during start (code ${child.exitCode})`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) {
        coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Number(process.hrtime.bigint() - started) / 1e6 > 15_000) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not start (see its log above)`);
    }
    await sleep(5);
  }
  return {
    url,
    coldStartMs,
    stats: () =>
      new Promise<SubjectStats>((resolve) => {
        child.once('message', (m) => resolve(m as SubjectStats));
        child.send('stats');
      }),
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
