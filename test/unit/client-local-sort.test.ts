/**
 * A reader's sort (client/results/local-sort.ts): the order of a whole stored result by one
 * column, as the server's `ORDER BY … NULLS LAST` would give it, stable for equal values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Table, vectorFromArray, Utf8, Float64, Bool, Int64 } from 'apache-arrow';
import { compareKeys, sortedOrder } from '../../client/results/local-sort.js';

const table = () =>
  new Table({
    id: vectorFromArray([1, 2, 3, 4, 5], new Float64()),
    name: vectorFromArray(['b', null, 'B', 'a', 'b'], new Utf8()),
    score: vectorFromArray([2.5, Number.NaN, null, -1, 10], new Float64()),
    ok: vectorFromArray([true, false, null, true, false], new Bool()),
    big: vectorFromArray([9007199254740993n, 1n, -5n, null, 9007199254740992n], new Int64()),
  });
const ids = (t: Table, order: Uint32Array) => Array.from(order, (r) => t.getChild('id')!.get(r) as number);

describe('sorting a result in the browser', () => {
  it('sorts strings by code point (as DuckDB does), nulls last in both directions, ties in their order', () => {
    const t = table();
    expect(ids(t, sortedOrder(t, 1, false))).toEqual([3, 4, 1, 5, 2]);
    expect(ids(t, sortedOrder(t, 1, true))).toEqual([1, 5, 4, 3, 2]);
  });

  it('sorts numbers with NaN after every number and null after NaN', () => {
    const t = table();
    expect(ids(t, sortedOrder(t, 2, false))).toEqual([4, 1, 5, 2, 3]);
    expect(ids(t, sortedOrder(t, 2, true))).toEqual([2, 5, 1, 4, 3]);
  });

  it('sorts booleans false first and 64-bit integers exactly', () => {
    const t = table();
    expect(ids(t, sortedOrder(t, 3, false))).toEqual([2, 5, 1, 4, 3]);
    expect(ids(t, sortedOrder(t, 4, false))).toEqual([3, 2, 5, 1, 4]);
  });

  it('gives a permutation in non-decreasing order for any integers', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), { maxLength: 60 }), fc.boolean(), (values, desc) => {
        const withNulls = new Table({ v: vectorFromArray(values, new Float64()) });
        const order = sortedOrder(withNulls, 0, desc);
        expect([...order].sort((a, b) => a - b)).toEqual(values.map((_, i) => i));
        const shown: (number | null)[] = Array.from(order, (r) => values[r] ?? null);
        const firstNull = shown.indexOf(null);
        if (firstNull >= 0) expect(shown.slice(firstNull).every((v) => v === null)).toBe(true);
        const numbers = shown.filter((v): v is number => v !== null);
        for (let i = 1; i < numbers.length; i++) expect(desc ? numbers[i - 1]! >= numbers[i]! : numbers[i - 1]! <= numbers[i]!).toBe(true);
      }),
      { seed: 6, numRuns: 200 },
    );
  });

  it('compares byte strings byte by byte', () => {
    expect(compareKeys(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBeLessThan(0);
    expect(compareKeys(Uint8Array.of(1, 2), Uint8Array.of(1))).toBeGreaterThan(0);
  });
});
