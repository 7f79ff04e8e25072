// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATES, ChartSpecError, MARKS, PROJECTIONS, SCALE_TYPES, TIME_INTERVALS, checkChartSpec, normaliseChart, parseChartSpec,
  serializeChartSpec, type ChartColumn, type ChartSpec, type NormalisedChart,
} from '../../core/chart/index.js';

const TRANSFERS: ChartColumn[] = [
  { name: 'city', type: 'VARCHAR' },
  { name: 'amount', type: 'DECIMAL(14,2)' },
  { name: 'n', type: 'BIGINT' },
  { name: 'day', type: 'DATE' },
  { name: 'at', type: 'TIMESTAMP' },
  { name: 'tags', type: 'VARCHAR[]' },
  { name: 'lon', type: 'DOUBLE' },
  { name: 'lat', type: 'DOUBLE' },
];

function errorsOf(spec: ChartSpec, columns = TRANSFERS): string[] {
  const result = normaliseChart(spec, columns);
  return result.ok ? [] : result.errors.map((e) => e.message);
}

function ok(spec: ChartSpec, columns = TRANSFERS): NormalisedChart {
  const result = normaliseChart(spec, columns);
  if (!result.ok) throw new Error(`expected a valid chart, got: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.spec;
}

function parseError(text: string): ChartSpecError {
  try {
    parseChartSpec(text);
  } catch (e) {
    if (e instanceof ChartSpecError) return e;
    throw e;
  }
  throw new Error('expected a ChartSpecError');
}

describe('parseChartSpec and serializeChartSpec', () => {
  it('writes one option per line, keys in a fixed order, channels inline', () => {
    const spec: ChartSpec = {
      title: 'Transfers by city', y: { aggregate: 'sum', field: 'amount' }, mark: 'bar', source: 'transfers',
      x: { label: 'City', field: 'city' }, sort: { order: 'descending', by: 'value' }, limit: 10,
    };
    expect(serializeChartSpec(spec)).toBe([
      '{',
      '  "source": "transfers",',
      '  "mark": "bar",',
      '  "x": {"field": "city", "label": "City"},',
      '  "y": {"field": "amount", "aggregate": "sum"},',
      '  "sort": {"by": "value", "order": "descending"},',
      '  "limit": 10,',
      '  "title": "Transfers by city"',
      '}',
    ].join('\n'));
  });

  it('reads back what it writes, for any spec', () => {
    const text = fc.string({ maxLength: 12 });
    const column = fc.string({ minLength: 1, maxLength: 10 });
    const channel = fc.record({
      field: column,
      aggregate: fc.constantFrom(...AGGREGATES),
      bin: fc.oneof(fc.record({ interval: fc.constantFrom(...TIME_INTERVALS) }), fc.record({ thresholds: fc.integer({ min: 1, max: 1000 }) })),
      scale: fc.constantFrom(...SCALE_TYPES),
      label: text,
    }, { requiredKeys: ['field'] });
    const spec = fc.record({
      source: fc.constantFrom('transfers', 'calls_by_day', 'q1'),
      mark: fc.constantFrom(...MARKS),
      x: channel, y: channel, color: channel, size: channel, text: channel, fx: channel, fy: channel,
      sort: fc.record({ by: fc.constantFrom('value' as const, 'label' as const), order: fc.constantFrom('ascending' as const, 'descending' as const) }, { requiredKeys: ['by'] }),
      limit: fc.integer({ min: 1, max: 100_000 }),
      title: text, subtitle: text, caption: text,
      map: fc.record({ projection: fc.constantFrom(...PROJECTIONS), lon: column, lat: column, fromLon: column, fromLat: column, toLon: column, toLat: column }, { requiredKeys: [] }),
    }, { requiredKeys: ['source', 'mark'] });
    fc.assert(fc.property(spec, (s) => {
      const text1 = serializeChartSpec(s as ChartSpec);
      expect(parseChartSpec(text1)).toStrictEqual(JSON.parse(JSON.stringify(s)));
      expect(serializeChartSpec(parseChartSpec(text1))).toBe(text1);
    }), { seed: 42, numRuns: 300 });
  });

  it('accepts the other names of marks and the short form of a bin', () => {
    const spec = parseChartSpec('{"source": "t", "mark": "heatmap", "x": {"field": "a", "bin": true}, "y": {"field": "b"}}');
    expect(spec.mark).toBe('cell');
    expect(spec.x).toStrictEqual({ field: 'a', bin: {} });
  });

  it('names the line and the option of a wrong value', () => {
    const e = parseError('{\n  "source": "t",\n  "mark": "bar",\n  "x": {"field": "city", "aggregate": "avg"}\n}');
    expect(e.line).toBe(4);
    expect(e.message).toBe('line 4: x.aggregate: unknown aggregate "avg" (expected count, sum, mean, median, min, max, distinct)');
  });

  it('names the line of malformed JSON', () => {
    expect(parseError('{\n  "source": "t",\n  "mark": "bar"\n  "x": {}\n}').message).toBe('line 4: expected "," or "}", found "\\""');
    expect(parseError('{\n  "source": "t",\n  "mark": "bar",\n}').message).toBe('line 4: expected a quoted key, found "}"');
    expect(parseError('{"source": "t", "source": "u"}').message).toBe('line 1: key "source" appears twice');
  });

  it('reports unknown options, missing ones and bad values with their path', () => {
    expect(parseError('{"source": "t", "mark": "bar", "colour": {}}').message).toMatch(/^line 1: colour: unknown option "colour"/);
    expect(parseError('{\n"mark": "bar"\n}').message).toBe('line 1: source: missing: name the SQL cell or dataset to chart');
    expect(parseError('{"source": "t", "mark": "bars"}').message).toMatch(/mark: unknown mark "bars"/);
    expect(parseError('{"source": "t", "mark": "bar", "x": {"label": "City"}}').message).toMatch(/x: missing "field"/);
    expect(parseError('{"source": "t", "mark": "bar", "limit": 2.5}').message).toMatch(/limit: expected a whole number from 1 to 100000, got 2.5/);
    expect(parseError('{"source": "drop table", "mark": "bar"}').message).toMatch(/source: "drop table" is not a valid name/);
    expect(parseError('{"source": "t", "mark": "bar", "x": {"field": "d", "bin": {"interval": "month", "thresholds": 3}}}').message)
      .toMatch(/x.bin: give an interval \(for time\) or thresholds \(for numbers\), not both/);
  });

  it('checks a spec that did not come from text, e.g. from the shared document', () => {
    expect(checkChartSpec({ source: 't', mark: 'dot', x: { field: 'a' }, y: { field: 'b' } })).toStrictEqual({ source: 't', mark: 'dot', x: { field: 'a' }, y: { field: 'b' } });
    expect(() => checkChartSpec({ source: 't', mark: 'dot', x: { field: 'a', onclick: 'alert(1)' } })).toThrow('x.onclick: unknown option "onclick"');
    expect(() => checkChartSpec('bar')).toThrow('expected an object {…}, got "bar"');
    expect(() => parseChartSpec('{"source": "t", "mark": "bar", "__proto__": {"x": 1}}')).toThrow('line 1: __proto__: unknown option "__proto__"');
  });
});

describe('normaliseChart', () => {
  it('names the field and the source when a column no longer exists', () => {
    expect(errorsOf({ source: 'transfers', mark: 'bar', x: { field: 'city' }, y: { field: 'amount_eur', aggregate: 'sum' } }))
      .toStrictEqual(['y: column "amount_eur" no longer exists in "transfers"']);
  });

  it('says which aggregate does not fit which type', () => {
    expect(errorsOf({ source: 'transfers', mark: 'bar', x: { field: 'day' }, y: { field: 'city', aggregate: 'sum' } }))
      .toStrictEqual(['y: sum needs a number column; "city" is VARCHAR']);
    expect(errorsOf({ source: 'transfers', mark: 'bar', x: { field: 'day' }, y: { field: 'city', aggregate: 'median' } }))
      .toStrictEqual(['y: median needs a number or time column; "city" is VARCHAR']);
  });

  it('checks the shape of a spec that did not come through parseChartSpec', () => {
    const unchecked = { source: 't', mark: 'bar', x: { field: 'city', aggregate: 'avg' } } as unknown as ChartSpec;
    expect(errorsOf(unchecked)).toStrictEqual(['x.aggregate: unknown aggregate "avg" (expected count, sum, mean, median, min, max, distinct)']);
  });

  it('reports every problem at once', () => {
    expect(errorsOf({ source: 'transfers', mark: 'dot', x: { field: 'gone' }, y: { field: 'tags' }, map: { lon: 'lon' } })).toStrictEqual([
      'x: column "gone" no longer exists in "transfers"',
      'y: "tags" is VARCHAR[]; a chart needs numbers, times or categories',
      'map: map columns are used by map charts only, not dot',
    ]);
  });

  it('checks bins against the column type', () => {
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'city', bin: {} } })).toStrictEqual(['x: binning needs a number or time column; "city" is VARCHAR']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'amount', bin: { interval: 'month' } } })).toStrictEqual(['x: a month interval needs a time column; "amount" is DECIMAL(14,2)']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'day', bin: { interval: 'hour' } } })).toStrictEqual(['x: hourly bins need a timestamp; "day" is DATE']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'day', bin: { thresholds: 10 } } })).toStrictEqual(['x: time is binned by interval (hour, day, week, month, year), not thresholds']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'n', bin: {}, aggregate: 'sum' } })).toStrictEqual(['x: choose bin or aggregate, not both']);
    expect(errorsOf({ source: 't', mark: 'dot', x: { field: 'n' }, y: { field: 'amount' }, color: { field: 'n', bin: {} } })).toStrictEqual(['color: only x and y can be binned']);
  });

  it('checks scales against the values they show', () => {
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'city' }, y: { aggregate: 'count', scale: 'time' } }))
      .toStrictEqual(['y: a time scale needs dates or timestamps; count gives numbers']);
    expect(errorsOf({ source: 't', mark: 'dot', x: { field: 'city', scale: 'log' }, y: { field: 'n' } }))
      .toStrictEqual(['x: a log scale needs numbers; "city" is VARCHAR']);
    expect(errorsOf({ source: 't', mark: 'dot', x: { field: 'city', aggregate: 'max', scale: 'log' }, y: { field: 'n' } }))
      .toStrictEqual(['x: a log scale needs numbers; max(city) gives categories']);
  });

  it('makes a bar chart\'s implied aggregate explicit: a count, or the sum of a number', () => {
    const counted = ok({ source: 't', mark: 'bar', x: { field: 'city' } });
    expect(counted.kind).toBe('aggregate');
    expect(counted.axis).toBe('x');
    expect(counted.channels.y).toMatchObject({ field: null, aggregate: 'count', role: 'measure', label: 'count' });
    const summed = ok({ source: 't', mark: 'bar', x: { field: 'city' }, y: { field: 'amount', label: 'Amount (€)' } });
    expect(summed.channels.y).toMatchObject({ field: 'amount', aggregate: 'sum', label: 'Amount (€)', value: 'number' });
    const horizontal = ok({ source: 't', mark: 'bar', x: { field: 'amount' }, y: { field: 'city' } });
    expect(horizontal.axis).toBe('y');
    expect(horizontal.channels.x).toMatchObject({ aggregate: 'sum', label: 'sum(amount)' });
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'city' }, y: { field: 'day' } })).toStrictEqual(['y: bars need a number to sum, or an aggregate; "day" is DATE']);
  });

  it('resolves column names case-insensitively, as DuckDB does, keeping the source spelling', () => {
    expect(ok({ source: 't', mark: 'bar', x: { field: 'CITY' } }).channels.x?.field).toBe('city');
  });

  it('chooses how each mark is computed', () => {
    const kind = (spec: Omit<ChartSpec, 'source'>) => ok({ source: 't', ...spec } as ChartSpec).kind;
    expect(kind({ mark: 'line', x: { field: 'at' }, y: { field: 'amount' } })).toBe('m4');
    expect(kind({ mark: 'line', x: { field: 'city' }, y: { field: 'amount' } })).toBe('raw');
    expect(kind({ mark: 'line', x: { field: 'at', bin: { interval: 'day' } }, y: { field: 'amount' } })).toBe('bins');
    expect(kind({ mark: 'area', x: { field: 'day' }, y: { field: 'amount', aggregate: 'mean' } })).toBe('aggregate');
    expect(kind({ mark: 'dot', x: { field: 'n' }, y: { field: 'amount' } })).toBe('sample');
    expect(kind({ mark: 'dot', x: { field: 'n', bin: {} }, y: { field: 'amount', bin: {} } })).toBe('bins');
    expect(kind({ mark: 'cell', x: { field: 'city' }, y: { field: 'day' } })).toBe('aggregate');
    expect(kind({ mark: 'tick', x: { field: 'amount' }, y: { field: 'city' } })).toBe('sample');
    expect(kind({ mark: 'box', x: { field: 'city' }, y: { field: 'amount' } })).toBe('aggregate');
    expect(kind({ mark: 'map-points', map: { lon: 'lon', lat: 'lat' } })).toBe('bins');
  });

  it('explains what a mark needs', () => {
    expect(errorsOf({ source: 't', mark: 'line', x: { field: 'at' } })).toStrictEqual(['y: choose a number column or an aggregate']);
    expect(errorsOf({ source: 't', mark: 'dot', x: { field: 'n' } })).toStrictEqual(['y: dots need both x and y']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'city' }, size: { field: 'n' } })).toStrictEqual(['size: not used by bar charts']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'city' }, fx: { field: 'n', aggregate: 'sum' } }))
      .toStrictEqual(["fx: facets split the chart by a column's values: remove the aggregate"]);
    expect(errorsOf({ source: 't', mark: 'map-points', map: { lon: 'lon', lat: 'city' } })).toStrictEqual(['map.lat: coordinates must be numbers; "city" is VARCHAR']);
    expect(errorsOf({ source: 't', mark: 'map-links', map: { fromLon: 'lon', fromLat: 'lat' } })).toStrictEqual([
      'map.toLon: choose the column holding the longitude', 'map.toLat: choose the column holding the latitude',
    ]);
  });

  it('applies sort and limit to a category axis only', () => {
    const sorted = ok({ source: 't', mark: 'bar', x: { field: 'city' }, sort: { by: 'value' }, limit: 5 });
    expect(sorted.sort).toStrictEqual({ by: 'value', order: 'descending' });
    expect(sorted.limit).toBe(5);
    expect(errorsOf({ source: 't', mark: 'line', x: { field: 'at' }, y: { field: 'n' }, sort: { by: 'value' } }))
      .toStrictEqual(['sort: a line chart has no category axis to sort']);
    expect(errorsOf({ source: 't', mark: 'bar', x: { field: 'n', bin: {} }, sort: { by: 'label' } }))
      .toStrictEqual(['sort: the bins of x keep their order']);
  });
});
