/**
 * Normalisation of a chart spec against the columns of its source: the boundary after which
 * compile and render see one shape (NormalisedChart). Pure. Every problem is reported with
 * the option it concerns (`y: column "amount_eur" no longer exists in "transfers"`), all at
 * once, so the chart can show them all.
 */
import { fieldKind, findColumn, hasTimeOfDay, isIntegerType, type ChartColumn } from './fields.js';
import type { NormalisedChannel, NormalisedChart, NormalisedMap, NormaliseResult, ValueKind } from './normalised.js';
import { CHANNELS, type Aggregate, type ChannelSpec, type ChartSpec, type Channel, type MapSpec } from './spec-types.js';
import { checkChartSpec, ChartSpecError } from './spec-check.js';
import { applyMarkRules, type Problems } from './validate-marks.js';

const DEFAULT_THRESHOLDS = 20;

/**
 * Resolves `spec` against the source's `columns`; `ok: false` lists every problem found. The
 * spec's shape is checked again first (checkChartSpec), so a value straight from a shared
 * document cannot reach the compiler unchecked.
 */
export function normaliseChart(input: ChartSpec, columns: readonly ChartColumn[]): NormaliseResult {
  let spec: ChartSpec;
  try {
    spec = checkChartSpec(input);
  } catch (e) {
    if (!(e instanceof ChartSpecError)) throw e;
    return { ok: false, errors: [{ field: e.path === '' ? 'spec' : e.path.split('.')[0]!, message: e.message }] };
  }
  const errors: { field: string; message: string }[] = [];
  const problems: Problems = (field, message) => {
    errors.push({ field, message: `${field}: ${message}` });
  };
  const channels: Partial<Record<Channel, NormalisedChannel>> = {};
  for (const ch of CHANNELS) {
    const c = spec[ch];
    if (c === undefined) continue;
    const resolved = resolveChannel(ch, c, columns, spec.source, problems);
    if (resolved) channels[ch] = resolved;
  }
  const map = resolveMap(spec, columns, problems);
  if (errors.length > 0) return { ok: false, errors };

  const shaped = applyMarkRules(spec.mark, channels, map, problems);
  if (errors.length > 0 || !shaped) return { ok: false, errors };

  for (const [ch, c] of Object.entries(shaped.channels) as [Channel, NormalisedChannel][]) {
    c.label = spec[ch]?.label ?? defaultLabel(c.field, c.aggregate);
  }
  const chart: NormalisedChart = {
    source: spec.source,
    mark: spec.mark,
    kind: shaped.kind,
    axis: shaped.axis,
    channels: shaped.channels,
    sort: null,
    limit: null,
    title: spec.title ?? null,
    subtitle: spec.subtitle ?? null,
    caption: spec.caption ?? null,
    map,
  };
  checkOrdering(spec, chart, problems);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, spec: chart };
}

function resolveChannel(
  ch: Channel, spec: ChannelSpec, columns: readonly ChartColumn[], source: string, problem: Problems,
): NormalisedChannel | null {
  const agg = spec.aggregate ?? null;
  let field: string | null = null;
  let fieldType: string | null = null;
  if (spec.field !== undefined) {
    const col = findColumn(columns, spec.field);
    if (!col) {
      problem(ch, `column "${spec.field}" no longer exists in "${source}"`);
      return null;
    }
    field = col.name;
    fieldType = col.type;
  } else if (agg !== 'count') {
    problem(ch, 'choose a column');
    return null;
  }
  const kind = fieldType === null ? null : fieldKind(fieldType);
  const shownCol = `"${field}" is ${fieldType}`;
  if (kind === 'other' && agg !== 'count' && agg !== 'distinct') {
    problem(ch, `${shownCol}; a chart needs numbers, times or categories`);
    return null;
  }
  if ((agg === 'sum' || agg === 'mean') && kind !== 'number') {
    problem(ch, `${agg} needs a number column; ${shownCol}`);
    return null;
  }
  if ((agg === 'median') && kind !== 'number' && kind !== 'time') {
    problem(ch, `median needs a number or time column; ${shownCol}`);
    return null;
  }
  let bin: NormalisedChannel['bin'] = null;
  if (spec.bin !== undefined) {
    if (agg !== null) {
      problem(ch, 'choose bin or aggregate, not both');
      return null;
    }
    if (kind === 'number') {
      if (spec.bin.interval !== undefined) {
        problem(ch, `a ${spec.bin.interval} interval needs a time column; ${shownCol}`);
        return null;
      }
      bin = { type: 'number', thresholds: spec.bin.thresholds ?? DEFAULT_THRESHOLDS, integer: isIntegerType(fieldType!) };
    } else if (kind === 'time') {
      if (spec.bin.thresholds !== undefined) {
        problem(ch, 'time is binned by interval (hour, day, week, month, year), not thresholds');
        return null;
      }
      if (spec.bin.interval === 'hour' && !hasTimeOfDay(fieldType!)) {
        problem(ch, `hourly bins need a timestamp; ${shownCol}`);
        return null;
      }
      bin = { type: 'time', interval: spec.bin.interval ?? null };
    } else {
      problem(ch, `binning needs a number or time column; ${shownCol}`);
      return null;
    }
  }
  const value = valueKind(agg, kind);
  const gives = agg === null ? shownCol : `${defaultLabel(field, agg)} gives ${value === 'category' ? 'categories' : `${value}s`}`;
  if (spec.scale === 'log' && value !== 'number') {
    problem(ch, `a log scale needs numbers; ${gives}`);
    return null;
  }
  if (spec.scale === 'time' && value !== 'time') {
    problem(ch, `a time scale needs dates or timestamps; ${gives}`);
    return null;
  }
  return {
    field, fieldType, fieldKind: kind, aggregate: agg, bin, scale: spec.scale ?? null,
    // Labelled once the mark's rules have made implied aggregates explicit.
    label: '',
    value, role: agg === null ? 'dimension' : 'measure',
  };
}

/** What an aggregate of a column of `kind` yields. */
export function valueKind(agg: Aggregate | null, kind: ValueKind | 'other' | null): ValueKind {
  if (agg === 'count' || agg === 'distinct' || agg === 'sum' || agg === 'mean') return 'number';
  return kind === 'number' || kind === 'time' ? kind : 'category';
}

/** `count`, `sum(amount)`, `distinct(city)`, or the column's own name. */
export function defaultLabel(field: string | null, agg: Aggregate | null): string {
  if (agg === null) return field ?? '';
  if (field === null) return agg;
  return `${agg}(${field})`;
}

function resolveMap(spec: ChartSpec, columns: readonly ChartColumn[], problem: Problems): NormalisedMap | null {
  const isMap = spec.mark === 'map-points' || spec.mark === 'map-links';
  if (!isMap) {
    if (spec.map?.lon !== undefined || spec.map?.fromLon !== undefined) problem('map', `map columns are used by map charts only, not ${spec.mark}`);
    return null;
  }
  const m: MapSpec = spec.map ?? {};
  const needed = spec.mark === 'map-points' ? (['lon', 'lat'] as const) : (['fromLon', 'fromLat', 'toLon', 'toLat'] as const);
  const out: NormalisedMap = {
    projection: m.projection ?? 'equal-earth', lon: null, lat: null, fromLon: null, fromLat: null, toLon: null, toLat: null,
  };
  for (const key of needed) {
    const name = m[key];
    if (name === undefined) {
      problem(`map.${key}`, `choose the column holding the ${key.toLowerCase().includes('lon') ? 'longitude' : 'latitude'}`);
      continue;
    }
    const col = findColumn(columns, name);
    if (!col) problem(`map.${key}`, `column "${name}" no longer exists in "${spec.source}"`);
    else if (fieldKind(col.type) !== 'number') problem(`map.${key}`, `coordinates must be numbers; "${col.name}" is ${col.type}`);
    else out[key] = col.name;
  }
  return out;
}

/** Sort and limit apply to a category axis (or, on maps, to the biggest marks). */
function checkOrdering(spec: ChartSpec, chart: NormalisedChart, problem: Problems): void {
  const isMap = chart.map !== null;
  const axis = chart.axis === null ? undefined : chart.channels[chart.axis];
  const grouped = chart.kind === 'aggregate' || chart.kind === 'bins';
  const sortable = grouped && axis !== undefined && axis.role === 'dimension' && axis.bin === null;
  if (spec.sort !== undefined) {
    if (!sortable) problem('sort', isMap || !axis ? `a ${spec.mark} chart has no category axis to sort` : `the bins of ${chart.axis} keep their order`);
    else chart.sort = { by: spec.sort.by, order: spec.sort.order ?? (spec.sort.by === 'value' ? 'descending' : 'ascending') };
  }
  if (spec.limit !== undefined) {
    if (!sortable && !isMap) problem('limit', `a ${spec.mark} chart has no category axis to limit`);
    else chart.limit = spec.limit;
  }
}
