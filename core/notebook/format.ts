/**
 * The notebook text file: Markdown that reads well in git and in any Markdown viewer.
 *
 *     ---
 *     title: Réseau de la société écran
 *     classification: DIFFUSION RESTREINTE
 *     ---
 *
 *     <!-- cell id=m8a1c3 -->
 *     # Narrative (a markdown cell)
 *
 *     ```sql name=suspects id=c4f2a9
 *     SELECT * FROM persons WHERE city = 'Lyon'
 *     ```
 *
 * Front matter: see frontmatter.ts. The body is read line by line ("\r\n" and "\r" count as
 * "\n"), with these rules:
 *
 * 1. A *cell fence* is a line starting at column 0 with 3 or more backticks, then `sql`,
 *    `chart` or `markdown` (any case), then one or more `key=value` attributes (keys: `name`
 *    and `id` for sql, `id` for chart and markdown; other keys are an error, so a newer file
 *    is never half-read). A chart cell's source is its JSON chart spec (core/chart/spec.ts).
 *    It opens a cell wherever it appears. The cell's source is every line up to the closing
 *    fence: a line of at least as many backticks, indented by at most 3 spaces, with nothing
 *    after them but spaces. The serializer makes the fence longer than any backtick run
 *    starting a source line, as CommonMark requires.
 * 2. A *marker* is a line `<!-- cell -->` or `<!-- cell id=… -->`. It opens a markdown cell
 *    whose source is every line up to the next marker or cell fence, minus the one blank line
 *    that separates it from that next cell (none is removed at the end of the file).
 *    Inside such a cell, anything else — ```sql without attributes, other code blocks,
 *    `---` — is narrative.
 * 3. Outside marked cells (hand-written files), a bare ```sql fence also opens a SQL cell, and
 *    other text between cells becomes one markdown cell with leading and trailing blank lines
 *    removed; whitespace-only text is not a cell. Code blocks in such text are not tracked: a
 *    ```sql line there starts a SQL cell, so show SQL examples with ~~~sql or a marker.
 * 4. A markdown cell containing a line that rule 1 or 2 would take for a boundary is written
 *    as a fenced ```markdown id=… cell instead (it then shows as a code block in viewers).
 *
 * 5. A line `<!-- carnet-annotations` opens the annotations block (annotations.ts: who last
 *    edited each cell, comment threads), which the serializer writes after the last cell. It
 *    counts as a boundary for rules 2–4.
 *
 * The serializer writes every markdown cell with a marker and every cell with its id, so
 * `parseNotebook(serializeNotebook(d))` equals `d` for every valid notebook (unique ids,
 * valid names, ISO timestamps) whose sources contain no "\r" — the one limit: CodeMirror
 * never produces one, and reading CRLF files as LF matters more. Front matter values hold any
 * text. Cells without ids get ids derived from their position and content, so parsing the
 * same text twice gives the same ids. Duplicate names are not a format error (they are
 * reported when compiling), so a notebook saved mid-edit always opens again.
 */
import { asCellId } from '../ids.js';
import { identifierProblem, isSqlIdentifier } from '../sql/identifiers.js';
import { isAnnotationsOpener, parseAnnotations, serializeAnnotations, type Annotations } from './annotations.js';
import { NotebookFormatError } from './format-error.js';
import { parseFrontMatter, serializeFrontMatter } from './frontmatter.js';
import { CELL_KINDS, type CellData, type CellKind, type NotebookData } from './model.js';

export { NotebookFormatError } from './format-error.js';

const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const OPENER = /^(`{3,})[ \t]*([A-Za-z]+)(.*)$/s;
const CLOSER = /^ {0,3}(`{3,})[ \t]*$/;
const MARKER = /^<!--(.*)-->[ \t]*$/s;
const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9_-]*)=(\S*)$/;
const ALLOWED_ATTRIBUTES: Record<CellKind, readonly string[]> = { sql: ['name', 'id'], markdown: ['id'], chart: ['id'] };

/** True when `id` can identify a cell in a file: 1–64 of A–Z a–z 0–9 _ -. */
export function isCellId(id: string): boolean {
  return CELL_ID.test(id);
}

/**
 * The file text for `data`. Throws an Error naming the cell when the data holds something no
 * file could (an invalid id or name, a duplicate id, a name on a markdown cell).
 */
export function serializeNotebook(data: NotebookData): string {
  const lines = serializeFrontMatter(data.meta);
  const ids = new Set<string>();
  data.cells.forEach((cell, index) => {
    checkCell(cell, index, ids);
    lines.push('', ...serializeCell(cell));
  });
  const annotations = serializeAnnotations(data.cells, data.comments);
  if (annotations.length > 0) lines.push('', ...annotations);
  return lines.join('\n') + '\n';
}

/** Reads a notebook file. Throws NotebookFormatError with the 1-based line of the problem. */
export function parseNotebook(text: string): NotebookData {
  const lines = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const { meta, bodyStart } = parseFrontMatter(lines);
  const reader = new BodyReader(lines);
  const raw = reader.read(bodyStart);
  const cells = assignIds(raw);
  const data: NotebookData = { meta, cells };
  if (reader.annotations) {
    const { edited, comments } = reader.annotations;
    for (const cell of cells) {
      const entry = edited.get(cell.id);
      if (entry?.by !== undefined) cell.editedBy = entry.by;
      if (entry?.at !== undefined) cell.editedAt = entry.at;
    }
    if (comments.length > 0) data.comments = comments;
  }
  return data;
}

interface RawCell {
  kind: CellKind;
  id?: string;
  name?: string;
  source: string;
  /** 1-based line where the cell starts, for error messages. */
  line: number;
}

interface Opener {
  fence: number;
  lang: string;
  /** Undefined for a bare fence (```sql with nothing after). */
  attributes?: Array<[string, string]>;
}

/** A ``` line with a language and optional key=value attributes; null for anything else. */
function parseOpener(line: string): Opener | null {
  const m = OPENER.exec(line);
  if (!m) return null;
  const rest = m[3]!;
  if (rest !== '' && !/^[ \t]/.test(rest)) return null;
  const opener: Opener = { fence: m[1]!.length, lang: m[2]!.toLowerCase() };
  if (rest.trim() === '') return opener;
  const attributes = parseAttributes(rest);
  return attributes ? { ...opener, attributes } : null;
}

/** The attributes of a `<!-- cell … -->` line; null when the line is not a marker. */
function parseMarker(line: string): Array<[string, string]> | null {
  const m = MARKER.exec(line);
  if (!m) return null;
  const words = m[1]!.trim().split(/[ \t]+/);
  if (words[0] !== 'cell') return null;
  return parseAttributes(words.slice(1).join(' ')) ?? null;
}

function parseAttributes(text: string): Array<[string, string]> | null {
  const words = text.split(/[ \t]+/).filter((w) => w !== '');
  const attributes: Array<[string, string]> = [];
  for (const word of words) {
    const m = ATTRIBUTE.exec(word);
    if (!m) return null;
    attributes.push([m[1]!, m[2]!]);
  }
  return attributes;
}

/** A fence opening a cell anywhere: sql, chart or markdown with at least one attribute. */
function isCellFence(opener: Opener | null): opener is Opener & { attributes: Array<[string, string]> } {
  return opener !== null && opener.attributes !== undefined && opener.attributes.length > 0 &&
    (opener.lang === 'sql' || opener.lang === 'markdown' || opener.lang === 'chart');
}

/** Lines a marked markdown cell cannot hold raw, because the parser would end the cell there. */
function isBoundary(line: string): boolean {
  return parseMarker(line) !== null || isCellFence(parseOpener(line)) || isAnnotationsOpener(line);
}

class BodyReader {
  private readonly cells: RawCell[] = [];
  /** The annotations block, once read. */
  annotations: Annotations | null = null;
  constructor(private readonly lines: readonly string[]) {}

  read(from: number): RawCell[] {
    let i = from;
    while (i < this.lines.length) {
      const line = this.lines[i]!;
      const marker = parseMarker(line);
      const opener = parseOpener(line);
      if (isAnnotationsOpener(line)) i = this.readAnnotations(i);
      else if (marker) i = this.readMarked(i, marker);
      else if (isCellFence(opener) || (opener?.lang === 'sql' && !opener.attributes)) i = this.readFenced(i, opener);
      else if (line.trim() === '') i++;
      else i = this.readLoose(i);
    }
    return this.cells;
  }

  private readAnnotations(at: number): number {
    if (this.annotations) throw new NotebookFormatError(at + 1, 'a second annotations block (a file has at most one)');
    const { annotations, next } = parseAnnotations(this.lines, at);
    this.annotations = annotations;
    return next;
  }

  /** A markdown cell opened by a marker on line index `at`; returns the index after it. */
  private readMarked(at: number, attributes: Array<[string, string]>): number {
    const cell = cellFromAttributes('markdown', attributes, at + 1);
    let end = at + 1;
    while (end < this.lines.length && !isBoundary(this.lines[end]!)) end++;
    let body = this.lines.slice(at + 1, end);
    if (end < this.lines.length && body.length > 0 && body[body.length - 1] === '') body = body.slice(0, -1);
    this.cells.push({ ...cell, source: body.join('\n') });
    return end;
  }

  /** A fenced cell (sql, or markdown with attributes) opened on line index `at`. */
  private readFenced(at: number, opener: Opener): number {
    const kind: CellKind = opener.lang === 'markdown' ? 'markdown' : opener.lang === 'chart' ? 'chart' : 'sql';
    const cell = cellFromAttributes(kind, opener.attributes ?? [], at + 1);
    for (let end = at + 1; end < this.lines.length; end++) {
      const close = CLOSER.exec(this.lines[end]!);
      if (close && close[1]!.length >= opener.fence) {
        this.cells.push({ ...cell, source: this.lines.slice(at + 1, end).join('\n') });
        return end + 1;
      }
    }
    const what = cell.name === undefined ? `${kind} cell` : `${kind} cell "${cell.name}"`;
    throw new NotebookFormatError(at + 1, `unterminated ${what} (opened here, never closed)`);
  }

  /** Hand-written narrative outside marked cells, up to the next cell. */
  private readLoose(at: number): number {
    let end = at;
    while (end < this.lines.length) {
      const line = this.lines[end]!;
      const opener = parseOpener(line);
      if (isBoundary(line) || (opener?.lang === 'sql' && !opener.attributes)) break;
      end++;
    }
    const body = this.lines.slice(at, end);
    while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
    if (body.length > 0) this.cells.push({ kind: 'markdown', source: body.join('\n'), line: at + 1 });
    return end;
  }
}

function cellFromAttributes(kind: CellKind, attributes: Array<[string, string]>, line: number): RawCell {
  const cell: RawCell = { kind, source: '', line };
  const seen = new Set<string>();
  for (const [key, value] of attributes) {
    if (!ALLOWED_ATTRIBUTES[kind].includes(key)) {
      const allowed = ALLOWED_ATTRIBUTES[kind].join(', ');
      throw new NotebookFormatError(line, `unknown ${kind} cell attribute "${key}" (allowed: ${allowed})`);
    }
    if (seen.has(key)) throw new NotebookFormatError(line, `attribute "${key}" appears twice`);
    seen.add(key);
    if (key === 'id') {
      if (!isCellId(value)) {
        throw new NotebookFormatError(line, `cell id ${JSON.stringify(value)} is not valid: use 1 to 64 letters, digits, _ and -`);
      }
      cell.id = value;
    } else {
      const problem = identifierProblem(value);
      if (problem) throw new NotebookFormatError(line, problem);
      cell.name = value;
    }
  }
  return cell;
}

/** Checks ids (explicit ones must be unique) and gives the others ids derived from content. */
function assignIds(raw: readonly RawCell[]): CellData[] {
  const firstLine = new Map<string, number>();
  for (const cell of raw) {
    if (cell.id === undefined) continue;
    const previous = firstLine.get(cell.id);
    if (previous !== undefined) {
      throw new NotebookFormatError(cell.line, `cell id "${cell.id}" is already used by the cell on line ${previous}`);
    }
    firstLine.set(cell.id, cell.line);
  }
  const used = new Set(firstLine.keys());
  return raw.map((cell, index) => {
    let id = cell.id;
    if (id === undefined) {
      const base = derivedId(`${index}\u0000${cell.kind}\u0000${cell.name ?? ''}\u0000${cell.source}`);
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
    }
    const out: CellData = { id: asCellId(id), kind: cell.kind, source: cell.source };
    if (cell.name !== undefined) out.name = cell.name;
    return out;
  });
}

/** A short id from two FNV-1a hashes of `text`; stable across runs and platforms. */
function derivedId(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return 'h' + (a >>> 0).toString(36).padStart(7, '0') + (b >>> 0).toString(36).padStart(7, '0').slice(0, 3);
}

function checkCell(cell: CellData, index: number, ids: Set<string>): void {
  const where = `cell ${index + 1}`;
  if (!(CELL_KINDS as readonly string[]).includes(cell.kind)) throw new Error(`${where}: unknown kind "${cell.kind}"`);
  if (!isCellId(cell.id)) throw new Error(`${where}: id ${JSON.stringify(cell.id)} is not valid`);
  if (ids.has(cell.id)) throw new Error(`${where}: id "${cell.id}" is used by two cells`);
  ids.add(cell.id);
  if (cell.name !== undefined) {
    if (cell.kind !== 'sql') throw new Error(`${where}: only SQL cells have names`);
    if (!isSqlIdentifier(cell.name)) throw new Error(`${where}: ${identifierProblem(cell.name)}`);
  }
  for (const key of ['editedBy', 'editedAt'] as const) {
    if (cell[key] !== undefined && typeof cell[key] !== 'string') throw new Error(`${where}: ${key} must be a string`);
  }
}

function serializeCell(cell: CellData): string[] {
  const lines = cell.source === '' ? [] : cell.source.split('\n');
  if (cell.kind === 'markdown' && !lines.some(isBoundary)) return [`<!-- cell id=${cell.id} -->`, ...lines];
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(lines) + 1));
  const info = cell.kind === 'sql'
    ? `sql${cell.name === undefined ? '' : ` name=${cell.name}`} id=${cell.id}`
    : `${cell.kind} id=${cell.id}`;
  return [fence + info, ...lines, fence];
}

/** The longest run of backticks opening a line (after up to 3 spaces, as CommonMark allows). */
function longestBacktickRun(lines: readonly string[]): number {
  let longest = 0;
  for (const line of lines) {
    const m = /^ {0,3}(`+)/.exec(line);
    if (m) longest = Math.max(longest, m[1]!.length);
  }
  return longest;
}
