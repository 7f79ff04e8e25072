/**
 * The front matter of a notebook file: `---`, one `key: value` line per field, `---`.
 *
 * Values are written bare when that is unambiguous (and reads as the same string in YAML, so
 * Markdown viewers show a sensible table); otherwise as a JSON string literal, which YAML reads
 * the same way. The parser accepts bare values (trimmed), JSON strings ("…") and YAML single
 * quoted strings ('…', with '' for a quote). Blank lines and `#` comment lines are skipped.
 * Keys other than title, classification, created and updated are kept in `meta.extra`.
 */
import { NotebookFormatError } from './format-error.js';
import type { NotebookMeta } from './model.js';

const FENCE = /^---[ \t]*$/;
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(.*)$/s;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KNOWN_KEYS = ['title', 'classification', 'created', 'updated'] as const;
type KnownKey = (typeof KNOWN_KEYS)[number];
const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Characters that would make a bare YAML scalar mean something else, when first.
const YAML_INDICATORS = `"'#&*!|>%@\`[]{},?:-~`;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The front matter lines, `---` to `---`, for `meta`. Throws on a value no file could hold. */
export function serializeFrontMatter(meta: NotebookMeta): string[] {
  checkMeta(meta);
  const lines = ['---', `title: ${formatValue(meta.title)}`];
  if (meta.classification !== undefined) lines.push(`classification: ${formatValue(meta.classification)}`);
  if (meta.created !== undefined) lines.push(`created: ${formatValue(meta.created)}`);
  if (meta.updated !== undefined) lines.push(`updated: ${formatValue(meta.updated)}`);
  for (const [key, value] of Object.entries(meta.extra ?? {})) lines.push(`${key}: ${formatValue(value)}`);
  lines.push('---');
  return lines;
}

/**
 * Reads the front matter at the top of `lines` (the file split on "\n").
 * Returns the metadata and the index of the first line after the closing `---`.
 */
export function parseFrontMatter(lines: readonly string[]): { meta: NotebookMeta; bodyStart: number } {
  if (lines.length === 0 || !FENCE.test(lines[0]!)) {
    throw new NotebookFormatError(1, "a notebook file starts with front matter: a '---' line, 'title: …', then '---'");
  }
  const known: Partial<Record<KnownKey, string>> = {};
  const extra: Array<[string, string]> = [];
  const seen = new Set<string>();
  let i = 1;
  for (; i < lines.length && !FENCE.test(lines[i]!); i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = KEY_LINE.exec(line);
    if (!m) throw new NotebookFormatError(lineNo, `expected 'key: value' in the front matter, got ${JSON.stringify(line)}`);
    const key = m[1]!;
    if (seen.has(key)) throw new NotebookFormatError(lineNo, `front matter key "${key}" appears twice`);
    seen.add(key);
    const value = parseValue(m[2]!, key, lineNo);
    if (isKnownKey(key)) {
      if ((key === 'created' || key === 'updated') && !isTimestamp(value)) {
        throw new NotebookFormatError(lineNo, `${key}: ${JSON.stringify(value)} is not an ISO 8601 timestamp`);
      }
      known[key] = value;
    } else {
      extra.push([key, value]);
    }
  }
  if (i === lines.length) throw new NotebookFormatError(1, 'unterminated front matter (opened here, never closed by ---)');
  if (known.title === undefined) throw new NotebookFormatError(1, 'the front matter has no title');
  const meta: NotebookMeta = { title: known.title };
  if (known.classification !== undefined) meta.classification = known.classification;
  if (known.created !== undefined) meta.created = known.created;
  if (known.updated !== undefined) meta.updated = known.updated;
  // fromEntries defines own properties, so a key such as __proto__ stays an ordinary key.
  if (extra.length > 0) meta.extra = Object.fromEntries(extra);
  return { meta, bodyStart: i + 1 };
}

function isKnownKey(key: string): key is KnownKey {
  return (KNOWN_KEYS as readonly string[]).includes(key);
}

function isTimestamp(value: string): boolean {
  return ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
}

/** Throws when `meta` holds something parseFrontMatter would refuse. */
function checkMeta(meta: NotebookMeta): void {
  for (const key of ['created', 'updated'] as const) {
    const value = meta[key];
    if (value !== undefined && !isTimestamp(value)) {
      throw new Error(`notebook ${key}: ${JSON.stringify(value)} is not an ISO 8601 timestamp`);
    }
  }
  for (const key of Object.keys(meta.extra ?? {})) {
    if (!KEY.test(key) || isKnownKey(key)) {
      throw new Error(`notebook front matter key ${JSON.stringify(key)} cannot be written: use letters, digits, _ and -`);
    }
  }
}

function formatValue(value: string): string {
  return isBareSafe(value) ? value : JSON.stringify(value);
}

function isBareSafe(value: string): boolean {
  return (
    value.length > 0 &&
    value === value.trim() &&
    !CONTROL.test(value) &&
    !YAML_INDICATORS.includes(value[0]!) &&
    !value.includes(': ') &&
    !value.includes(' #') &&
    !value.endsWith(':')
  );
}

function parseValue(raw: string, key: string, lineNo: number): string {
  const value = raw.trim();
  if (value.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'string') {
      throw new NotebookFormatError(lineNo, `${key}: invalid quoted value ${value} (write it as a JSON string: "…", with \\" for a quote)`);
    }
    return parsed;
  }
  if (value.startsWith("'")) {
    const inner = value.slice(1, -1);
    if (value.length < 2 || !value.endsWith("'") || /'/.test(inner.replace(/''/g, ''))) {
      throw new NotebookFormatError(lineNo, `${key}: invalid quoted value ${value} (in '…', write '' for a quote)`);
    }
    return inner.replace(/''/g, "'");
  }
  return value;
}
