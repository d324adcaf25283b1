import { csvCell, EXCEPTION_CSV_COLUMNS, exceptionsToCsv, type ExceptionRecord } from '../../src';

const record: ExceptionRecord = {
  key: 'master-data-drift.sku.MUG-1',
  kind: 'master-data-drift',
  team: 'operations',
  entity: { type: 'sku', id: 'MUG-1', sku: 'MUG-1' },
  message: 'SKU MUG-1: barcode "123", in commercetools\ndiffers',
  action: 'Align the master data.',
  status: 'resolved',
  count: 2,
  firstSeenAt: '2030-01-01T00:00:00.000Z',
  lastSeenAt: '2030-01-02T00:00:00.000Z',
  resolvedAt: '2030-01-03T00:00:00.000Z',
};

describe('exceptions CSV', () => {
  it('quotes per RFC 4180', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('')).toBe('');
  });

  it.each(['=1+1', '+SUM(A1)', '-2', '@cmd', '\tTAB', '\rCR'])(
    'keeps %j from being run as a formula',
    (value) => {
      const cell = csvCell(value);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted).toBe(`'${value}`);
    },
  );

  it('writes a BOM, a header row and one CRLF-terminated row per exception', () => {
    const csv = exceptionsToCsv([record]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const row = [
      'master-data-drift.sku.MUG-1',
      'master-data-drift',
      'operations',
      'resolved',
      'sku',
      'MUG-1',
      '',
      'MUG-1',
      '"SKU MUG-1: barcode ""123"", in commercetools\ndiffers"',
      'Align the master data.',
      '2',
      '2030-01-01T00:00:00.000Z',
      '2030-01-02T00:00:00.000Z',
      '2030-01-03T00:00:00.000Z',
    ].join(',');
    expect(csv).toBe(`\uFEFF${EXCEPTION_CSV_COLUMNS.join(',')}\r\n${row}\r\n`);
    expect(exceptionsToCsv([])).toBe(`\uFEFF${EXCEPTION_CSV_COLUMNS.join(',')}\r\n`);
  });
});
