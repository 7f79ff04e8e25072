/**
 * The boundary check of a chart spec: turns any value (parsed JSON, a Y.Doc entry, an HTTP
 * body) into a ChartSpec or throws naming the offending option. Only shapes and vocabularies
 * are checked here; whether columns exist and fit is validate.ts's job, against a result.
 */
import { identifierProblem } from '../sql/identifiers.js';
import {
  AGGREGATES, CHANNELS, MARKS, MARK_ALIASES, PROJECTIONS, SCALE_TYPES, TIME_INTERVALS,
  type BinSpec, type ChannelSpec, type ChartSpec, type MapSpec, type Mark, type SortSpec,
} from './spec-types.js';

/** A spec that cannot be read: `path` names the option (`x.aggregate`), `line` is set when read from text. */
export class ChartSpecError extends Error {
  constructor(readonly detail: string, readonly path: string, readonly line?: number) {
    super(`${line === undefined ? '' : `line ${line}: `}${path === '' ? '' : `${path}: `}${detail}`);
    this.name = 'ChartSpecError';
  }
}

const MAX_TEXT = 1000;
const MAX_THRESHOLDS = 1000;
const MAX_LIMIT = 100_000;

type Obj = Record<string, unknown>;

/** Checks `value` is a chart spec and returns it with known keys only and aliases resolved. */
export function checkChartSpec(value: unknown): ChartSpec {
  const o = object(value, '');
  known(o, '', ['source', 'mark', ...CHANNELS, 'sort', 'limit', 'title', 'subtitle', 'caption', 'map']);
  const spec: ChartSpec = { source: source(o['source']), mark: mark(o['mark']) };
  for (const ch of CHANNELS) {
    if (o[ch] !== undefined) spec[ch] = channel(o[ch], ch);
  }
  if (o['sort'] !== undefined) spec.sort = sort(o['sort']);
  if (o['limit'] !== undefined) spec.limit = integer(o['limit'], 'limit', 1, MAX_LIMIT);
  for (const key of ['title', 'subtitle', 'caption'] as const) {
    if (o[key] !== undefined) spec[key] = text(o[key], key);
  }
  if (o['map'] !== undefined) spec.map = map(o['map']);
  return spec;
}

function source(v: unknown): string {
  if (v === undefined) throw new ChartSpecError('missing: name the SQL cell or dataset to chart', 'source');
  if (typeof v !== 'string') throw new ChartSpecError(`expected a cell or dataset name, got ${shown(v)}`, 'source');
  const problem = identifierProblem(v);
  if (problem) throw new ChartSpecError(problem, 'source');
  return v;
}

function mark(v: unknown): Mark {
  if (v === undefined) throw new ChartSpecError(`missing: choose one of ${MARKS.join(', ')}`, 'mark');
  const m = typeof v === 'string' ? (MARK_ALIASES[v] ?? v) : v;
  return oneOf(m, MARKS, 'mark', 'mark');
}

function channel(v: unknown, path: string): ChannelSpec {
  const o = object(v, path);
  known(o, path, ['field', 'aggregate', 'bin', 'scale', 'label']);
  const out: ChannelSpec = {};
  if (o['field'] !== undefined) out.field = name(o['field'], `${path}.field`);
  if (o['aggregate'] !== undefined) out.aggregate = oneOf(o['aggregate'], AGGREGATES, 'aggregate', `${path}.aggregate`);
  if (o['bin'] !== undefined) out.bin = bin(o['bin'], `${path}.bin`);
  if (o['scale'] !== undefined) out.scale = oneOf(o['scale'], SCALE_TYPES, 'scale', `${path}.scale`);
  if (o['label'] !== undefined) out.label = text(o['label'], `${path}.label`);
  if (out.field === undefined && out.aggregate !== 'count') {
    throw new ChartSpecError('missing "field": choose a column (only a count needs none)', path);
  }
  return out;
}

function bin(v: unknown, path: string): BinSpec {
  // `true` is the short form of "bin it, the data's range decides".
  if (v === true) return {};
  const o = object(v, path);
  known(o, path, ['interval', 'thresholds']);
  const out: BinSpec = {};
  if (o['interval'] !== undefined) out.interval = oneOf(o['interval'], TIME_INTERVALS, 'interval', `${path}.interval`);
  if (o['thresholds'] !== undefined) out.thresholds = integer(o['thresholds'], `${path}.thresholds`, 1, MAX_THRESHOLDS);
  if (out.interval !== undefined && out.thresholds !== undefined) {
    throw new ChartSpecError('give an interval (for time) or thresholds (for numbers), not both', path);
  }
  return out;
}

function sort(v: unknown): SortSpec {
  const o = object(v, 'sort');
  known(o, 'sort', ['by', 'order']);
  if (o['by'] === undefined) throw new ChartSpecError('missing "by": value or label', 'sort');
  const out: SortSpec = { by: oneOf(o['by'], ['value', 'label'] as const, 'sort key', 'sort.by') };
  if (o['order'] !== undefined) out.order = oneOf(o['order'], ['ascending', 'descending'] as const, 'order', 'sort.order');
  return out;
}

function map(v: unknown): MapSpec {
  const o = object(v, 'map');
  const fields = ['lon', 'lat', 'fromLon', 'fromLat', 'toLon', 'toLat'] as const;
  known(o, 'map', ['projection', ...fields]);
  const out: MapSpec = {};
  if (o['projection'] !== undefined) out.projection = oneOf(o['projection'], PROJECTIONS, 'projection', 'map.projection');
  for (const f of fields) {
    if (o[f] !== undefined) out[f] = name(o[f], `map.${f}`);
  }
  return out;
}

function object(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new ChartSpecError(`expected an object {…}, got ${shown(v)}`, path);
  }
  return v as Obj;
}

function known(o: Obj, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      throw new ChartSpecError(`unknown option "${k}" (known: ${keys.join(', ')})`, path === '' ? k : `${path}.${k}`);
    }
  }
}

function oneOf<T extends string>(v: unknown, list: readonly T[], what: string, path: string): T {
  if (typeof v === 'string' && (list as readonly string[]).includes(v)) return v as T;
  throw new ChartSpecError(`unknown ${what} ${shown(v)} (expected ${list.join(', ')})`, path);
}

function name(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ChartSpecError(`expected a column name, got ${shown(v)}`, path);
  if (v.length > 255) throw new ChartSpecError('a column name has at most 255 characters', path);
  return v;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new ChartSpecError(`expected text, got ${shown(v)}`, path);
  if (v.length > MAX_TEXT) throw new ChartSpecError(`at most ${MAX_TEXT} characters`, path);
  return v;
}

function integer(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ChartSpecError(`expected a whole number from ${min} to ${max}, got ${shown(v)}`, path);
  }
  return v;
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
