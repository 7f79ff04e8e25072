import { describe, expect, it } from 'vitest';
import { Bool, DateDay, Decimal, Field, Float64, Int32, Int64, List, TimestampMicrosecond, Utf8, makeVector, vectorFromArray } from 'apache-arrow';
import { columnFormat, groupsDigits } from '../../client/results/format.js';
import { rowSummary } from '../../client/results/output-view.js';
import { columnWidth, visibleRange } from '../../client/results/result-table.js';

describe('result value formatting', () => {
  it('groups digits of quantities and right-aligns numbers', () => {
    const f = columnFormat(new Int64(), 'BIGINT', 'n');
    expect(f.align).toBe('right');
    expect(f.display(1234567n)).toBe('1,234,567');
    expect(f.raw(1234567n)).toBe('1234567');
  });

  it('does not group ids and years', () => {
    expect(groupsDigits('person_id')).toBe(false);
    expect(groupsDigits('birth_year')).toBe(false);
    expect(groupsDigits('id')).toBe(false);
    expect(groupsDigits('calls')).toBe(true);
    expect(columnFormat(new Int32(), 'INTEGER', 'birth_year').display(1979)).toBe('1979');
  });

  it('shows decimals exactly with their scale', () => {
    const vec = makeVector({ type: new Decimal(2, 18, 128), data: new Uint32Array([123456789, 0, 0, 0]), length: 1 });
    const f = columnFormat(vec.type, 'DECIMAL(18,2)', 'amount');
    expect(f.display(vec.get(0))).toBe('1,234,567.89');
    expect(f.raw(vec.get(0))).toBe('1234567.89');
  });

  it('shows dates readably and copies them as ISO', () => {
    const vec = vectorFromArray([new Date(Date.UTC(2024, 2, 5))], new DateDay());
    const f = columnFormat(vec.type, 'DATE', 'day');
    expect(f.display(vec.get(0))).toBe('Mar 5, 2024');
    expect(f.raw(vec.get(0))).toBe('2024-03-05');
  });

  it('shows timestamps as stored (no time zone shift)', () => {
    const vec = vectorFromArray([new Date(Date.UTC(2024, 2, 5, 14, 3, 22))], new TimestampMicrosecond());
    const f = columnFormat(vec.type, 'TIMESTAMP', 'at');
    expect(f.display(vec.get(0))).toBe('Mar 5, 2024, 14:03:22');
    expect(f.raw(vec.get(0))).toBe('2024-03-05 14:03:22');
  });

  it('formats floats, booleans, strings and lists', () => {
    expect(columnFormat(new Float64(), 'DOUBLE', 'avg').display(1234.5678)).toBe('1,234.57');
    expect(columnFormat(new Float64(), 'DOUBLE', 'x').display(0.00001234)).toBe('1.234E-5');
    expect(columnFormat(new Bool(), 'BOOLEAN', 'b').display(true)).toBe('true');
    expect(columnFormat(new Utf8(), 'VARCHAR', 's').align).toBe('left');
    const list = vectorFromArray([[1, 2]], new List(new Field('item', new Int32())));
    expect(columnFormat(list.type, 'INTEGER[]', 'l').display(list.get(0))).toBe('[1,2]');
  });
});

describe('result summary and grid geometry', () => {
  it('says how many rows and whether some are missing', () => {
    expect(rowSummary({ rowCount: 3, truncated: false, shown: 3 })).toBe('3 rows');
    expect(rowSummary({ rowCount: 1, truncated: false, shown: 1 })).toBe('1 row');
    expect(rowSummary({ rowCount: 0, truncated: false, shown: 0 })).toBe('No rows');
    expect(rowSummary({ rowCount: 100000, truncated: true, shown: 100000 })).toBe('first 100,000 rows (more not shown)');
    expect(rowSummary({ rowCount: 52000, truncated: false, shown: 1000 })).toBe('first 1,000 of 52,000 rows');
  });

  it('renders only the rows in view, whatever the row count', () => {
    const r = visibleRange(26 * 50_000, 14 * 26, 100_000);
    expect(r.start).toBe(50_000 - 8);
    expect(r.end - r.start).toBeLessThan(40);
    expect(visibleRange(0, 364, 5)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(1e9, 364, 100).end).toBe(100);
  });

  it('sizes columns from their longest text, within bounds', () => {
    expect(columnWidth(['a'])).toBe(72);
    expect(columnWidth(['x'.repeat(500)])).toBe(360);
  });
});
