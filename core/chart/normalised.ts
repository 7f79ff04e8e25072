/**
 * The one shape of a chart that compilation and rendering see: every column resolved against
 * the source's columns, every implied aggregate made explicit, the compilation strategy
 * chosen. Produced only by normaliseChart (validate.ts).
 */
import type { FieldKind } from './fields.js';
import type { Aggregate, Channel, Mark, Projection, ScaleType, TimeInterval } from './spec-types.js';

/**
 * How the data is reduced in SQL:
 * - `aggregate`: GROUP BY the dimensions, aggregate the measures;
 * - `bins`: the same with at least one binned dimension (histograms, heatmaps, map grids);
 * - `m4`: lines over many points: per pixel column the first, last, lowest and highest point;
 * - `sample`: a repeatable reservoir sample of rows (dots, ticks, rules, text);
 * - `raw`: rows as they are, in order, up to the mark cap (lines over categories).
 */
export type ChartKind = 'aggregate' | 'bins' | 'm4' | 'sample' | 'raw';

/** What a channel's column holds in the compiled data. */
export type ValueKind = 'number' | 'time' | 'category';

export type NormalisedBin =
  | { type: 'number'; thresholds: number; integer: boolean }
  /** `interval: null`: chosen from the data's time range (hour, day, month or year). */
  | { type: 'time'; interval: TimeInterval | null };

export interface NormalisedChannel {
  /** The source column, spelled as the source spells it; null for `count` of rows. */
  field: string | null;
  /** Its DuckDB type name; null with `field`. */
  fieldType: string | null;
  fieldKind: FieldKind | null;
  aggregate: Aggregate | null;
  bin: NormalisedBin | null;
  /** An explicit scale type; null lets Plot choose from the values. */
  scale: ScaleType | null;
  /** Axis or legend label. */
  label: string;
  value: ValueKind;
  /** `dimension`: grouped by (or plotted as is); `measure`: aggregated per group. */
  role: 'dimension' | 'measure';
}

export interface NormalisedMap {
  projection: Projection;
  /** map-points: resolved column names. */
  lon: string | null;
  lat: string | null;
  /** map-links: resolved column names. */
  fromLon: string | null;
  fromLat: string | null;
  toLon: string | null;
  toLat: string | null;
}

export interface NormalisedChart {
  source: string;
  mark: Mark;
  kind: ChartKind;
  /**
   * The position channel holding the categories or bins, for marks that have one: vertical
   * bars and boxes have `x`, horizontal ones `y`; ticks and rules, the channel across their
   * length (which may be left empty: one box, ticks on one line). Null for lines, areas,
   * plain dots, text and maps.
   */
  axis: 'x' | 'y' | null;
  channels: Partial<Record<Channel, NormalisedChannel>>;
  sort: { by: 'value' | 'label'; order: 'ascending' | 'descending' } | null;
  limit: number | null;
  title: string | null;
  subtitle: string | null;
  caption: string | null;
  map: NormalisedMap | null;
}

export type NormaliseResult =
  | { ok: true; spec: NormalisedChart }
  | { ok: false; errors: { field: string; message: string }[] };

/** Names of the extra columns every compiled chart query returns. */
export const ROWS_COLUMN = '__rows';
export const MARKS_COLUMN = '__marks';
