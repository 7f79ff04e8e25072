/**
 * The first chart offered for a result, from its column types and names alone: the chart an
 * analyst would most likely draw first. Pure; the result is an ordinary spec to edit.
 */
import { fieldKind, type ChartColumn } from './fields.js';
import type { ChartSpec, MapSpec } from './spec-types.js';

const CATEGORY_LIMIT = 50;
const HISTOGRAM_BINS = 20;

/**
 * time + number → line of the sum per interval; category + number → bars of the sum, largest
 * first; number + number → dots; one category → bars of counts; one time → counts per
 * interval; one number → histogram; longitude/latitude columns → map points, or links when
 * there are two pairs (from/to).
 */
export function suggestChart(columns: readonly ChartColumn[], sourceName: string): ChartSpec {
  const source = sourceName;
  const of = (kind: string) => columns.filter((c) => fieldKind(c.type) === kind);
  const allNumbers = of('number');
  const measures = allNumbers.filter((c) => !isIdLike(c.name) && !isCoordinate(c.name));
  const times = of('time');
  const categories = of('category').filter((c) => !isIdLike(c.name));
  const category = categories[0] ?? of('category')[0];

  const map = mapColumns(allNumbers);
  if (map) {
    const mark = map.fromLon !== undefined ? 'map-links' : 'map-points';
    return { source, mark, ...(mark === 'map-points' && category ? { color: { field: category.name } } : {}), map };
  }
  const time = times[0];
  const measure = measures[0];
  if (time && measure) {
    return { source, mark: 'line', x: { field: time.name, bin: {} }, y: { field: measure.name, aggregate: 'sum' } };
  }
  if (time) return { source, mark: 'bar', x: { field: time.name, bin: {} }, y: { aggregate: 'count' } };
  if (category && measure) {
    return {
      source, mark: 'bar', x: { field: category.name }, y: { field: measure.name, aggregate: 'sum' },
      sort: { by: 'value', order: 'descending' }, limit: CATEGORY_LIMIT,
    };
  }
  if (measures.length >= 2) return { source, mark: 'dot', x: { field: measures[0]!.name }, y: { field: measures[1]!.name } };
  if (category) {
    return { source, mark: 'bar', x: { field: category.name }, y: { aggregate: 'count' }, sort: { by: 'value', order: 'descending' }, limit: CATEGORY_LIMIT };
  }
  const number = measure ?? allNumbers[0];
  if (number) return { source, mark: 'bar', x: { field: number.name, bin: { thresholds: HISTOGRAM_BINS } }, y: { aggregate: 'count' } };
  // Nothing chartable: a bar chart over the first column, whose validation says why not.
  return { source, mark: 'bar', ...(columns[0] ? { x: { field: columns[0].name } } : {}) };
}

/** `id`, `person_id`, `idCaller`, `callerId`: keys, not quantities. */
function isIdLike(name: string): boolean {
  return /^id$|_id$|^id_/i.test(name) || /[a-z]Id$|^id[A-Z]/.test(name);
}

const LON = /^(.*?)_?(lon|lng|long|longitude)$/i;
const LAT = /^(.*?)_?(lat|latitude)$/i;

function isCoordinate(name: string): boolean {
  return LON.test(name) || LAT.test(name);
}

/** Longitude/latitude pairs sharing a prefix (`lon`/`lat`, `from_lon`/`from_lat`, …). */
function mapColumns(numbers: readonly ChartColumn[]): MapSpec | null {
  const pairs: { prefix: string; lon: string; lat: string }[] = [];
  for (const lon of numbers) {
    const m = LON.exec(lon.name);
    if (!m) continue;
    const prefix = m[1]!.toLowerCase();
    const lat = numbers.find((c) => LAT.exec(c.name)?.[1]!.toLowerCase() === prefix);
    if (lat) pairs.push({ prefix, lon: lon.name, lat: lat.name });
  }
  if (pairs.length === 0) return null;
  if (pairs.length >= 2) {
    const from = pairs.find((p) => /^(from|origin|orig|src|source|start|dep|departure)/.test(p.prefix)) ?? pairs[0]!;
    const to = pairs.find((p) => p !== from && /^(to|dest|destination|dst|target|end|arr|arrival)/.test(p.prefix)) ?? pairs.find((p) => p !== from)!;
    return { fromLon: from.lon, fromLat: from.lat, toLon: to.lon, toLat: to.lat };
  }
  return { lon: pairs[0]!.lon, lat: pairs[0]!.lat };
}
