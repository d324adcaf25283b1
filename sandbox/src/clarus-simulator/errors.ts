import type { Response } from 'express';

/** One entry of the documented `ErrorResponse.errors` array (components.schemas.Error). */
export interface ClarusError {
  code: number;
  symbol: string;
  details: string;
  source: string | null;
  context: Record<string, unknown> | null;
}

export function clarusError(
  code: number,
  symbol: string,
  details: string,
  context: Record<string, unknown> | null = null,
  source: string | null = null,
): ClarusError {
  return { code, symbol, details, source, context };
}

export function sendErrors(res: Response, status: number, errors: ClarusError[]): void {
  res.status(status).json({ errors });
}

export function sendNotFound(res: Response, resource: string, id: unknown): void {
  sendErrors(res, 404, [
    clarusError(404, 'record_not_found', `${resource} ${String(id)} not found`, { id }, null),
  ]);
}

/** A domain rule refused the operation; carries the documented error entries for a 422. */
export class UnprocessableError extends Error {
  constructor(readonly errors: ClarusError[]) {
    super(errors.map((e) => e.details).join('; '));
  }
}

export class NotFoundError extends Error {
  constructor(
    readonly resource: string,
    readonly id: unknown,
  ) {
    super(`${resource} ${String(id)} not found`);
  }
}
