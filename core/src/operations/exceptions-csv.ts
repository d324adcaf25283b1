import type { ExceptionRecord } from './exceptions';

/** Columns of the exceptions CSV, in order (the header row). */
export const EXCEPTION_CSV_COLUMNS = [
  'key',
  'kind',
  'team',
  'status',
  'entity_type',
  'entity_id',
  'order_number',
  'sku',
  'message',
  'action',
  'count',
  'first_seen',
  'last_seen',
  'resolved_at',
] as const;

/** The row of one exception, as plain strings in column order (before quoting). */
export function exceptionCsvRow(record: ExceptionRecord): string[] {
  return [
    record.key,
    record.kind,
    record.team,
    record.status,
    record.entity.type,
    record.entity.id,
    record.entity.orderNumber ?? '',
    record.entity.sku ?? (record.entity.type === 'sku' ? record.entity.id : ''),
    record.message,
    record.action,
    String(record.count),
    record.firstSeenAt,
    record.lastSeenAt,
    record.resolvedAt ?? '',
  ];
}

/**
 * A cell that a spreadsheet shows as text, never runs: a value starting with `=`, `+`, `-`, `@` (or a tab
 * or carriage return, which some spreadsheets skip before looking) is a formula to Excel, LibreOffice and
 * Google Sheets — an order number or message from outside must not become one (CSV injection). Such a
 * value gets a leading `'`. Then RFC 4180 quoting: a cell holding `"`, `,`, CR or LF is wrapped in quotes,
 * with quotes doubled.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Pure: exceptions → an RFC 4180 CSV document (CRLF line breaks, a header row, one row per exception).
 * It starts with a UTF-8 byte order mark so that Excel reads non-ASCII text (SKUs, messages) correctly.
 */
export function exceptionsToCsv(records: readonly ExceptionRecord[]): string {
  const lines = [
    EXCEPTION_CSV_COLUMNS.join(','),
    ...records.map((r) => exceptionCsvRow(r).map(csvCell).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
