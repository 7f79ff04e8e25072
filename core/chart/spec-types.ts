/**
 * The chart spec's vocabulary: declarative data that says what a chart cell draws. It is
 * stored in the notebook's Y.Doc and in its Markdown file as the JSON body of a ```chart
 * fence. It is never code: every value is checked against the lists below when read.
 */

export const MARKS = ['bar', 'line', 'area', 'dot', 'cell', 'tick', 'rule', 'text', 'box', 'map-points', 'map-links'] as const;
export type Mark = (typeof MARKS)[number];

/** Other names a hand-written spec may use for a mark. */
export const MARK_ALIASES: Readonly<Record<string, Mark>> = { heatmap: 'cell', scatter: 'dot', histogram: 'bar' };

export const AGGREGATES = ['count', 'sum', 'mean', 'median', 'min', 'max', 'distinct'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const TIME_INTERVALS = ['hour', 'day', 'week', 'month', 'year'] as const;
export type TimeInterval = (typeof TIME_INTERVALS)[number];

export const SCALE_TYPES = ['linear', 'log', 'time', 'band'] as const;
export type ScaleType = (typeof SCALE_TYPES)[number];

export const PROJECTIONS = [
  'equal-earth', 'mercator', 'orthographic', 'equirectangular', 'azimuthal-equal-area', 'stereographic', 'transverse-mercator',
] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** Channels a spec can set. `text` labels the text mark. */
export const CHANNELS = ['x', 'y', 'color', 'size', 'text', 'fx', 'fy'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Binning of a number or time column; `{}` lets the data's range choose. */
export interface BinSpec {
  /** Calendar interval, for time columns. */
  interval?: TimeInterval;
  /** About how many bins, for number columns (a "nice" step is chosen). */
  thresholds?: number;
}

export interface ChannelSpec {
  /** A column of the source; may be absent only with `aggregate: "count"`. */
  field?: string;
  aggregate?: Aggregate;
  bin?: BinSpec;
  scale?: ScaleType;
  /** Axis or legend label; defaults to the column name, or e.g. `sum(amount)`. */
  label?: string;
}

/** Order of the categories on the chart's category axis. */
export interface SortSpec {
  /** `value`: by the measure (e.g. the bar's length); `label`: by the category itself. */
  by: 'value' | 'label';
  order?: 'ascending' | 'descending';
}

export interface MapSpec {
  projection?: Projection;
  /** map-points: the columns holding each point's longitude and latitude. */
  lon?: string;
  lat?: string;
  /** map-links: both ends of each link. */
  fromLon?: string;
  fromLat?: string;
  toLon?: string;
  toLat?: string;
}

export interface ChartSpec {
  /** The SQL cell or dataset whose rows are charted. */
  source: string;
  mark: Mark;
  x?: ChannelSpec;
  y?: ChannelSpec;
  color?: ChannelSpec;
  size?: ChannelSpec;
  text?: ChannelSpec;
  fx?: ChannelSpec;
  fy?: ChannelSpec;
  sort?: SortSpec;
  /** Keep only the first `limit` categories of the category axis (after sorting). */
  limit?: number;
  title?: string;
  subtitle?: string;
  caption?: string;
  map?: MapSpec;
}
