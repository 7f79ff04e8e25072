/**
 * Which version of a chart's spec a result or an error on screen was computed for. A result
 * drawn with another spec's data would be wrong (bars over a line's data), and an error about
 * an older spec must not stand for the current one (it would block the run that replaces it):
 * the page remembers the spec texts it has seen by hash (run records name that hash), and the
 * texts of its own runs by result id and by error.
 */
import { sourceHash } from '../../core/notebook/source-hash.js';
import { parseChartSpec, ChartSpecError, type ChartSpec } from '../../core/chart/spec.js';
import type { ErrorDetail } from '../api/http.js';
import type { CellState } from '../notebook/cell-state.js';
import type { FieldProblem } from './chart-api.js';

/** Spec versions remembered by hash, to draw another user's result with the spec it was computed for. */
const MAX_SEEN = 200;

/** A spec text read: the spec, or the problem naming the option at fault. */
export type ParsedSpec = { ok: true; spec: ChartSpec } | { ok: false; problem: FieldProblem; line?: number };

/** Reads a spec text. Pure. */
export function parseSpec(text: string): ParsedSpec {
  try {
    return { ok: true, spec: parseChartSpec(text) };
  } catch (e) {
    if (!(e instanceof ChartSpecError)) throw e;
    return { ok: false, problem: { field: e.path === '' ? 'spec' : e.path.split('.')[0]!, message: e.message }, line: e.line };
  }
}

/** The spec of `text`, or null when it does not parse. Pure. */
export function safeParse(text: string): ChartSpec | null {
  const parsed = parseSpec(text);
  return parsed.ok ? parsed.spec : null;
}

/** The spec versions one chart cell's view has seen. */
export class SpecVersions {
  private readonly seen = new Map<string, string>();
  private readonly ownResults = new Map<string, string>();
  private ownError: { error: ErrorDetail; text: string } | null = null;
  private parsed: { text: string; result: ParsedSpec } | null = null;
  private good: ChartSpec | null = null;

  constructor(private readonly cellId: string) {}

  /** The latest spec that parsed (the text may be invalid while being typed). */
  get lastGood(): ChartSpec | null {
    return this.good;
  }

  /** Notes a version of the text, so a run record naming its hash can be matched to it. */
  remember(text: string): void {
    this.seen.set(sourceHash(text), text);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Reads `text`, once per distinct text. */
  parse(text: string): ParsedSpec {
    if (this.parsed?.text !== text) {
      const result = parseSpec(text);
      if (result.ok) this.good = result.spec;
      this.parsed = { text, result };
    }
    return this.parsed.result;
  }

  /** This page ran `text` and got result `resultId`. */
  ownResult(resultId: string, text: string): void {
    this.ownResults.set(resultId, text);
  }

  /** This page ran `text` and got `error` (the very object the store holds). */
  ownFailure(error: ErrorDetail | undefined, text: string): void {
    this.ownError = error ? { error, text } : null;
  }

  /** The spec text the result on screen was computed for, when this page knows it. */
  resultText(state: CellState): string | null {
    const resultId = state.output?.page.resultId;
    if (!resultId) return null;
    const own = this.ownResults.get(resultId);
    if (own !== undefined) return own;
    const record = state.record;
    if (record?.resultId !== resultId) return null;
    return this.byHash(record.inputs[this.cellId]);
  }

  /** The spec text the error on screen was computed for, when this page knows it. */
  errorText(state: CellState): string | null {
    if (!state.error) return null;
    if (this.ownError?.error === state.error) return this.ownError.text;
    const record = state.record;
    if (record?.status !== 'error') return null;
    return this.byHash(record.inputs[this.cellId]);
  }

  private byHash(hash: string | undefined): string | null {
    return hash === undefined ? null : (this.seen.get(hash) ?? null);
  }
}
