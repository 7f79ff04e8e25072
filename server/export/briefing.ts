/**
 * The briefing: a notebook laid out as a document, the one model every export format
 * renders. Built from the notebook, the evidence of each cell (latest run, first rows of its
 * result, the SQL compiled again) and the export's own facts. Pure: no engine, no disk, no
 * clock; the caller gathers the inputs (collect.ts).
 */
import type { CellId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import type { JsonValue, ResultColumn } from '../../core/result/values.js';
import { fieldKind } from '../../core/chart/fields.js';
import type { RunRecord } from '../notebooks/runs.js';
import { renderNarrative } from './narrative.js';
import { markingOf } from './marking.js';

/** Who, when and with what an export was made. */
export interface ExportFacts {
  /** Random, unique per export; also in the audit record. */
  id: string;
  /** ISO 8601. */
  at: string;
  by: string;
  carnetVersion: string;
  /** E.g. `DuckDB v1.5.6`. */
  engineVersion: string;
}

export interface BriefingOptions {
  /** Show each SQL cell's source above its table. */
  code: boolean;
  /** Add the provenance appendix. */
  provenance: boolean;
  /** Rows shown per table. */
  maxRows: number;
}

export const DEFAULT_OPTIONS: BriefingOptions = { code: false, provenance: true, maxRows: 50 };

/** A stored result's first rows. */
export interface TableEvidence {
  columns: ResultColumn[];
  rows: JsonValue[][];
  /** Rows in the stored result. */
  total: number;
  /** The stored result was itself cut at the row cap: the query returned more than `total`. */
  capped: boolean;
}

/** A chart drawn for the export (chart cells). */
export interface FigureEvidence {
  /** `<svg>` or `<figure>` markup, as the app draws it. */
  html: string;
  /** The main plot as a standalone SVG file. */
  svg: string;
  title?: string;
  caption?: string;
  /** How the data was reduced, e.g. `count per city, computed in SQL`. */
  note: string;
  /** Rows of the source the chart summarises, when known. */
  summarised: number | null;
}

/** Everything known about one SQL or chart cell. */
export interface CellEvidence {
  run?: RunRecord;
  table?: TableEvidence;
  figure?: FigureEvidence;
  /** The statement that produced the table or figure, compiled again for the appendix. */
  compiledSql?: string;
  /** Lower-cased names of the datasets it reads. */
  datasets?: string[];
  params?: Record<string, unknown>;
  /** Why there is no table or figure. */
  problem?: string;
  /** The cell's own marking when known (issue 6); else the notebook's is shown. */
  marking?: string;
  /** The result was computed from other cell sources than the notebook holds now. */
  stale?: boolean;
}

export interface DatasetFacts {
  name: string;
  version: string;
  rowCount: number;
}

export interface BriefingInput {
  notebookId: string;
  notebook: NotebookData;
  evidence: ReadonlyMap<CellId, CellEvidence>;
  /** By lower-cased name. */
  datasets: ReadonlyMap<string, DatasetFacts>;
  export: ExportFacts;
  options: BriefingOptions;
}

export interface TableBlock {
  kind: 'table';
  cellId: CellId;
  name?: string;
  number: number;
  /** `Table 3`. */
  label: string;
  /** `table-3`. */
  anchor: string;
  /** `numeric`: right-aligned; `time`: dates and timestamps, kept on one line. */
  columns: Array<ResultColumn & { numeric: boolean; time: boolean }>;
  /** Display text; null for SQL NULL. */
  rows: Array<Array<string | null>>;
  shown: number;
  total: number;
  /** `total` is a lower bound (the result was capped). */
  capped: boolean;
  /** Fewer rows shown than exist. */
  truncated: boolean;
  /** The cell's SQL, with `code`. */
  source?: string;
  /** Computed from an earlier version of the cells (the in-app view shows results as they are). */
  stale?: boolean;
}

export interface FigureBlock {
  kind: 'figure';
  cellId: CellId;
  number: number;
  label: string;
  anchor: string;
  html: string;
  svg: string;
  title?: string;
  caption?: string;
  note: string;
  source?: string;
}

export type BriefingBlock =
  | { kind: 'narrative'; cellId: CellId; html: string; markdown: string }
  | TableBlock
  | FigureBlock
  /** A cell that should show something and cannot: failed, never run. */
  | { kind: 'problem'; cellId: CellId; label: string; message: string };

export interface ProvenanceEntry {
  /** `Table 1`, `Fig. 2`. */
  label: string;
  anchor: string;
  cellId: CellId;
  cellName?: string;
  marking?: string;
  compiledSql: string;
  datasets: Array<DatasetFacts | { name: string; missing: true }>;
  params: Record<string, unknown>;
  ranBy?: string;
  ranAt?: string;
  elapsedMs?: number;
  rowCount?: number;
  resultId?: string;
  /** Fingerprints of the cell sources that fed it (sourceHash). */
  inputs?: Record<string, string>;
}

export interface Briefing {
  notebookId: string;
  title: string;
  /** Who ran the queries shown, in order of first appearance; empty when unknown. */
  authors: string[];
  /** YYYY-MM-DD of the export. */
  date: string;
  marking?: string;
  export: ExportFacts;
  blocks: BriefingBlock[];
  /** Null without the appendix. */
  provenance: ProvenanceEntry[] | null;
}

/** Lays the notebook out as a briefing. Deterministic for the same input. */
export function buildBriefing(input: BriefingInput): Briefing {
  const { notebook, evidence, options } = input;
  const marking = markingOf(notebook.meta.classification);
  const blocks: BriefingBlock[] = [];
  const provenance: ProvenanceEntry[] = [];
  const authors: string[] = [];
  let tables = 0;
  let figures = 0;

  notebook.cells.forEach((cell, index) => {
    const label = cell.name !== undefined ? `cell "${cell.name}"` : `cell ${index + 1}`;
    if (cell.kind === 'markdown') {
      if (cell.source.trim() !== '') blocks.push({ kind: 'narrative', cellId: cell.id, html: renderNarrative(cell.source), markdown: cell.source });
      return;
    }
    const ev = evidence.get(cell.id);
    const source = options.code ? cell.source : undefined;
    const sourceOpt = source !== undefined ? { source } : {};
    if (ev?.table) {
      const n = ++tables;
      const block = tableBlock(cell.id, cell.name, n, ev.table, options.maxRows);
      blocks.push({ ...block, ...sourceOpt, ...(ev.stale ? { stale: true } : {}) });
      provenance.push(entry(input, cell.id, cell.name, block.label, block.anchor, ev, marking));
    } else if (ev?.figure) {
      const n = ++figures;
      const f = ev.figure;
      const block: FigureBlock = {
        kind: 'figure', cellId: cell.id, number: n, label: `Fig. ${n}`, anchor: `fig-${n}`, html: f.html, svg: f.svg, note: f.note,
        ...(f.title !== undefined ? { title: f.title } : {}),
        ...(f.caption !== undefined ? { caption: f.caption } : {}),
        ...sourceOpt,
      };
      blocks.push(block);
      provenance.push(entry(input, cell.id, cell.name, block.label, block.anchor, ev, marking));
    } else {
      blocks.push({ kind: 'problem', cellId: cell.id, label, message: ev?.problem ?? `${label} has no result: it has not been run` });
      return;
    }
    const who = ev.run?.ranBy;
    if (who !== undefined && !authors.includes(who)) authors.push(who);
  });

  return {
    notebookId: input.notebookId,
    title: notebook.meta.title,
    authors,
    date: input.export.at.slice(0, 10),
    ...(marking !== undefined ? { marking } : {}),
    export: input.export,
    blocks,
    provenance: options.provenance ? provenance : null,
  };
}

function tableBlock(cellId: CellId, name: string | undefined, n: number, t: TableEvidence, maxRows: number): TableBlock {
  const rows = t.rows.slice(0, maxRows).map((r) => r.map((v, i) => displayValue(v, t.columns[i]?.type)));
  return {
    kind: 'table',
    cellId,
    ...(name !== undefined ? { name } : {}),
    number: n,
    label: `Table ${n}`,
    anchor: `table-${n}`,
    columns: t.columns.map((c) => ({ ...c, numeric: fieldKind(c.type) === 'number', time: fieldKind(c.type) === 'time' })),
    rows,
    shown: rows.length,
    total: t.total,
    capped: t.capped,
    truncated: rows.length < t.total || t.capped,
  };
}

function entry(
  input: BriefingInput,
  cellId: CellId,
  cellName: string | undefined,
  label: string,
  anchor: string,
  ev: CellEvidence,
  notebookMarking: string | undefined,
): ProvenanceEntry {
  const marking = ev.marking ?? notebookMarking;
  const run = ev.run;
  const ranBy = run?.ranBy;
  const ranAt = run?.ranAt;
  return {
    label,
    anchor,
    cellId,
    ...(cellName !== undefined ? { cellName } : {}),
    ...(marking !== undefined ? { marking } : {}),
    compiledSql: ev.compiledSql ?? '',
    datasets: (ev.datasets ?? []).map((name) => input.datasets.get(name.toLowerCase()) ?? { name, missing: true as const }),
    params: ev.params ?? {},
    ...(ranBy !== undefined ? { ranBy } : {}),
    ...(ranAt !== undefined ? { ranAt } : {}),
    ...(run ? { elapsedMs: run.elapsedMs, inputs: run.inputs } : {}),
    ...(run?.rowCount !== undefined ? { rowCount: run.rowCount } : ev.table ? { rowCount: ev.table.total } : {}),
    ...(run?.resultId !== undefined ? { resultId: run.resultId } : {}),
  };
}

/**
 * A JSON-safe value as a table shows it: exact numbers, ISO dates, timestamps as
 * `2025-01-04 11:37:00` (UTC, as everywhere in Carnet; `… UTC` for zoned types), lists and
 * structs as JSON.
 */
export function displayValue(v: JsonValue, type = ''): string | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    const ts = /^TIMESTAMP/i.test(type) ? /^(\d{4,}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(v) : null;
    if (!ts) return v;
    const fraction = ts[3] && !/^\.0+$/.test(ts[3]) ? ts[3] : '';
    return `${ts[1]} ${ts[2]}${fraction}${/TZ|TIME ZONE/i.test(type) ? ' UTC' : ''}`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** "8 of 8 rows", "50 of 1,234 rows", "50 of more than 100,000 rows". */
export function rowsCaption(t: Pick<TableBlock, 'shown' | 'total' | 'capped'>): string {
  const total = `${t.capped ? 'more than ' : ''}${t.total.toLocaleString('en-US')}`;
  return `${t.shown.toLocaleString('en-US')} of ${total} row${t.total === 1 && !t.capped ? '' : 's'}`;
}
