// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { normaliseChart, suggestChart, type ChartColumn } from '../../core/chart/index.js';

const cols = (spec: Record<string, string>): ChartColumn[] => Object.entries(spec).map(([name, type]) => ({ name, type }));

describe('suggestChart', () => {
  const cases: [string, ChartColumn[], object][] = [
    ['time + number → line of the sum per interval', cols({ transfer_id: 'BIGINT', sent_at: 'TIMESTAMP', amount: 'DECIMAL(14,2)' }),
      { mark: 'line', x: { field: 'sent_at', bin: {} }, y: { field: 'amount', aggregate: 'sum' } }],
    ['category + number → bars of the sum, largest first', cols({ city: 'VARCHAR', person_id: 'BIGINT', total: 'DOUBLE' }),
      { mark: 'bar', x: { field: 'city' }, y: { field: 'total', aggregate: 'sum' }, sort: { by: 'value', order: 'descending' }, limit: 50 }],
    ['number + number → dots', cols({ age: 'INTEGER', income: 'DOUBLE' }), { mark: 'dot', x: { field: 'age' }, y: { field: 'income' } }],
    ['one category → bars of counts', cols({ id: 'BIGINT', mode: 'VARCHAR' }),
      { mark: 'bar', x: { field: 'mode' }, y: { aggregate: 'count' }, sort: { by: 'value', order: 'descending' }, limit: 50 }],
    ['one time → counts per interval', cols({ day: 'DATE' }), { mark: 'bar', x: { field: 'day', bin: {} }, y: { aggregate: 'count' } }],
    ['one number → histogram', cols({ seconds: 'BIGINT' }), { mark: 'bar', x: { field: 'seconds', bin: { thresholds: 20 } }, y: { aggregate: 'count' } }],
    ['longitude and latitude → map points', cols({ tower: 'VARCHAR', lon: 'DOUBLE', lat: 'DOUBLE' }),
      { mark: 'map-points', color: { field: 'tower' }, map: { lon: 'lon', lat: 'lat' } }],
    ['two coordinate pairs → map links', cols({ to_lat: 'DOUBLE', to_lon: 'DOUBLE', from_longitude: 'DOUBLE', from_latitude: 'DOUBLE', trips: 'BIGINT' }),
      { mark: 'map-links', map: { fromLon: 'from_longitude', fromLat: 'from_latitude', toLon: 'to_lon', toLat: 'to_lat' } }],
  ];
  for (const [name, columns, expected] of cases) {
    it(name, () => {
      const spec = suggestChart(columns, 'result');
      expect(spec).toStrictEqual({ source: 'result', ...expected });
      // A suggestion is always a chart that can be drawn from those columns.
      expect(normaliseChart(spec, columns).ok).toBe(true);
    });
  }

  it('falls back to a chart whose validation says why nothing can be drawn', () => {
    const columns = cols({ tags: 'VARCHAR[]' });
    const spec = suggestChart(columns, 'result');
    const result = normaliseChart(spec, columns);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toBe('x: "tags" is VARCHAR[]; a chart needs numbers, times or categories');
  });
});
