/**
 * A compact source picker shown with a chart's problem when its source is gone: the SQL cells
 * and datasets the chart could read instead.
 */
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';

/** A <select> of `sources` (cells, then datasets) calling `pick` with the chosen name. */
export function sourcePicker(sources: { cells: readonly string[]; datasets: readonly string[] }, pick: (source: string) => void): HTMLElement {
  const group = (label: string, names: readonly string[]) =>
    names.length === 0 ? null : h('optgroup', { label }, ...names.map((n) => h('option', { value: n }, n)));
  const select = h('select', { class: 'chart-source-picker', 'data-testid': 'chart-source-picker', 'aria-label': t('chart.pickSource') },
    h('option', { value: '', disabled: true, selected: true }, `${t('chart.pickSource')}…`),
    group(t('chart.builder.cells'), sources.cells),
    group(t('chart.builder.datasets'), sources.datasets));
  select.addEventListener('change', () => {
    if (select.value) pick(select.value);
  });
  return h('label', { class: 'chart-source-pick' }, select);
}
