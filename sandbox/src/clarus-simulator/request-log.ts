import type { RequestHandler, Response } from 'express';
import type { RecordedRequest } from './types';

/** Every API request (control routes excluded), recorded on arrival and completed when answered. */
export class RequestLog {
  /** Kept as one array (cleared in place) so a reference held by a test stays live. */
  readonly entries: RecordedRequest[] = [];

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.entries.splice(0, this.entries.length);
  }

  /** First middleware: runs before body parsing so malformed and faulted requests are recorded too. */
  readonly record: RequestHandler = (req, res, next) => {
    const entry: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: { ...(req.query as Record<string, unknown>) },
      headers: { ...req.headers },
      body: undefined,
      at: this.now(),
    };
    this.entries.push(entry);
    res.locals.clarusRecord = entry;
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    next();
  };

  /** After the body parsers. */
  readonly captureBody: RequestHandler = (req, res, next) => {
    const entry = RequestLog.entryOf(res);
    if (entry) entry.body = req.body;
    next();
  };

  static entryOf(res: Response): RecordedRequest | undefined {
    return res.locals.clarusRecord as RecordedRequest | undefined;
  }
}
