/**
 * CSV as RFC 4180 writes it: fields separated by a delimiter, records ended by CRLF, a field
 * quoted when it holds the delimiter, a double quote, CR or LF (a quote inside doubled), UTF-8
 * with a byte-order mark so that spreadsheets read accents right. Two variants: `comma` (the
 * RFC's, decimal point) and `semicolon` (French spreadsheets: `;` between fields, decimal comma).
 */

export type CsvSeparator = 'comma' | 'semicolon';

export type CsvCell = string | number | boolean | null | undefined;

export interface CsvOptions {
  separator?: CsvSeparator;
  /** Start with U+FEFF (default true). */
  bom?: boolean;
}

const DELIMITERS: Record<CsvSeparator, string> = { comma: ',', semicolon: ';' };

/** At most this many decimals: indicators are estimates, not exact binary fractions. */
const MAX_DECIMALS = 6;

/** A number as text: no exponent, at most 6 decimals, trailing zeros dropped; decimal comma if asked. */
export function formatCsvNumber(n: number, decimalComma: boolean): string {
  if (!Number.isFinite(n)) return '';
  const fixed = n.toFixed(MAX_DECIMALS).replace(/\.?0+$/, '');
  const text = fixed === '-0' ? '0' : fixed;
  return decimalComma ? text.replace('.', ',') : text;
}

/**
 * A text a spreadsheet would run as a formula (=, +, -, @, tab or CR first) is prefixed with an
 * apostrophe (OWASP's advice on CSV injection): names come from people who type them.
 */
function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One field, quoted when it must be (or when it holds either delimiter, so both variants are safe). */
export function csvField(value: CsvCell, separator: CsvSeparator = 'comma'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  // A number holds no delimiter: a decimal comma comes in the semicolon variant only.
  if (typeof value === 'number') return formatCsvNumber(value, separator === 'semicolon');
  const text = defuse(value);
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(cells: readonly CsvCell[], separator: CsvSeparator = 'comma'): string {
  return cells.map((c) => csvField(c, separator)).join(DELIMITERS[separator]);
}

/** A whole file: the header, then one record per row, each ended by CRLF. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  opts: CsvOptions = {},
): string {
  const separator = opts.separator ?? 'comma';
  const lines = [csvRecord(header, separator), ...rows.map((r) => csvRecord(r, separator))];
  return (opts.bom === false ? '' : '\uFEFF') + lines.map((l) => `${l}\r\n`).join('');
}

/**
 * Reads back what `toCsv` writes (for tests and tools): RFC 4180 fields, quoted or not, with
 * CRLF or LF record ends; a leading BOM is dropped.
 */
export function parseCsv(text: string, separator: CsvSeparator = 'comma'): string[][] {
  const delimiter = DELIMITERS[separator];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  while (i < input.length) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === delimiter) {
      endField();
      i++;
    } else if (c === '\r' && input[i + 1] === '\n') {
      endField();
      records.push(record);
      record = [];
      i += 2;
    } else if (c === '\n') {
      endField();
      records.push(record);
      record = [];
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}
