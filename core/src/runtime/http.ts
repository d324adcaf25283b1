import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { currentCorrelationId, withLogContext, type Logger } from '../logging';

export interface HttpAppOptions {
  logger: Logger;
  /** Largest JSON body accepted; larger bodies answer 413. */
  bodyLimit?: string;
}

/**
 * The HTTP shell every app shares: JSON bodies with a size limit, a correlation id per request
 * (taken from `x-correlation-id` or `x-cloud-trace-context`, else new), `GET /health`, and an error
 * handler that answers 4xx with a reason and never leaks a stack trace.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(correlation);
  app.use(
    express.json({ limit: options.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] }),
  );
  app.get('/health', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  return app;
}

const correlation: RequestHandler = (req, res, next) => {
  const header = req.header('x-correlation-id') ?? req.header('x-cloud-trace-context')?.split('/')[0];
  const correlationId = header && /^[A-Za-z0-9._-]{1,100}$/.test(header) ? header : undefined;
  withLogContext({ correlationId }, () => {
    res.setHeader('x-correlation-id', currentCorrelationId() ?? '');
    next();
  });
};

/** Last handler of every app: body-parser errors become clear 4xx; anything else is a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status =
      typeof err?.status === 'number'
        ? err.status
        : typeof err?.statusCode === 'number'
          ? err.statusCode
          : 500;
    if (err?.type === 'entity.too.large') {
      res.status(413).json({ error: 'body_too_large', message: 'request body exceeds the size limit' });
      return;
    }
    if (err?.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid_json', message: 'request body is not valid JSON' });
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: 'bad_request', message: String(err?.message ?? 'bad request') });
      return;
    }
    logger.error('unhandled error', { error: err });
    res.status(500).json({ error: 'internal_error', message: 'internal error' });
  };
}

/** Listens on the given port (0 = any free port) on all interfaces, or loopback when `host` is given. */
export function listen(app: Express, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host ? app.listen(port, host) : app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting connections, lets in-flight requests finish (Cloud Run sends SIGTERM before stopping). */
export function closeOnSignals(server: Server, logger: Logger, onClose?: () => Promise<void> | void): void {
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    server.close(() => {
      void Promise.resolve(onClose?.()).finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 9000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
