/**
 * The builder's edits of a chart spec, as pure functions: each takes a spec and returns the
 * next one, never mutating its input. The builder turns a control's value into one of these
 * calls; the result is serialised into the cell's shared text.
 */
import { fieldKind, type ChartColumn, type FieldKind } from '../../core/chart/fields.js';
import { normaliseChart } from '../../core/chart/validate.js';
import { MARK_CHANNELS } from '../../core/chart/validate-marks.js';
import {
  MARKS,
  type Aggregate,
  type Channel,
  type ChannelSpec,
  type ChartSpec,
  type MapSpec,
  type Mark,
  type Projection,
  type ScaleType,
  type TimeInterval,
} from '../../core/chart/spec-types.js';

export { MARK_CHANNELS };

export const isMapMark = (m: Mark): boolean => m === 'map-points' || m === 'map-links';

/** What the transform control of a channel holds: nothing, an aggregate, or a binning. */
export type Transform =
  | { type: 'none' }
  | { type: 'aggregate'; aggregate: Aggregate }
  | { type: 'bin'; interval?: TimeInterval; thresholds?: number };

/** The transform of a channel, read back from the spec. */
export function transformOf(c: ChannelSpec | undefined): Transform {
  if (!c) return { type: 'none' };
  if (c.aggregate) return { type: 'aggregate', aggregate: c.aggregate };
  if (c.bin) return { type: 'bin', ...(c.bin.interval ? { interval: c.bin.interval } : {}), ...(c.bin.thresholds ? { thresholds: c.bin.thresholds } : {}) };
  return { type: 'none' };
}

/** Transforms that fit a column of this kind (the first is the default). Pure. */
export function transformsFor(kind: FieldKind | null): Transform[] {
  const agg = (list: Aggregate[]) => list.map((aggregate): Transform => ({ type: 'aggregate', aggregate }));
  switch (kind) {
    case 'number':
      return [{ type: 'none' }, ...agg(['sum', 'mean', 'median', 'min', 'max', 'count', 'distinct']), { type: 'bin' }];
    case 'time':
      return [
        { type: 'none' },
        { type: 'bin' },
        ...(['hour', 'day', 'week', 'month', 'year'] as const).map((interval): Transform => ({ type: 'bin', interval })),
        ...agg(['min', 'max', 'median', 'count', 'distinct']),
      ];
    case 'category':
      return [{ type: 'none' }, ...agg(['count', 'distinct'])];
    default:
      return [{ type: 'none' }, ...agg(['count', 'distinct'])];
  }
}

/** A transform as a control value (`none`, `sum`, `bin`, `bin:month`) and back. */
export function transformKey(tr: Transform): string {
  if (tr.type === 'none') return 'none';
  if (tr.type === 'aggregate') return tr.aggregate;
  return tr.interval ? `bin:${tr.interval}` : 'bin';
}

export function parseTransformKey(key: string): Transform {
  if (key === 'none' || key === '') return { type: 'none' };
  if (key === 'bin') return { type: 'bin' };
  if (key.startsWith('bin:')) return { type: 'bin', interval: key.slice(4) as TimeInterval };
  return { type: 'aggregate', aggregate: key as Aggregate };
}

/** The control value of a channel's column: `''` none, `*` count of rows, else the column. */
export const COUNT_ROWS = '*';

export function columnKey(c: ChannelSpec | undefined): string {
  if (!c) return '';
  return c.field ?? (c.aggregate === 'count' ? COUNT_ROWS : '');
}

/**
 * Sets a channel's column. A column of another kind loses a transform that does not fit it;
 * `*` means "count of rows"; `''` removes the channel. Label and scale are kept.
 */
export function setChannelField(spec: ChartSpec, ch: Channel, key: string, columns: readonly ChartColumn[]): ChartSpec {
  if (key === '') return withChannel(spec, ch, undefined);
  const before = spec[ch];
  const keep = { ...(before?.label !== undefined ? { label: before.label } : {}), ...(before?.scale !== undefined ? { scale: before.scale } : {}) };
  if (key === COUNT_ROWS) return withChannel(spec, ch, { aggregate: 'count', ...keep });
  const column = columns.find((c) => c.name === key);
  const allowed = transformsFor(column ? fieldKind(column.type) : null).map(transformKey);
  const tr = transformOf(before);
  const next: ChannelSpec = { field: key, ...keep };
  if (before?.field !== undefined && allowed.includes(transformKey(tr))) Object.assign(next, transformFields(tr));
  return withChannel(spec, ch, next);
}

/** Sets a channel's aggregate or binning. */
export function setChannelTransform(spec: ChartSpec, ch: Channel, tr: Transform): ChartSpec {
  const c = spec[ch];
  if (!c || c.field === undefined) return spec;
  const { aggregate: _a, bin: _b, ...rest } = c;
  return withChannel(spec, ch, { ...rest, ...transformFields(tr) });
}

/** Sets the number of bins of a binned number channel. */
export function setThresholds(spec: ChartSpec, ch: Channel, thresholds: number | undefined): ChartSpec {
  const c = spec[ch];
  if (!c?.bin) return spec;
  const bin = { ...c.bin };
  if (thresholds === undefined || !Number.isInteger(thresholds) || thresholds < 1) delete bin.thresholds;
  else bin.thresholds = Math.min(thresholds, 1000);
  return withChannel(spec, ch, { ...c, bin });
}

export function setChannelScale(spec: ChartSpec, ch: Channel, scale: ScaleType | undefined): ChartSpec {
  const c = spec[ch];
  if (!c) return spec;
  const { scale: _s, ...rest } = c;
  return withChannel(spec, ch, scale ? { ...rest, scale } : rest);
}

export function setChannelLabel(spec: ChartSpec, ch: Channel, label: string): ChartSpec {
  const c = spec[ch];
  if (!c) return spec;
  const { label: _l, ...rest } = c;
  return withChannel(spec, ch, label.trim() === '' ? rest : { ...rest, label });
}

function transformFields(tr: Transform): Partial<ChannelSpec> {
  if (tr.type === 'aggregate') return { aggregate: tr.aggregate };
  if (tr.type === 'bin') return { bin: { ...(tr.interval ? { interval: tr.interval } : {}), ...(tr.thresholds ? { thresholds: tr.thresholds } : {}) } };
  return {};
}

function withChannel(spec: ChartSpec, ch: Channel, c: ChannelSpec | undefined): ChartSpec {
  const next: ChartSpec = { ...spec };
  if (c === undefined) delete next[ch];
  else next[ch] = c;
  return next;
}

/**
 * Changes the mark, keeping what the new mark can use: channels it does not draw are
 * dropped; a switch to a map finds longitude/latitude columns, a switch away drops them.
 */
export function setMark(spec: ChartSpec, mark: Mark, columns: readonly ChartColumn[]): ChartSpec {
  if (!(MARKS as readonly string[]).includes(mark)) return spec;
  const next: ChartSpec = { ...spec, mark };
  for (const ch of Object.keys(next) as (keyof ChartSpec)[]) {
    if (isChannel(ch) && !MARK_CHANNELS[mark].includes(ch)) delete next[ch];
  }
  if (isMapMark(mark)) {
    const found = guessMapColumns(columns, mark);
    next.map = { ...(spec.map?.projection ? { projection: spec.map.projection } : {}), ...found, ...keptMapFields(spec.map, mark) };
    delete next.sort;
  } else {
    delete next.map;
  }
  return next;
}

/**
 * `setMark`, then without the sort and limit when the new mark has no category axis for
 * them (bars sorted by value, turned into a line): what the analyst asked for still draws.
 */
export function changeMark(spec: ChartSpec, mark: Mark, columns: readonly ChartColumn[] | null): ChartSpec {
  const next = setMark(spec, mark, columns ?? []);
  if (!columns || (next.sort === undefined && next.limit === undefined)) return next;
  const norm = normaliseChart(next, columns);
  if (norm.ok) return next;
  const fields = new Set(norm.errors.map((e) => e.field));
  const out = { ...next };
  if (fields.has('sort')) delete out.sort;
  if (fields.has('limit')) delete out.limit;
  return out;
}

function keptMapFields(map: MapSpec | undefined, mark: Mark): MapSpec {
  if (!map) return {};
  const keys = mark === 'map-points' ? (['lon', 'lat'] as const) : (['fromLon', 'fromLat', 'toLon', 'toLat'] as const);
  const out: MapSpec = {};
  for (const k of keys) if (map[k] !== undefined) out[k] = map[k];
  return out;
}

const LON = /^(.*?)_?(lon|lng|long|longitude)$/i;
const LAT = /^(.*?)_?(lat|latitude)$/i;

/** Longitude/latitude columns by name, for a switch to a map mark. */
export function guessMapColumns(columns: readonly ChartColumn[], mark: Mark): MapSpec {
  const numbers = columns.filter((c) => fieldKind(c.type) === 'number');
  const pairs: { prefix: string; lon: string; lat: string }[] = [];
  for (const c of numbers) {
    const m = LON.exec(c.name);
    if (!m) continue;
    const prefix = m[1]!.toLowerCase();
    const lat = numbers.find((x) => LAT.exec(x.name)?.[1]!.toLowerCase() === prefix);
    if (lat) pairs.push({ prefix, lon: c.name, lat: lat.name });
  }
  if (mark === 'map-points') return pairs[0] ? { lon: pairs[0].lon, lat: pairs[0].lat } : {};
  const from = pairs.find((p) => /^(from|origin|orig|src|source|start|dep)/.test(p.prefix)) ?? pairs[0];
  const to = pairs.find((p) => p !== from && /^(to|dest|dst|target|end|arr)/.test(p.prefix)) ?? pairs.find((p) => p !== from);
  return {
    ...(from ? { fromLon: from.lon, fromLat: from.lat } : {}),
    ...(to ? { toLon: to.lon, toLat: to.lat } : {}),
  };
}

const CHANNEL_SET = new Set<string>(['x', 'y', 'color', 'size', 'text', 'fx', 'fy']);
function isChannel(k: string): k is Channel {
  return CHANNEL_SET.has(k);
}

export function setMapField(spec: ChartSpec, key: Exclude<keyof MapSpec, 'projection'>, column: string): ChartSpec {
  const map: MapSpec = { ...spec.map };
  if (column === '') delete map[key];
  else map[key] = column;
  return { ...spec, map };
}

export function setProjection(spec: ChartSpec, projection: Projection | undefined): ChartSpec {
  const map: MapSpec = { ...spec.map };
  if (projection) map.projection = projection;
  else delete map.projection;
  return { ...spec, map };
}

/** Sort choices of the builder: `''` none, `value-desc`, `value-asc`, `label-asc`, `label-desc`. */
export function sortKey(spec: ChartSpec): string {
  if (!spec.sort) return '';
  const order = spec.sort.order ?? (spec.sort.by === 'value' ? 'descending' : 'ascending');
  return `${spec.sort.by}-${order === 'descending' ? 'desc' : 'asc'}`;
}

export function setSort(spec: ChartSpec, key: string): ChartSpec {
  const next = { ...spec };
  const m = /^(value|label)-(asc|desc)$/.exec(key);
  if (!m) delete next.sort;
  else next.sort = { by: m[1] as 'value' | 'label', order: m[2] === 'desc' ? 'descending' : 'ascending' };
  return next;
}

export function setLimit(spec: ChartSpec, limit: number | undefined): ChartSpec {
  const next = { ...spec };
  if (limit === undefined || !Number.isInteger(limit) || limit < 1) delete next.limit;
  else next.limit = Math.min(limit, 100_000);
  return next;
}

/** Sets the title, subtitle or caption; empty text removes it. */
export function setText(spec: ChartSpec, key: 'title' | 'subtitle' | 'caption', value: string): ChartSpec {
  const next = { ...spec };
  if (value.trim() === '') delete next[key];
  else next[key] = value;
  return next;
}

/**
 * Changes the source. When the new source's columns are known and lack a column the spec
 * uses, the spec is suggested afresh by `suggest`; otherwise only the source changes.
 */
export function setSource(
  spec: ChartSpec,
  source: string,
  columns: readonly ChartColumn[] | null,
  suggest: (columns: readonly ChartColumn[], source: string) => ChartSpec,
): ChartSpec {
  if (source === spec.source) return spec;
  if (columns && !usedColumns(spec).every((name) => columns.some((c) => c.name.toLowerCase() === name.toLowerCase()))) {
    return { ...suggest(columns, source), ...(spec.title ? { title: spec.title } : {}) };
  }
  return { ...spec, source };
}

/** Every column name a spec refers to. */
export function usedColumns(spec: ChartSpec): string[] {
  const out: string[] = [];
  for (const ch of ['x', 'y', 'color', 'size', 'text', 'fx', 'fy'] as const) {
    const f = spec[ch]?.field;
    if (f !== undefined) out.push(f);
  }
  for (const k of ['lon', 'lat', 'fromLon', 'fromLat', 'toLon', 'toLat'] as const) {
    const f = spec.map?.[k];
    if (f !== undefined) out.push(f);
  }
  return out;
}

/**
 * What of a spec decides the data the server computes (everything but titles, labels and
 * scales, which only change the drawing). Two specs with the same key share their data.
 */
export function dataKey(spec: ChartSpec): string {
  const { title: _t, subtitle: _s, caption: _c, ...rest } = spec;
  const plain: Record<string, unknown> = { ...rest };
  for (const ch of ['x', 'y', 'color', 'size', 'text', 'fx', 'fy'] as const) {
    const c = spec[ch];
    if (!c) continue;
    const { label: _l, scale: _sc, ...kept } = c;
    plain[ch] = kept;
  }
  if (spec.map) {
    const { projection: _p, ...kept } = spec.map;
    plain['map'] = kept;
  }
  return canonical(plain);
}

/** JSON with object keys sorted at every level, so key order never tells two specs apart. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
