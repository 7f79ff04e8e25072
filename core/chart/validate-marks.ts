/**
 * What each mark needs from its channels. Each rule makes implied aggregates explicit (a bar
 * over a number column sums it; a bar without a measure counts rows), picks the category axis
 * and the compilation kind, and reports what does not fit.
 */
import type { ChartKind, NormalisedChannel, NormalisedMap } from './normalised.js';
import type { Aggregate, Channel, Mark } from './spec-types.js';

/** Records a problem with an option; `field` is the option's name (`y`, `map.lon`). */
export type Problems = (field: string, message: string) => void;

type Channels = Partial<Record<Channel, NormalisedChannel>>;

export interface Shaped {
  kind: ChartKind;
  axis: 'x' | 'y' | null;
  channels: Channels;
}

/** The channels each mark draws; the normaliser refuses others, the builder shows only these. */
export const MARK_CHANNELS: Readonly<Record<Mark, readonly Channel[]>> = {
  bar: ['x', 'y', 'color', 'fx', 'fy'],
  line: ['x', 'y', 'color', 'fx', 'fy'],
  area: ['x', 'y', 'color', 'fx', 'fy'],
  dot: ['x', 'y', 'color', 'size', 'fx', 'fy'],
  cell: ['x', 'y', 'color', 'fx', 'fy'],
  tick: ['x', 'y', 'color', 'fx', 'fy'],
  rule: ['x', 'y', 'color', 'fx', 'fy'],
  text: ['x', 'y', 'text', 'color', 'fx', 'fy'],
  box: ['x', 'y', 'fx', 'fy'],
  'map-points': ['color', 'size'],
  'map-links': ['color', 'size'],
};

/** Applies `mark`'s rules to resolved channels; null when a problem was recorded. */
export function applyMarkRules(mark: Mark, input: Channels, map: NormalisedMap | null, problem: Problems): Shaped | null {
  let failed = false;
  const report: Problems = (f, m) => {
    failed = true;
    problem(f, m);
  };
  const ch: Channels = { ...input };
  for (const name of Object.keys(ch) as Channel[]) {
    if (!MARK_CHANNELS[mark].includes(name)) report(name, `not used by ${mark} charts`);
  }
  for (const [name, c] of Object.entries(ch) as [Channel, NormalisedChannel][]) {
    if (c.bin && name !== 'x' && name !== 'y') report(name, 'only x and y can be binned');
  }
  for (const f of ['fx', 'fy'] as const) {
    const c = ch[f];
    if (c?.role === 'measure') report(f, "facets split the chart by a column's values: remove the aggregate");
  }
  if (failed) return null;
  const shaped = RULES[mark](ch, report, map);
  return failed ? null : shaped;
}

type Rule = (ch: Channels, problem: Problems, map: NormalisedMap | null) => Shaped | null;

const RULES: Record<Mark, Rule> = {
  bar: (ch, problem) => {
    const { x, y } = ch;
    let axis: 'x' | 'y';
    if (x && y && isCategory(y) && x.role === 'dimension' && !x.bin && x.value === 'number') axis = 'y';
    else if (x && x.role === 'dimension') axis = 'x';
    else if (y && y.role === 'dimension') axis = 'y';
    else {
      problem('x', 'choose the column whose values become bars');
      return null;
    }
    const across = other(axis);
    const m = ch[across];
    if (!m) ch[across] = countOf();
    else if (m.role === 'dimension') {
      if (m.value !== 'number' || m.bin) {
        problem(across, `bars need a number to sum, or an aggregate; ${shown(m)}`);
        return null;
      }
      ch[across] = asMeasure(m, 'sum');
    } else if (m.value !== 'number') {
      problem(across, `bar lengths need numbers; ${m.aggregate}(${m.field}) is not`);
      return null;
    }
    return { kind: ch[axis]!.bin ? 'bins' : 'aggregate', axis, channels: ch };
  },

  line: (ch, problem) => lineLike(ch, problem),
  area: (ch, problem) => lineLike(ch, problem),

  dot: (ch, problem) => {
    const { x, y } = ch;
    if (!x || !y) {
      problem(x ? 'y' : 'x', 'dots need both x and y');
      return null;
    }
    if (!grouped(ch)) {
      if (ch.size && ch.size.value !== 'number') return fail(problem, 'size', `dot sizes need numbers; ${shown(ch.size)}`);
      return { kind: 'sample', axis: null, channels: ch };
    }
    // Two grouped axes with nothing measured: the dots count the rows of each group.
    if (x.role === 'dimension' && y.role === 'dimension' && !ch.size) ch.size = countOf();
    if (ch.size?.role === 'dimension') {
      if (ch.size.value !== 'number') return fail(problem, 'size', `dot sizes need numbers; ${shown(ch.size)}`);
      ch.size = asMeasure(ch.size, 'sum');
    }
    return { kind: binned(ch) ? 'bins' : 'aggregate', axis: categoryAxis(ch), channels: ch };
  },

  cell: (ch, problem) => {
    for (const a of ['x', 'y'] as const) {
      const c = ch[a];
      if (!c) return fail(problem, a, 'cells are placed by two columns: choose one for x and one for y');
      if (c.role === 'measure') return fail(problem, a, 'cells are placed by column values: remove the aggregate (colour carries the measure)');
    }
    const color = ch.color;
    if (!color) ch.color = countOf();
    else if (color.role === 'dimension') {
      if (color.value !== 'number') return fail(problem, 'color', `cells are coloured by a number, or an aggregate; ${shown(color)}`);
      ch.color = asMeasure(color, 'sum');
    }
    return { kind: binned(ch) ? 'bins' : 'aggregate', axis: 'x', channels: ch };
  },

  tick: (ch, problem) => alongAxis('tick', ch, problem),
  rule: (ch, problem) => alongAxis('rule', ch, problem),

  text: (ch, problem) => {
    for (const a of ['x', 'y', 'text'] as const) {
      if (!ch[a]) return fail(problem, a, a === 'text' ? 'choose the column whose values are written' : 'text needs both x and y');
    }
    if (!grouped(ch)) return { kind: 'sample', axis: null, channels: ch };
    return { kind: binned(ch) ? 'bins' : 'aggregate', axis: categoryAxis(ch), channels: ch };
  },

  box: (ch, problem) => {
    const { x, y } = ch;
    const measured = (c: NormalisedChannel | undefined) => c && c.role === 'dimension' && !c.bin && c.value === 'number';
    const groupable = (c: NormalisedChannel | undefined) => !c || (c.role === 'dimension' && !c.bin);
    let axis: 'x' | 'y';
    if (measured(y) && groupable(x)) axis = 'x';
    else if (measured(x) && groupable(y)) axis = 'y';
    else return fail(problem, y ? 'y' : 'x', 'a box plot needs a number column without aggregate or bin on y (or x), and optionally categories on the other axis');
    const m = ch[other(axis)]!;
    ch[other(axis)] = { ...m, role: 'measure' };
    return { kind: 'aggregate', axis, channels: ch };
  },

  'map-points': (ch, problem) => mapLike(ch, problem, 'bins'),
  'map-links': (ch, problem) => mapLike(ch, problem, 'aggregate'),
};

function lineLike(ch: Channels, problem: Problems): Shaped | null {
  const { x, y } = ch;
  if (!x) return fail(problem, 'x', 'choose a column for the horizontal axis');
  if (!y) return fail(problem, 'y', 'choose a number column or an aggregate');
  if (x.role === 'measure') return fail(problem, 'x', 'lines run along x: aggregate y instead');
  if (y.value !== 'number') return fail(problem, 'y', `lines need numbers on y; ${y.role === 'measure' ? `${y.aggregate}(${y.field}) is not` : shown(y)}`);
  if (y.bin) return fail(problem, 'y', 'lines run along x: bin x instead');
  if (ch.color?.role === 'measure') return fail(problem, 'color', 'each colour is one line: colour by a column, without aggregate');
  if (y.role === 'measure' || x.bin) {
    if (y.role === 'dimension') ch.y = asMeasure(y, 'sum');
    return { kind: x.bin ? 'bins' : 'aggregate', axis: null, channels: ch };
  }
  return { kind: x.value === 'category' ? 'raw' : 'm4', axis: null, channels: ch };
}

/** Ticks and rules mark values along one axis, optionally one per category of the other. */
function alongAxis(mark: 'tick' | 'rule', ch: Channels, problem: Problems): Shaped | null {
  const { x, y } = ch;
  const marks = (c: NormalisedChannel | undefined) => c !== undefined && !c.bin && c.value !== 'category';
  const along = marks(x) && (!y || isCategory(y)) ? 'x' : marks(y) && (!x || isCategory(x)) ? 'y' : null;
  if (along === null) {
    return fail(problem, x ? 'x' : 'y', `${mark}s mark numbers or times along one axis: choose such a column for x or y, and at most a category column for the other`);
  }
  return { kind: grouped(ch) ? 'aggregate' : 'sample', axis: other(along), channels: ch };
}

function mapLike(ch: Channels, problem: Problems, kind: ChartKind): Shaped | null {
  const color = ch.color;
  if (color?.role === 'dimension' && color.value !== 'category') {
    if (color.value !== 'number') return fail(problem, 'color', `colour a map by a category or an aggregate; ${shown(color)}`);
    ch.color = asMeasure(color, 'mean');
  }
  const size = ch.size;
  if (!size) ch.size = countOf();
  else if (size.role === 'dimension') {
    if (size.value !== 'number') return fail(problem, 'size', `sizes need numbers; ${shown(size)}`);
    ch.size = asMeasure(size, 'sum');
  } else if (size.value !== 'number') return fail(problem, 'size', `sizes need numbers; ${size.aggregate}(${size.field}) is not`);
  return { kind, axis: null, channels: ch };
}

function fail(problem: Problems, field: string, message: string): null {
  problem(field, message);
  return null;
}

function other(a: 'x' | 'y'): 'x' | 'y' {
  return a === 'x' ? 'y' : 'x';
}

function isCategory(c: NormalisedChannel): boolean {
  return c.role === 'dimension' && !c.bin && c.value === 'category';
}

function grouped(ch: Channels): boolean {
  return Object.values(ch).some((c) => c.role === 'measure' || c.bin !== null);
}

function binned(ch: Channels): boolean {
  return Object.values(ch).some((c) => c.bin !== null);
}

/** The position channel grouped by while the other is measured, if exactly one is. */
function categoryAxis(ch: Channels): 'x' | 'y' | null {
  if (ch.x?.role === 'dimension' && ch.y?.role === 'measure') return 'x';
  if (ch.y?.role === 'dimension' && ch.x?.role === 'measure') return 'y';
  return null;
}

function countOf(): NormalisedChannel {
  return {
    field: null, fieldType: null, fieldKind: null, aggregate: 'count', bin: null, scale: null, label: '', value: 'number', role: 'measure',
  };
}

function asMeasure(c: NormalisedChannel, aggregate: Aggregate): NormalisedChannel {
  return { ...c, aggregate, role: 'measure', value: 'number' };
}

function shown(c: NormalisedChannel): string {
  return `"${c.field}" is ${c.fieldType}`;
}
