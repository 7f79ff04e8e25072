/**
 * Running a chart cell: the server compiles its spec to an aggregation over its source and
 * answers the chart's data (a few thousand rows at most) as Arrow, with the facts about the
 * chart in the X-Carnet-Chart header. A bad spec answers 400 naming the options at fault.
 */
import { tableFromIPC } from 'apache-arrow';
import { ApiError, isRecord, parseErrorBody, type ErrorDetail } from '../api/http.js';
import { columnsOf, type ResultPage } from '../api/query.js';
import type { Column } from '../api/datasets.js';

/** What the server says about a chart run besides its data. */
export interface ChartMeta {
  /** How the data was reduced: aggregate, bins, m4, sample, raw. */
  chartKind: string;
  /** The same, in words, for the analyst. */
  note: string;
  /** The columns of the chart's source (not of the chart's data). */
  columns: Column[];
}

export interface ChartRun {
  page: ResultPage;
  meta: ChartMeta | null;
}

/** One option of the spec at fault, as the server or the normaliser names it (`x`, `map.lon`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A failed chart run; `fields` names the options at fault when the spec is the cause. */
export class ChartRunError extends ApiError {
  constructor(status: number, detail: ErrorDetail, readonly fields: FieldProblem[]) {
    super(status, detail);
  }
}

/** Reads the X-Carnet-Chart header; null when absent or not the expected shape. */
export function parseChartMeta(header: string | null): ChartMeta | null {
  if (!header) return null;
  let v: unknown;
  try {
    v = JSON.parse(decodeURIComponent(header));
  } catch {
    return null;
  }
  if (!isRecord(v) || !Array.isArray(v.columns)) return null;
  const columns = v.columns.filter(isRecord).filter((c) => typeof c.name === 'string' && typeof c.type === 'string').map((c) => ({ name: c.name as string, type: c.type as string }));
  return { chartKind: typeof v.chartKind === 'string' ? v.chartKind : '', note: typeof v.note === 'string' ? v.note : '', columns };
}

/** The `fields` of an error body (`{error: {fields: [{field, message}]}}`), validated. */
export function parseFieldProblems(body: unknown): FieldProblem[] {
  if (!isRecord(body) || !isRecord(body.error) || !Array.isArray(body.error.fields)) return [];
  return body.error.fields.filter(isRecord).filter((f) => typeof f.field === 'string' && typeof f.message === 'string').map((f) => ({ field: f.field as string, message: f.message as string }));
}

/** Runs chart cell `cellId`, drawn `width` pixels wide. Throws ChartRunError. */
export async function runChartCell(notebookId: string, cellId: string, options: { width: number; queryId: string }, signal?: AbortSignal): Promise<ChartRun> {
  const path = `/api/notebooks/${encodeURIComponent(notebookId)}/cells/${encodeURIComponent(cellId)}/run`;
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/vnd.apache.arrow.stream' },
      body: JSON.stringify({ width: Math.max(50, Math.round(options.width)), queryId: options.queryId }),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw new ChartRunError(0, { message: 'cancelled', kind: 'cancelled' }, []);
    throw new ChartRunError(0, { message: `${path}: ${(err as Error).message}`, kind: 'network' }, []);
  }
  if (!res.ok) {
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      // Not JSON: a proxy page or an empty body.
    }
    throw new ChartRunError(res.status, parseErrorBody(body) ?? { message: `${res.status} ${res.statusText}`.trim() }, parseFieldProblems(body));
  }
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  const header = (name: string) => res.headers.get(name);
  const elapsed = Number(header('X-Carnet-Elapsed-Ms'));
  return {
    page: {
      table,
      columns: columnsOf(table),
      resultId: header('X-Carnet-Result-Id') ?? undefined,
      rowCount: table.numRows,
      truncated: header('X-Carnet-Truncated') === 'true',
      elapsedMs: header('X-Carnet-Elapsed-Ms') !== null && Number.isFinite(elapsed) ? elapsed : undefined,
    },
    meta: parseChartMeta(header('X-Carnet-Chart')),
  };
}

/**
 * The options named in an error message when the server sent no `fields` (run records keep
 * only the message): `x: column "nope" …; map.lon: …` → x, map.lon. Pure.
 */
export function fieldsInMessage(message: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const part of message.split(/;\s+/)) {
    const m = /^(?:chart:\s*)?(?:line \d+:\s*)?(source|mark|x|y|color|size|text|fx|fy|sort|limit|title|subtitle|caption|map(?:\.\w+)?)(?:\.\w+)?:\s/.exec(part);
    if (m) out.push({ field: m[1]!, message: part.replace(/^chart:\s*/, '') });
  }
  return out;
}
