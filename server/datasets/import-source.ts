/**
 * The SELECT that reads an uploaded file for import, per format. DuckDB's CSV sniffer, when a
 * file has inconsistent rows, silently falls back to one column per line; we detect that and
 * re-read the file strictly to name the offending line instead.
 */
import { open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from '../../core/sql/identifiers.js';

export type ImportFormat = 'csv' | 'json' | 'parquet';

/** The format a file name implies, or undefined. Pure. */
export function formatOf(fileName: string): ImportFormat | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return 'json';
  if (ext === 'parquet') return 'parquet';
  return undefined;
}

/** A problem found in the file, already worded for the analyst. */
export class SourceProblem extends Error {}

/** The SELECT reading `sourcePath` as `format`; throws SourceProblem for a malformed CSV. */
export async function sourceSelect(connection: DuckDBConnection, sourcePath: string, format: ImportFormat): Promise<string> {
  const file = quoteString(sourcePath);
  if (format === 'parquet') return `SELECT * FROM read_parquet(${file})`;
  if (format === 'json') return `SELECT * FROM read_json_auto(${file})`;

  const auto = `SELECT * FROM read_csv(${file})`;
  const header = await firstLine(sourcePath);
  const delimiter = likelyDelimiter(header);
  let sniffError: unknown;
  try {
    const described = await connection.runAndReadAll(`DESCRIBE ${auto}`);
    if (described.currentRowCount !== 1 || delimiter === undefined) return auto;
  } catch (e) {
    sniffError = e;
  }
  if (delimiter !== undefined) {
    // Same file, dialect fixed by hand: DuckDB then reports the first bad line precisely.
    const names = splitHeader(header, delimiter);
    const columns = `{${names.map((n, i) => `${quoteString(n || `column${i}`)}: 'VARCHAR'`).join(', ')}}`;
    const strict = `SELECT count(*) FROM read_csv(${file}, auto_detect = false, header = true, delim = ${quoteString(delimiter)}, quote = '"', escape = '"', columns = ${columns})`;
    try {
      await connection.run(strict);
    } catch (e) {
      throw new SourceProblem(describeCsvError(e instanceof Error ? e.message : String(e)));
    }
    // Consistent after all: keep the delimiter, let DuckDB detect the column types.
    return `SELECT * FROM read_csv(${file}, header = true, delim = ${quoteString(delimiter)})`;
  }
  throw sniffError;
}

/** `line 3: expected 4 columns, found 2` from DuckDB's CSV error text. Pure. */
export function describeCsvError(message: string): string {
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  let what: string;
  if (counts) {
    what = `expected ${counts[1]} columns, found ${counts[2]}`;
  } else {
    // The explanation is the first line after "Original Line: …" that is not the fixes list.
    const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
    const at = lines.findIndex((l) => l.startsWith('Original Line:'));
    const candidate = at >= 0 ? lines[at + 1] : lines[0];
    what = (candidate && !candidate.startsWith('Possible fixes') ? candidate : 'the file is not a well-formed CSV')
      .replace(/^(?:[A-Z][A-Za-z]*\s)*Error:\s*/, '')
      .replace(/\.$/, '');
    what = what.charAt(0).toLowerCase() + what.slice(1);
  }
  return line ? `line ${line}: ${what}` : what;
}

/** The delimiter the header line most likely uses, if any. Pure. */
export function likelyDelimiter(header: string): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = splitHeader(header, d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

/** Header fields, honouring double quotes. Pure. */
export function splitHeader(header: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i]!;
    if (ch === '"') {
      if (quoted && header[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** The first line of a file (at most 64 KiB read), without BOM or line ending. */
async function firstLine(filePath: string): Promise<string> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    return text.split(/\r?\n/)[0] ?? '';
  } finally {
    await handle.close();
  }
}
