/* Shared helpers of the benchmarks (benchmark code only: never imported by product code or tests). */
import http from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/src';

export type BenchMode = 'full' | 'quick' | 'smoke';

/** `--quick` (about a tenth of full, under 5 minutes), `--smoke` (everything tiny, about a minute), else full. */
export function benchMode(argv: readonly string[] = process.argv.slice(2)): BenchMode {
  if (argv.includes('--smoke')) return 'smoke';
  if (argv.includes('--quick')) return 'quick';
  return 'full';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A logger that writes nothing (benchmarks print their own table). */
export function quietLogger(): Logger {
  return createLogger({
    service: 'bench',
    level: 'error',
    stream: new Writable({ write: (_c, _e, done) => done() }),
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(runners);
}

/** Percentile (0..100) of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
export const mb = (bytes: number) => round(bytes / 1048576, 1);

/** Peak RSS of this process over a measured phase (sampled every 100 ms, plus start and end). */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: [string, string | number, string?][]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, note] of rows) {
    console.log(`  ${name.padEnd(width)}  ${String(value).padStart(12)}${note ? `  ${note}` : ''}`);
  }
}

/** Progress on stderr (stdout's last line is the JSON result). */
export const progress = (message: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/**
 * POSTs and waits as long as the answer takes (a job run answers when it ends, after many minutes: fetch's
 * 300 s header timeout would cut it). Resolves with the status and the parsed JSON body.
 */
export function postAndWait(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-length': '0' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
