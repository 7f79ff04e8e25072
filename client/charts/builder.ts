/**
 * The chart builder: a form over the chart spec. It never holds state of its own: `update`
 * shows a spec, and every change of a control calls `onChange` with the next spec (computed
 * by spec-edit.ts), which the cell writes to the shared document and which comes back here.
 * Options at fault are highlighted with their message.
 */
import { fieldKind, type ChartColumn, type FieldKind } from '../../core/chart/fields.js';
import {
  MARKS, PROJECTIONS, SCALE_TYPES,
  type Channel, type ChartSpec, type Mark, type MapSpec, type Projection, type ScaleType,
} from '../../core/chart/spec-types.js';
import { h } from '../ui/dom.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { FieldProblem } from './chart-api.js';
import {
  COUNT_ROWS, MARK_CHANNELS, columnKey, isMapMark, parseTransformKey, setChannelField, setChannelLabel, setChannelScale,
  setChannelTransform, changeMark, setLimit, setMapField, setProjection, setSort, setText, setThresholds, sortKey,
  transformKey, transformOf, transformsFor, type Transform,
} from './spec-edit.js';

export interface BuilderState {
  /** The spec shown; null when the text does not parse (the builder is then read-only). */
  spec: ChartSpec | null;
  /** The source's columns; null while unknown. */
  columns: readonly ChartColumn[] | null;
  problems: readonly FieldProblem[];
}

export interface BuilderHost {
  /** Names offered as sources: SQL cells (named) and datasets. */
  sources(): { cells: string[]; datasets: string[] };
  /** Applies a change to the current spec; `source` changes go through `changeSource`. */
  apply(edit: (spec: ChartSpec) => ChartSpec): void;
  changeSource(source: string): void;
  /** True for viewers: every control shows the spec but is disabled. */
  readOnly?(): boolean;
}

const MARK_LABELS: Record<Mark, MessageKey> = {
  bar: 'chart.mark.bar', line: 'chart.mark.line', area: 'chart.mark.area', dot: 'chart.mark.dot', cell: 'chart.mark.cell',
  tick: 'chart.mark.tick', rule: 'chart.mark.rule', text: 'chart.mark.text', box: 'chart.mark.box',
  'map-points': 'chart.mark.mapPoints', 'map-links': 'chart.mark.mapLinks',
};
const CHANNEL_LABELS: Record<Channel, MessageKey> = {
  x: 'chart.channel.x', y: 'chart.channel.y', color: 'chart.channel.color', size: 'chart.channel.size',
  text: 'chart.channel.text', fx: 'chart.channel.fx', fy: 'chart.channel.fy',
};
const TRANSFORM_LABELS: Record<string, MessageKey> = {
  none: 'chart.transform.none', count: 'chart.agg.count', sum: 'chart.agg.sum', mean: 'chart.agg.mean', median: 'chart.agg.median',
  min: 'chart.agg.min', max: 'chart.agg.max', distinct: 'chart.agg.distinct', bin: 'chart.bin.auto',
  'bin:hour': 'chart.bin.hour', 'bin:day': 'chart.bin.day', 'bin:week': 'chart.bin.week', 'bin:month': 'chart.bin.month', 'bin:year': 'chart.bin.year',
};
const SCALE_LABELS: Record<ScaleType, MessageKey> = { linear: 'chart.scale.linear', log: 'chart.scale.log', time: 'chart.scale.time', band: 'chart.scale.band' };
const PROJECTION_LABELS: Record<Projection, MessageKey> = {
  'equal-earth': 'chart.projection.equalEarth', mercator: 'chart.projection.mercator', orthographic: 'chart.projection.orthographic',
  equirectangular: 'chart.projection.equirectangular', 'azimuthal-equal-area': 'chart.projection.azimuthalEqualArea',
  stereographic: 'chart.projection.stereographic', 'transverse-mercator': 'chart.projection.transverseMercator',
};
const SORT_LABELS: Record<string, MessageKey> = {
  '': 'chart.sort.none', 'value-desc': 'chart.sort.valueDesc', 'value-asc': 'chart.sort.valueAsc', 'label-asc': 'chart.sort.labelAsc', 'label-desc': 'chart.sort.labelDesc',
};
const MAP_FIELDS: Record<'map-points' | 'map-links', readonly Exclude<keyof MapSpec, 'projection'>[]> = {
  'map-points': ['lon', 'lat'],
  'map-links': ['fromLon', 'fromLat', 'toLon', 'toLat'],
};
const MAP_LABELS: Record<Exclude<keyof MapSpec, 'projection'>, MessageKey> = {
  lon: 'chart.builder.lon', lat: 'chart.builder.lat', fromLon: 'chart.builder.fromLon', fromLat: 'chart.builder.fromLat', toLon: 'chart.builder.toLon', toLat: 'chart.builder.toLat',
};
const TITLE_LABELS: Record<'title' | 'subtitle' | 'caption', MessageKey> = { title: 'chart.builder.title', subtitle: 'chart.builder.subtitle', caption: 'chart.builder.caption' };
const KIND_GROUPS: [FieldKind, MessageKey][] = [['number', 'chart.builder.numbers'], ['time', 'chart.builder.times'], ['category', 'chart.builder.categories'], ['other', 'chart.builder.other']];

type Option = { value: string; label: string } | { group: string; options: { value: string; label: string }[] };

export class ChartBuilder {
  readonly element: HTMLElement;
  private shown = '';
  private state: BuilderState = { spec: null, columns: null, problems: [] };

  constructor(private readonly idPrefix: string, private readonly host: BuilderHost) {
    this.element = h('aside', { class: 'chart-builder', 'aria-label': t('chart.builder.name') });
  }

  /** Shows `state`; rebuilt only when something changed, keeping the focused control focused. */
  update(state: BuilderState): void {
    const sources = this.host.sources();
    const readOnly = this.host.readOnly?.() ?? false;
    const signature = JSON.stringify([state, sources, readOnly]);
    if (signature === this.shown) return;
    this.shown = signature;
    this.state = state;
    const active = document.activeElement as HTMLInputElement | null;
    const focusKey = active && this.element.contains(active) ? active.dataset.control : undefined;
    const selection = focusKey && active && 'selectionStart' in active ? [active.selectionStart, active.selectionEnd] : null;
    this.element.replaceChildren(...this.sections(state, sources));
    if (readOnly) for (const c of this.element.querySelectorAll<HTMLInputElement>('input, select, textarea, button')) c.disabled = true;
    if (focusKey) {
      const again = this.element.querySelector<HTMLInputElement>(`[data-control="${focusKey}"]`);
      again?.focus({ preventScroll: true });
      if (again && selection && typeof again.setSelectionRange === 'function' && again.type === 'text') again.setSelectionRange(selection[0] ?? null, selection[1] ?? null);
    }
  }

  private sections(state: BuilderState, sources: { cells: string[]; datasets: string[] }): HTMLElement[] {
    const spec = state.spec;
    if (!spec) return [h('p', { class: 'cb-note' }, t('chart.builder.invalidSpec'))];
    const out: HTMLElement[] = [];
    const sourceOptions: Option[] = [];
    const known = [...sources.cells, ...sources.datasets].some((s) => s.toLowerCase() === spec.source.toLowerCase());
    if (!known) sourceOptions.push({ value: spec.source, label: spec.source });
    if (sources.cells.length) sourceOptions.push({ group: t('chart.builder.cells'), options: sources.cells.map((s) => ({ value: s, label: s })) });
    if (sources.datasets.length) sourceOptions.push({ group: t('chart.builder.datasets'), options: sources.datasets.map((s) => ({ value: s, label: s })) });
    const current = [...sources.cells, ...sources.datasets].find((s) => s.toLowerCase() === spec.source.toLowerCase()) ?? spec.source;
    out.push(this.section(null,
      this.field('source', t('chart.builder.source'), this.select('source', sourceOptions, current, (v) => this.host.changeSource(v))),
      this.field('mark', t('chart.builder.mark'), this.select('mark', MARKS.map((m) => ({ value: m, label: t(MARK_LABELS[m]) })), spec.mark, (v) => this.edit((s) => changeMark(s, v as Mark, state.columns)))),
    ));
    if (!state.columns) out.push(h('p', { class: 'cb-note' }, t('chart.builder.noColumns', { source: spec.source })));

    const channels = MARK_CHANNELS[spec.mark];
    // Channels set but not drawn by this mark stay visible, so they can be removed.
    const shownChannels = (['x', 'y', 'color', 'size', 'text', 'fx', 'fy'] as const).filter((c) => channels.includes(c) || spec[c] !== undefined);
    if (isMapMark(spec.mark)) {
      const keys = MAP_FIELDS[spec.mark as 'map-points' | 'map-links'];
      out.push(this.section(t('chart.builder.map'),
        ...keys.map((k) => this.field(`map.${k}`, t(MAP_LABELS[k]), this.select(`map-${k}`, this.columnOptions(['number'], false), spec.map?.[k] ?? '', (v) => this.edit((s) => setMapField(s, k, v))))),
        this.field('map.projection', t('chart.builder.projection'), this.select('projection', PROJECTIONS.map((p) => ({ value: p, label: t(PROJECTION_LABELS[p]) })), spec.map?.projection ?? 'equal-earth', (v) => this.edit((s) => setProjection(s, v as Projection)))),
      ));
    }
    out.push(this.section(t('chart.builder.encodings'), ...shownChannels.map((c) => this.channel(spec, c))));
    if (!isMapMark(spec.mark)) {
      out.push(this.section(t('chart.builder.order'),
        this.field('sort', t('chart.builder.sort'), this.select('sort', Object.keys(SORT_LABELS).map((k) => ({ value: k, label: t(SORT_LABELS[k]!) })), sortKey(spec), (v) => this.edit((s) => setSort(s, v)))),
        this.field('limit', t('chart.builder.limit'), this.number('limit', spec.limit, t('chart.builder.limitPlaceholder'), (n) => this.edit((s) => setLimit(s, n)))),
      ));
      out.push(this.section(t('chart.builder.axes'), ...(['x', 'y'] as const).filter((a) => spec[a]).map((a) => this.axis(spec, a))));
    }
    out.push(this.section(t('chart.builder.titles'),
      ...(['title', 'subtitle', 'caption'] as const).map((k) =>
        this.field(k, t(TITLE_LABELS[k]), this.text(k, spec[k] ?? '', '', (v) => this.edit((s) => setText(s, k, v))))),
    ));
    return out;
  }

  private channel(spec: ChartSpec, ch: Channel): HTMLElement {
    const c = spec[ch];
    const columns = this.state.columns ?? [];
    const key = columnKey(c);
    const countable = ch !== 'fx' && ch !== 'fy' && ch !== 'text';
    const options = this.columnOptions(['number', 'time', 'category', 'other'], countable, key);
    const column = this.select(`${ch}-field`, options, key, (v) => this.edit((s) => setChannelField(s, ch, v, columns)));
    const controls: HTMLElement[] = [column];
    if (c?.field !== undefined) {
      const col = columns.find((x) => x.name === c.field);
      const transforms = transformsFor(col ? fieldKind(col.type) : null);
      const current = transformOf(c);
      const currentKey = transformKey(current);
      const list: Transform[] = transforms.some((tr) => transformKey(tr) === currentKey) ? transforms : [...transforms, current];
      controls.push(this.select(`${ch}-transform`, list.map((tr) => ({ value: transformKey(tr), label: t(TRANSFORM_LABELS[transformKey(tr)] ?? 'chart.transform.none') })), currentKey,
        (v) => this.edit((s) => setChannelTransform(s, ch, parseTransformKey(v)))));
    }
    const row = h('div', { class: 'cb-row' }, ...controls);
    const extra: HTMLElement[] = [];
    const col = c?.field !== undefined ? columns.find((x) => x.name === c.field) : undefined;
    if (c?.bin && !c.bin.interval && (!col || fieldKind(col.type) === 'number')) {
      extra.push(h('label', { class: 'cb-inline' }, t('chart.builder.bins'),
        this.number(`${ch}-thresholds`, c.bin.thresholds, '20', (n) => this.edit((s) => setThresholds(s, ch, n)))));
    }
    return this.field(ch, t(CHANNEL_LABELS[ch]), row, ...extra);
  }

  private axis(spec: ChartSpec, a: 'x' | 'y'): HTMLElement {
    const c = spec[a]!;
    const scale = this.select(`${a}-scale`, [{ value: '', label: t('chart.scale.auto') }, ...SCALE_TYPES.map((s) => ({ value: s, label: t(SCALE_LABELS[s]) }))], c.scale ?? '',
      (v) => this.edit((s) => setChannelScale(s, a, (v || undefined) as ScaleType | undefined)));
    const label = this.text(`${a}-label`, c.label ?? '', t('chart.builder.label'), (v) => this.edit((s) => setChannelLabel(s, a, v)));
    return this.field(`${a}-axis`, t(CHANNEL_LABELS[a]), h('div', { class: 'cb-row' }, scale, label));
  }

  /** Column options grouped by kind, each showing its type; `*` is "count of rows". */
  private columnOptions(kinds: readonly FieldKind[], countable: boolean, current = ''): Option[] {
    const columns = this.state.columns ?? [];
    const out: Option[] = [{ value: '', label: '—' }];
    if (countable) out.push({ value: COUNT_ROWS, label: t('chart.builder.countRows') });
    for (const [kind, label] of KIND_GROUPS) {
      if (!kinds.includes(kind)) continue;
      const options = columns.filter((c) => fieldKind(c.type) === kind).map((c) => ({ value: c.name, label: `${c.name} · ${shortType(c.type)}` }));
      if (options.length) out.push({ group: t(label), options });
    }
    // A column the spec names but the source lacks stays selectable, so the problem shows.
    if (current !== '' && current !== COUNT_ROWS && !columns.some((c) => c.name === current)) out.push({ value: current, label: current });
    return out;
  }

  private section(title: string | null, ...children: HTMLElement[]): HTMLElement {
    return h('section', { class: 'cb-section' }, title ? h('h4', { class: 'cb-heading' }, title) : null, ...children);
  }

  /** A labelled group for one option; highlighted with its message when the option is at fault. */
  private field(name: string, label: string, ...controls: HTMLElement[]): HTMLElement {
    const problems = this.state.problems.filter((p) => p.field === name);
    const id = `${this.idPrefix}-${name.replace(/\W/g, '-')}`;
    const first = controls[0]?.matches('select, input') ? controls[0] : controls[0]?.querySelector('select, input');
    first?.setAttribute('id', id);
    return h('div', { class: `cb-field${problems.length ? ' invalid' : ''}`, 'data-field': name },
      h('label', { class: 'cb-label', for: id }, label),
      ...controls,
      ...problems.map((p) => h('p', { class: 'cb-problem' }, p.message)));
  }

  private select(control: string, options: Option[], value: string, onChange: (v: string) => void): HTMLSelectElement {
    const add = (parent: HTMLElement, o: { value: string; label: string }) => parent.appendChild(h('option', { value: o.value, selected: o.value === value }, o.label));
    const select = h('select', { class: 'cb-select', 'data-control': control, 'data-testid': `cb-${control}` });
    for (const o of options) {
      if ('group' in o) {
        const group = h('optgroup', { label: o.group });
        for (const x of o.options) add(group, x);
        select.appendChild(group);
      } else add(select, o);
    }
    select.value = value;
    select.addEventListener('change', () => onChange(select.value));
    return select;
  }

  private text(control: string, value: string, placeholder: string, onChange: (v: string) => void): HTMLInputElement {
    const input = h('input', { type: 'text', class: 'cb-input', value, placeholder, 'data-control': control, 'data-testid': `cb-${control}`, spellcheck: 'false', autocomplete: 'off', maxlength: 1000 });
    input.addEventListener('input', () => onChange(input.value));
    return input;
  }

  private number(control: string, value: number | undefined, placeholder: string, onChange: (n: number | undefined) => void): HTMLInputElement {
    const input = h('input', { type: 'number', class: 'cb-input cb-number', min: 1, step: 1, value: value ?? '', placeholder, 'data-control': control, 'data-testid': `cb-${control}` });
    input.addEventListener('change', () => onChange(input.value === '' ? undefined : Number(input.value)));
    return input;
  }

  /**
   * Applies an edit to the spec as it is now in the document, not as it was when the
   * controls were drawn: two quick changes in a row both count.
   */
  private edit(f: (spec: ChartSpec) => ChartSpec): void {
    this.host.apply(f);
  }
}

/** `DECIMAL(14,2)` → `DECIMAL`, `TIMESTAMP WITH TIME ZONE` → `TIMESTAMPTZ`: short enough for a picker. */
export function shortType(type: string): string {
  const t = type.trim().toUpperCase();
  if (t === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMPTZ';
  if (t.startsWith('ENUM(')) return 'ENUM';
  return t.replace(/\(.*\)$/s, '').slice(0, 16);
}
