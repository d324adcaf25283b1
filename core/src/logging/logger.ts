import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import winston from 'winston';
import { redact } from './redact';

export type Logger = Pick<winston.Logger, 'error' | 'warn' | 'info' | 'debug'>;

interface LogContext {
  correlationId: string;
  [field: string]: unknown;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with a correlation id (and any extra fields) attached to every log line it causes. */
export function withLogContext<T>(fields: Partial<LogContext>, fn: () => T): T {
  const parent = context.getStore();
  return context.run(
    { ...parent, ...fields, correlationId: fields.correlationId ?? parent?.correlationId ?? randomUUID() },
    fn,
  );
}

export function currentCorrelationId(): string | undefined {
  return context.getStore()?.correlationId;
}

// Cloud Logging reads `severity`; winston levels map onto its names.
const SEVERITY: Record<string, string> = { error: 'ERROR', warn: 'WARNING', info: 'INFO', debug: 'DEBUG' };

export interface LoggerOptions {
  level?: string;
  service: string;
  /** Configured secret values: any occurrence in a log line is replaced. */
  secrets?: readonly string[];
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const shape = winston.format((info) => {
    const { level, message, ...fields } = info as Record<string, unknown> & {
      level: string;
      message: unknown;
    };
    const store = context.getStore();
    const line = redact({ ...store, ...fields }, secrets) as Record<string, unknown>;
    return Object.assign(info, line, {
      severity: SEVERITY[level] ?? 'DEFAULT',
      message: typeof message === 'string' ? redact(message, secrets) : redact(message, secrets),
      service: options.service,
    });
  });
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  // winston formats every line before its transport drops the ones below the level: drop them first, so a
  // debug line costs nothing at LOG_LEVEL=info (the event app's per-request lines; issue 11's CPU per order).
  const levels = winston.config.npm.levels;
  const threshold = levels[options.level ?? 'info'] ?? levels.info!;
  const enabled = winston.format((info) => ((levels[info.level] ?? 0) <= threshold ? info : false));
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(enabled(), shape(), winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
}
