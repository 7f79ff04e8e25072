/**
 * The browser's chart logic that needs no browser: builder edits of a spec, the minimal text
 * edit written to the shared document, reading the server's chart answers, carrying a chart
 * along when its source is renamed, and file names of exports.
 */
import { describe, expect, it } from 'vitest';
import { normaliseChart } from '../../core/chart/validate.js';
import { parseChartSpec, serializeChartSpec, type ChartSpec } from '../../core/chart/spec.js';
import { suggestChart } from '../../core/chart/suggest.js';
import {
  changeMark, dataKey, parseTransformKey, setChannelField, setChannelLabel, setChannelTransform, setLimit, setSort,
  setSource, setText, setThresholds, sortKey, transformKey, transformsFor,
} from '../../client/charts/spec-edit.js';
import { minimalEdit } from '../../client/charts/spec-text.js';
import { fieldsInMessage, parseChartMeta, parseFieldProblems } from '../../client/charts/chart-api.js';
import { chartSourceOf, renameChartSource } from '../../client/charts/chart-source.js';
import { freeResultName } from '../../client/charts/chart-this.js';
import { chartFileName } from '../../client/charts/export.js';
import { shortType } from '../../client/charts/builder.js';

const COLUMNS = [
  { name: 'nationality', type: 'VARCHAR' },
  { name: 'n', type: 'BIGINT' },
  { name: 'amount', type: 'DECIMAL(14,2)' },
  { name: 'at', type: 'TIMESTAMP' },
  { name: 'lat', type: 'DOUBLE' },
  { name: 'lon', type: 'DOUBLE' },
];

const BARS: ChartSpec = {
  source: 'q', mark: 'bar', x: { field: 'nationality' }, y: { field: 'n', aggregate: 'sum' }, sort: { by: 'value', order: 'descending' }, limit: 50,
};

describe('builder edits', () => {
  it('changes the mark, dropping what the new mark cannot use', () => {
    const dots = changeMark({ ...BARS, color: { field: 'nationality' } }, 'dot', COLUMNS);
    expect(dots).toMatchObject({ mark: 'dot', x: BARS.x, y: BARS.y, color: { field: 'nationality' } });
    expect(normaliseChart(dots, COLUMNS).ok).toBe(true);
    const box = changeMark({ ...BARS, color: { field: 'nationality' } }, 'box', COLUMNS);
    expect(box.color).toBeUndefined();
  });

  it('drops sort and limit when the new mark has no category axis for them', () => {
    const line = changeMark(BARS, 'line', COLUMNS);
    expect(line.sort).toBeUndefined();
    expect(line.limit).toBeUndefined();
    expect(normaliseChart(line, COLUMNS).ok).toBe(true);
    // Without columns it cannot tell, and keeps them.
    expect(changeMark(BARS, 'line', null).sort).toEqual(BARS.sort);
  });

  it('finds longitude and latitude on a switch to a map, and forgets them on the way back', () => {
    const map = changeMark(BARS, 'map-points', COLUMNS);
    expect(map).toMatchObject({ mark: 'map-points', map: { lon: 'lon', lat: 'lat' } });
    expect(map.x).toBeUndefined();
    expect(normaliseChart(map, COLUMNS).ok).toBe(true);
    expect(changeMark(map, 'bar', COLUMNS).map).toBeUndefined();
  });

  it('sets a column, keeping a transform only when it fits the new column', () => {
    expect(setChannelField(BARS, 'y', 'amount', COLUMNS).y).toEqual({ field: 'amount', aggregate: 'sum' });
    expect(setChannelField(BARS, 'y', 'nationality', COLUMNS).y).toEqual({ field: 'nationality' });
    expect(setChannelField(BARS, 'y', '*', COLUMNS).y).toEqual({ aggregate: 'count' });
    expect(setChannelField(BARS, 'y', '', COLUMNS).y).toBeUndefined();
    const labelled = setChannelLabel(BARS, 'y', 'Total');
    expect(setChannelField(labelled, 'y', 'amount', COLUMNS).y?.label).toBe('Total');
  });

  it('offers transforms by column kind, and reads them back', () => {
    expect(transformsFor('category').map(transformKey)).toEqual(['none', 'count', 'distinct']);
    expect(transformsFor('time').map(transformKey)).toContain('bin:month');
    expect(transformsFor('number').map(transformKey)).toContain('bin');
    for (const key of ['none', 'sum', 'bin', 'bin:week']) expect(transformKey(parseTransformKey(key))).toBe(key);
    const binned = setChannelTransform({ source: 'q', mark: 'bar', x: { field: 'at', aggregate: 'min' } }, 'x', parseTransformKey('bin:month'));
    expect(binned.x).toEqual({ field: 'at', bin: { interval: 'month' } });
    expect(setThresholds(setChannelTransform(BARS, 'y', { type: 'bin' }), 'y', 30).y).toEqual({ field: 'n', bin: { thresholds: 30 } });
  });

  it('sets sort, limit and titles, removing them when emptied', () => {
    expect(sortKey(setSort(BARS, 'label-asc'))).toBe('label-asc');
    expect(setSort(BARS, '').sort).toBeUndefined();
    expect(setLimit(BARS, undefined).limit).toBeUndefined();
    expect(setLimit(BARS, 0).limit).toBeUndefined();
    expect(setText(BARS, 'title', 'Who').title).toBe('Who');
    expect('title' in setText({ ...BARS, title: 'Who' }, 'title', '  ')).toBe(false);
  });

  it('keeps the spec on a new source that has its columns, and suggests afresh otherwise', () => {
    expect(setSource(BARS, 'other', COLUMNS, suggestChart)).toEqual({ ...BARS, source: 'other' });
    expect(setSource(BARS, 'other', null, suggestChart)).toEqual({ ...BARS, source: 'other' });
    const calls = [{ name: 'started_at', type: 'TIMESTAMP' }, { name: 'duration_s', type: 'INTEGER' }];
    expect(setSource({ ...BARS, title: 'Mine' }, 'calls', calls, suggestChart)).toMatchObject({ source: 'calls', mark: 'line', title: 'Mine' });
  });

  it('tells a change of the data from a change of the drawing only', () => {
    const base = dataKey(BARS);
    expect(dataKey({ ...setText(BARS, 'title', 'T'), y: { ...BARS.y!, label: 'Total', scale: 'log' } })).toBe(base);
    expect(dataKey(parseChartSpec(serializeChartSpec(BARS)))).toBe(base);
    expect(dataKey(setSort(BARS, 'label-asc'))).not.toBe(base);
    expect(dataKey(changeMark(BARS, 'dot', COLUMNS))).not.toBe(base);
  });
});

describe('writing the spec text', () => {
  it('replaces only the span that changed', () => {
    const before = serializeChartSpec(BARS);
    const after = serializeChartSpec({ ...BARS, mark: 'dot' });
    const edit = minimalEdit(before, after)!;
    expect(edit.insert).toBe('dot');
    expect(edit.remove).toBe(3);
    expect(before.slice(0, edit.from) + edit.insert + before.slice(edit.from + edit.remove)).toBe(after);
    expect(minimalEdit(after, after)).toBeNull();
    const grow = minimalEdit('aaa', 'aaaa')!;
    expect('aaa'.slice(0, grow.from) + grow.insert + 'aaa'.slice(grow.from + grow.remove)).toBe('aaaa');
  });
});

describe('the server\'s chart answers', () => {
  it('reads the X-Carnet-Chart header and the fields of an error', () => {
    const header = encodeURIComponent(JSON.stringify({ chartKind: 'aggregate', note: 'n per x', columns: [{ name: 'a', type: 'INTEGER' }, { bad: 1 }] }));
    expect(parseChartMeta(header)).toEqual({ chartKind: 'aggregate', note: 'n per x', columns: [{ name: 'a', type: 'INTEGER' }] });
    expect(parseChartMeta('%%%')).toBeNull();
    expect(parseChartMeta(null)).toBeNull();
    expect(parseFieldProblems({ error: { message: 'm', fields: [{ field: 'x', message: 'x: no' }, 'junk'] } })).toEqual([{ field: 'x', message: 'x: no' }]);
  });

  it('finds the options named in a message when no fields came with it', () => {
    expect(fieldsInMessage('x: column "nope" no longer exists in "q"; map.lon: choose the column')).toEqual([
      { field: 'x', message: 'x: column "nope" no longer exists in "q"' },
      { field: 'map.lon', message: 'map.lon: choose the column' },
    ]);
    expect(fieldsInMessage('chart: line 3: y.aggregate: unknown aggregate "avg"')[0]?.field).toBe('y');
    expect(fieldsInMessage('chart source "q": Binder Error')).toEqual([]);
  });
});

describe('charts follow a renamed source', () => {
  it('points the chart at the new name, and leaves other charts alone', () => {
    const text = serializeChartSpec({ ...BARS, source: 'Suspects', title: 'source: suspects' });
    expect(chartSourceOf(text)?.name).toBe('Suspects');
    const edit = renameChartSource(text, 'suspects', 'ring')!;
    const renamed = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
    expect(parseChartSpec(renamed)).toMatchObject({ source: 'ring', title: 'source: suspects' });
    expect(renameChartSource(text, 'other', 'ring')).toBeNull();
    expect(renameChartSource('{ not json', 'a', 'b')).toBeNull();
  });
});

describe('names', () => {
  it('gives a free result name', () => {
    expect(freeResultName([])).toBe('result_1');
    expect(freeResultName(['Result_1', 'result_2', 'query_1'])).toBe('result_3');
  });

  it('names export files after the title', () => {
    expect(chartFileName('Appels par jour — été', 'chart-q', 'svg')).toBe('appels-par-jour-ete.svg');
    expect(chartFileName(undefined, 'chart-q', 'png')).toBe('chart-q.png');
    expect(chartFileName('???', 'chart-q', 'png')).toBe('chart-q.png');
  });

  it('shortens types for the column pickers', () => {
    expect(shortType('DECIMAL(14,2)')).toBe('DECIMAL');
    expect(shortType('TIMESTAMP WITH TIME ZONE')).toBe('TIMESTAMPTZ');
    expect(shortType("ENUM('a', 'b')")).toBe('ENUM');
  });
});
