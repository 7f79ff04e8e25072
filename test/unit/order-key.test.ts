import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOrderKey, jitteredKeyBetween, keyBetween, keysBetween } from '../../core/notebook/order-key.js';
import { integerKey } from '../../core/notebook/ydoc.js';

/** A seeded [0, 1) generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('order keys', () => {
  it('always find a valid key strictly between two neighbours, wherever one inserts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 300 }), fc.integer(), (steps, seed) => {
        const random = prng(seed);
        const keys: string[] = [];
        for (const [n, jitter] of steps) {
          const at = n % (keys.length + 1);
          const lower = keys[at - 1] ?? null;
          const upper = keys[at] ?? null;
          const key = jitter ? jitteredKeyBetween(lower, upper, random) : keyBetween(lower, upper);
          expect(isOrderKey(key)).toBe(true);
          if (lower !== null) expect(key > lower).toBe(true);
          if (upper !== null) expect(key < upper).toBe(true);
          keys.splice(at, 0, key);
        }
      }),
      { seed: 21, numRuns: 200 },
    );
  });

  it('stay short when cells are appended or prepended one by one', () => {
    let last: string | null = null;
    let first: string | null = null;
    for (let i = 0; i < 1000; i++) {
      last = keyBetween(last, null);
      first = keyBetween(null, first);
    }
    expect(last!.length).toBeLessThanOrEqual(3);
    expect(first!.length).toBeLessThanOrEqual(3);
  });

  it('grow slowly when people keep inserting at the same place', () => {
    let lower = keyBetween(null, null);
    const upper = keyBetween(lower, null);
    for (let i = 0; i < 200; i++) lower = keyBetween(lower, upper);
    // Each insert just above the last one adds at most a character every few steps.
    expect(lower.length).toBeLessThan(50);
  });

  it('hand out n increasing keys between two bounds', () => {
    for (const [a, b] of [[null, null], ['a0', null], [null, 'a5'], ['a0', 'a1'], ['a0V', 'a0W']] as const) {
      const keys = keysBetween(a, b, 100);
      expect(keys).toHaveLength(100);
      expect([...keys].sort()).toStrictEqual(keys);
      expect(new Set(keys).size).toBe(100);
      if (a) expect(keys[0]! > a).toBe(true);
      if (b) expect(keys[99]! < b).toBe(true);
    }
  });

  it('number unpositioned cells exactly as keysBetween would', () => {
    const keys = keysBetween(null, null, 4000);
    keys.forEach((key, i) => expect(integerKey(i)).toBe(key));
  });

  it('refuse bounds that are not keys or not in order', () => {
    expect(() => keyBetween('a1', 'a0')).toThrow(/not below/);
    expect(() => keyBetween('a1', 'a1')).toThrow(/not below/);
    expect(() => keyBetween('!', null)).toThrow(/invalid order key/);
    expect(isOrderKey('a10')).toBe(false); // a fraction ending in 0
    expect(isOrderKey('b0')).toBe(false); // integer part too short
    expect(isOrderKey(42)).toBe(false);
  });
});
