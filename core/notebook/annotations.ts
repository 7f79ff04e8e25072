/**
 * The annotations block of a notebook file: who last edited each cell, and the comment
 * threads. It is one HTML comment at the end of the file, invisible in Markdown viewers,
 * holding JSON laid out one entry per line so that git diffs stay readable:
 *
 *     <!-- carnet-annotations
 *     {
 *     "edited": {
 *     "c4f2a9": {"by":"Ana","at":"2026-03-12T10:04:00.000Z"}
 *     },
 *     "comments": [
 *     {"id":"t1","cellId":"c4f2a9","anchor":{"from":7,"to":15},"messages":[…]}
 *     ]
 *     }
 *     -->
 *
 * `<`, `>` and `&` inside strings are written as \u escapes, so no line of the JSON can end
 * the comment. The opener line counts as a cell boundary (format.ts), so a markdown cell
 * holding that exact line is written fenced. Pure functions.
 */
import type { CellData, CommentMessage, CommentThread } from './model.js';
import { NotebookFormatError } from './format-error.js';

const OPENER = /^<!-- carnet-annotations[ \t]*$/;
const CLOSER = '-->';
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface Annotations {
  /** Attribution by cell id. */
  edited: Map<string, { by?: string; at?: string }>;
  comments: CommentThread[];
}

/** True for the line that opens an annotations block. */
export function isAnnotationsOpener(line: string): boolean {
  return OPENER.test(line);
}

/** The block's lines (opener to closer) for these cells and threads; none when there is nothing to say. */
export function serializeAnnotations(cells: readonly CellData[], comments: readonly CommentThread[] | undefined): string[] {
  const edited: string[] = [];
  for (const cell of cells) {
    if (cell.editedBy === undefined && cell.editedAt === undefined) continue;
    const entry: { by?: string; at?: string } = {};
    if (cell.editedBy !== undefined) entry.by = cell.editedBy;
    if (cell.editedAt !== undefined) entry.at = cell.editedAt;
    edited.push(`${json(cell.id)}: ${json(entry)}`);
  }
  const threads = comments ?? [];
  checkThreads(threads);
  if (edited.length === 0 && threads.length === 0) return [];
  const parts: string[][] = [];
  if (edited.length > 0) parts.push(['"edited": {', ...withCommas(edited), '}']);
  if (threads.length > 0) parts.push(['"comments": [', ...withCommas(threads.map((t) => json(threadJson(t)))), ']']);
  const body = parts.flatMap((p, i) => (i < parts.length - 1 ? [...p.slice(0, -1), `${p[p.length - 1]},`] : p));
  return ['<!-- carnet-annotations', '{', ...body, '}', CLOSER];
}

/**
 * Reads the block opened on line index `at`; returns it and the index after its closer.
 * Errors carry 1-based line numbers.
 */
export function parseAnnotations(lines: readonly string[], at: number): { annotations: Annotations; next: number } {
  let end = at + 1;
  while (end < lines.length && lines[end]!.trim() !== CLOSER) end++;
  if (end >= lines.length) throw new NotebookFormatError(at + 1, 'unterminated annotations block (opened here, no "-->" line)');
  let value: unknown;
  try {
    value = JSON.parse(lines.slice(at + 1, end).join('\n'));
  } catch (e) {
    throw new NotebookFormatError(at + 1, `annotations block: invalid JSON (${(e as Error).message})`);
  }
  const fail = (what: string): never => {
    throw new NotebookFormatError(at + 1, `annotations block: ${what}`);
  };
  if (!isObject(value)) fail('expected a JSON object');
  const root = value as Record<string, unknown>;
  for (const key of Object.keys(root)) if (key !== 'edited' && key !== 'comments') fail(`unknown key "${key}" (allowed: edited, comments)`);
  const edited = new Map<string, { by?: string; at?: string }>();
  if (root.edited !== undefined) {
    if (!isObject(root.edited)) fail('"edited" must be an object of cell id → {by, at}');
    for (const [cellId, entry] of Object.entries(root.edited as Record<string, unknown>)) {
      if (!isObject(entry)) fail(`"edited" of cell "${cellId}" must be an object`);
      const e = entry as Record<string, unknown>;
      const out: { by?: string; at?: string } = {};
      for (const [k, v] of Object.entries(e)) {
        if (k !== 'by' && k !== 'at') fail(`"edited" of cell "${cellId}": unknown key "${k}"`);
        if (typeof v !== 'string') fail(`"edited" of cell "${cellId}": "${k}" must be a string`);
        out[k as 'by' | 'at'] = v as string;
      }
      edited.set(cellId, out);
    }
  }
  const comments: CommentThread[] = [];
  if (root.comments !== undefined) {
    if (!Array.isArray(root.comments)) fail('"comments" must be an array of threads');
    (root.comments as unknown[]).forEach((t, i) => {
      const problem = threadProblem(t);
      if (problem) fail(`comment thread ${i + 1}: ${problem}`);
      comments.push(copyThread(t as CommentThread));
    });
    const ids = new Set<string>();
    for (const t of comments) {
      if (ids.has(t.id)) fail(`comment thread id "${t.id}" appears twice`);
      ids.add(t.id);
    }
  }
  return { annotations: { edited, comments }, next: end + 1 };
}

/** Why `value` is not a comment thread, or null. */
function threadProblem(value: unknown): string | null {
  if (!isObject(value)) return 'expected an object';
  const t = value as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!['id', 'cellId', 'anchor', 'resolved', 'messages'].includes(key)) return `unknown key "${key}"`;
  }
  if (typeof t.id !== 'string' || !ID.test(t.id)) return `"id" must be 1 to 64 letters, digits, _ or -`;
  if (typeof t.cellId !== 'string' || !ID.test(t.cellId)) return `"cellId" must be a cell id`;
  if (t.anchor !== undefined) {
    if (!isObject(t.anchor)) return '"anchor" must be {from, to}';
    const a = t.anchor as Record<string, unknown>;
    if (Object.keys(a).some((k) => k !== 'from' && k !== 'to')) return '"anchor" has keys other than from and to';
    if (!isOffset(a.from) || !isOffset(a.to) || (a.from as number) > (a.to as number)) return '"anchor" must have integers 0 <= from <= to';
  }
  if (t.resolved !== undefined) {
    if (!isObject(t.resolved)) return '"resolved" must be {by, byId?, at}';
    const r = t.resolved as Record<string, unknown>;
    if (Object.keys(r).some((k) => k !== 'by' && k !== 'byId' && k !== 'at') || typeof r.by !== 'string' || typeof r.at !== 'string') return '"resolved" must be {by, byId?, at} strings';
    if (r.byId !== undefined && typeof r.byId !== 'string') return '"resolved.byId" must be a string';
  }
  if (!Array.isArray(t.messages) || t.messages.length === 0) return '"messages" must be a non-empty array';
  for (const [i, m] of t.messages.entries()) {
    const problem = messageProblem(m);
    if (problem) return `message ${i + 1}: ${problem}`;
  }
  return null;
}

function messageProblem(value: unknown): string | null {
  if (!isObject(value)) return 'expected an object';
  const m = value as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!['id', 'author', 'authorId', 'at', 'text'].includes(key)) return `unknown key "${key}"`;
  for (const key of ['id', 'author', 'at', 'text'] as const) if (typeof m[key] !== 'string') return `"${key}" must be a string`;
  if (m.authorId !== undefined && typeof m.authorId !== 'string') return '"authorId" must be a string';
  return null;
}

function checkThreads(threads: readonly CommentThread[]): void {
  const ids = new Set<string>();
  threads.forEach((t, i) => {
    const problem = threadProblem(threadJson(t));
    if (problem) throw new Error(`comment thread ${i + 1}: ${problem}`);
    if (ids.has(t.id)) throw new Error(`comment thread id "${t.id}" is used twice`);
    ids.add(t.id);
  });
}

/** The thread as written: keys in a fixed order, optional ones only when present. */
function threadJson(t: CommentThread): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id, cellId: t.cellId };
  if (t.anchor !== undefined) out.anchor = { from: t.anchor.from, to: t.anchor.to };
  if (t.resolved !== undefined) out.resolved = { by: t.resolved.by, ...(t.resolved.byId !== undefined ? { byId: t.resolved.byId } : {}), at: t.resolved.at };
  out.messages = t.messages.map(messageJson);
  return out;
}

function messageJson(m: CommentMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { id: m.id, author: m.author };
  if (m.authorId !== undefined) out.authorId = m.authorId;
  out.at = m.at;
  out.text = m.text;
  return out;
}

function copyThread(t: CommentThread): CommentThread {
  const out: CommentThread = { id: t.id, cellId: t.cellId, messages: t.messages.map(copyMessage) };
  if (t.anchor !== undefined) out.anchor = { from: t.anchor.from, to: t.anchor.to };
  if (t.resolved !== undefined) out.resolved = { by: t.resolved.by, ...(t.resolved.byId !== undefined ? { byId: t.resolved.byId } : {}), at: t.resolved.at };
  return out;
}

function copyMessage(m: CommentMessage): CommentMessage {
  const out: CommentMessage = { id: m.id, author: m.author, at: m.at, text: m.text };
  if (m.authorId !== undefined) out.authorId = m.authorId;
  return out;
}

/** JSON with <, > and & escaped, so the text can never close the HTML comment around it. */
function json(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function withCommas(lines: string[]): string[] {
  return lines.map((l, i) => (i < lines.length - 1 ? `${l},` : l));
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOffset(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
