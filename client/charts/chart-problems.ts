/**
 * What stops a chart from being drawn, and the box at the chart that says so. The spec's own
 * problems come first (it does not parse, its source is gone, an option does not fit the
 * source's columns); else the server's verdict on the spec on screen. A source at fault comes
 * with a picker of the other sources, for editors.
 */
import type { ChartColumn } from '../../core/chart/fields.js';
import { normaliseChart } from '../../core/chart/validate.js';
import type { ErrorDetail } from '../api/http.js';
import { h, icon, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { fieldsInMessage, type FieldProblem } from './chart-api.js';
import { sourceIsMissing, type ChartSources } from './chart-source.js';
import { sourcePicker } from './source-picker.js';
import type { ParsedSpec } from './spec-versions.js';

export interface ProblemInputs {
  parsed: ParsedSpec;
  sources: ChartSources;
  /** The source's columns; null while unknown. */
  columns: readonly ChartColumn[] | null;
  /** The server's error about the spec on screen (not about an older version of it), if any. */
  serverError: ErrorDetail | null;
  /** The options at fault the server named with that error, when this page ran it. */
  serverFields: readonly FieldProblem[];
}

/** The problems to show at the chart, each naming its option; empty when it can be drawn. */
export function chartProblems(i: ProblemInputs): FieldProblem[] {
  if (!i.parsed.ok) return [i.parsed.problem];
  const spec = i.parsed.spec;
  if (sourceIsMissing(spec.source, i.sources, i.sources.datasets.length > 0)) {
    return [{ field: 'source', message: t('chart.sourceMissing', { source: spec.source }) }];
  }
  if (i.columns) {
    const norm = normaliseChart(spec, i.columns);
    if (!norm.ok) return norm.errors;
  }
  if (!i.serverError) return [];
  const fields = i.serverFields.length ? [...i.serverFields] : fieldsInMessage(i.serverError.message);
  return fields.length ? fields : [{ field: 'spec', message: i.serverError.message }];
}

/** The box listing a chart's problems above it. */
export class ProblemsBox {
  readonly element: HTMLElement;
  private shown = '';

  /** `pick` points the chart at another source; null for readers (no picker then). */
  constructor(private readonly pick: ((source: string) => void) | null) {
    this.element = h('div', { class: 'cell-error chart-problems', role: 'alert', hidden: true, 'data-testid': 'chart-problems' });
  }

  /** Shows `problems` (hides the box when there are none); dimmed while a run may change them. */
  show(problems: readonly FieldProblem[], sources: ChartSources, dimmed: boolean): void {
    this.element.hidden = problems.length === 0;
    this.element.classList.toggle('dimmed', dimmed);
    // Rebuilt only when it changes: a source picker being used must stay open.
    const shown = JSON.stringify([problems, sources]);
    if (shown === this.shown) return;
    this.shown = shown;
    if (problems.length === 0) {
      replaceChildren(this.element);
      return;
    }
    // A source at fault (its cell deleted, most often): offer the others right there.
    const pick = this.pick;
    const picker = pick && problems.some((p) => p.field === 'source') ? sourcePicker(sources, pick) : null;
    replaceChildren(this.element, icon('alert', 15), h('div', null,
      h('p', { class: 'chart-problems-title' }, t('chart.problems')),
      h('ul', { class: 'chart-problem-list' }, ...problems.map((p) => h('li', { 'data-field': p.field }, p.message))), picker));
  }
}
