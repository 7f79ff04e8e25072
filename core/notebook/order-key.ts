/**
 * Fractional order keys: strings that sort (by plain code-unit comparison) in the order of
 * the cells, so that putting a cell between two others is writing one key between theirs.
 * Nothing else moves, which is what makes concurrent moves converge in a CRDT.
 *
 * A key is an integer part and a fraction, in base 62 (0-9, A-Z, a-z: ASCII order). The
 * integer part's first character gives its length ("a" = 2 characters, "b" = 3, … and
 * "Z" = 2, "Y" = 3, … for negative numbers), so appending at the end mostly increments the
 * integer and keys stay short; the fraction never ends in "0", so there is always room
 * between two keys. This is the scheme of rocicorp's fractional-indexing, written anew.
 * Pure functions.
 */

export const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ZERO = DIGITS[0]!;
const SMALLEST_INTEGER = 'A' + ZERO.repeat(26);

function integerLength(head: string): number {
  if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 97 + 2;
  if (head >= 'A' && head <= 'Z') return 90 - head.charCodeAt(0) + 2;
  return 0;
}

/** True when `key` is a well-formed order key (anything else must be repaired, not used as a bound). */
export function isOrderKey(key: unknown): key is string {
  if (typeof key !== 'string' || key === '' || key === SMALLEST_INTEGER) return false;
  const length = integerLength(key[0]!);
  if (length === 0 || length > key.length) return false;
  for (const c of key) if (!DIGITS.includes(c)) return false;
  return !key.slice(length).endsWith(ZERO);
}

function splitKey(key: string): [string, string] {
  const length = integerLength(key[0]!);
  return [key.slice(0, length), key.slice(length)];
}

/** A fraction strictly between fractions `a` and `b` (b null = 1); neither ends in "0". */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let n = 0;
    while ((a[n] ?? ZERO) === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const digitA = a === '' ? 0 : DIGITS.indexOf(a[0]!);
  const digitB = b === null ? DIGITS.length : DIGITS.indexOf(b[0]!);
  if (digitB - digitA > 1) return DIGITS[Math.round((digitA + digitB) / 2)]!;
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return DIGITS[digitA]! + midpoint(a.slice(1), null);
}

function incrementInteger(x: string): string | null {
  const head = x[0]!;
  const digits = x.slice(1).split('');
  let carry = true;
  for (let i = digits.length - 1; carry && i >= 0; i--) {
    const d = DIGITS.indexOf(digits[i]!) + 1;
    if (d === DIGITS.length) digits[i] = ZERO;
    else {
      digits[i] = DIGITS[d]!;
      carry = false;
    }
  }
  if (!carry) return head + digits.join('');
  if (head === 'Z') return 'a' + ZERO;
  if (head === 'z') return null;
  const next = String.fromCharCode(head.charCodeAt(0) + 1);
  if (next > 'a') digits.push(ZERO);
  else digits.pop();
  return next + digits.join('');
}

function decrementInteger(x: string): string | null {
  const head = x[0]!;
  const digits = x.slice(1).split('');
  let borrow = true;
  for (let i = digits.length - 1; borrow && i >= 0; i--) {
    const d = DIGITS.indexOf(digits[i]!) - 1;
    if (d === -1) digits[i] = DIGITS[DIGITS.length - 1]!;
    else {
      digits[i] = DIGITS[d]!;
      borrow = false;
    }
  }
  if (!borrow) return head + digits.join('');
  if (head === 'a') return 'Z' + DIGITS[DIGITS.length - 1]!;
  if (head === 'A') return null;
  const next = String.fromCharCode(head.charCodeAt(0) - 1);
  if (next < 'Z') digits.push(DIGITS[DIGITS.length - 1]!);
  else digits.pop();
  return next + digits.join('');
}

/**
 * A key strictly between `a` and `b` (null: no bound on that side). Throws when a bound is
 * not an order key or `a >= b`: callers repair such neighbours first (see ydoc.ts).
 */
export function keyBetween(a: string | null, b: string | null): string {
  if (a !== null && !isOrderKey(a)) throw new Error(`invalid order key ${JSON.stringify(a)}`);
  if (b !== null && !isOrderKey(b)) throw new Error(`invalid order key ${JSON.stringify(b)}`);
  if (a !== null && b !== null && a >= b) throw new Error(`order key ${JSON.stringify(a)} is not below ${JSON.stringify(b)}`);
  if (a === null) {
    if (b === null) return 'a' + ZERO;
    const [ib, fb] = splitKey(b);
    if (ib === SMALLEST_INTEGER) return ib + midpoint('', fb);
    if (ib < b) return ib;
    const lower = decrementInteger(ib);
    if (lower === null) throw new Error('no order key below the smallest one');
    return lower;
  }
  const [ia, fa] = splitKey(a);
  if (b === null) {
    const higher = incrementInteger(ia);
    return higher === null ? ia + midpoint(fa, null) : higher;
  }
  const [ib, fb] = splitKey(b);
  if (ia === ib) return ia + midpoint(fa, fb);
  const higher = incrementInteger(ia);
  if (higher === null) throw new Error('no order key above the largest one');
  return higher < b ? higher : ia + midpoint(fa, null);
}

/**
 * `n` increasing keys strictly between `a` and `b`, spread so that later inserts anywhere
 * among them stay short (used to number a whole list at once).
 */
export function keysBetween(a: string | null, b: string | null, n: number): string[] {
  if (n <= 0) return [];
  if (n === 1) return [keyBetween(a, b)];
  if (b === null) {
    const out: string[] = [];
    let previous = a;
    for (let i = 0; i < n; i++) out.push((previous = keyBetween(previous, null)));
    return out;
  }
  if (a === null) {
    const out: string[] = [];
    let next = b;
    for (let i = 0; i < n; i++) out.push((next = keyBetween(null, next)));
    return out.reverse();
  }
  const half = Math.floor(n / 2);
  const middle = keyBetween(a, b);
  return [...keysBetween(a, middle, half), middle, ...keysBetween(middle, b, n - half - 1)];
}

/**
 * A key between `a` and `b` with random digits appended, so that two people inserting at
 * the same place at the same time almost never pick the same key. `random` returns [0, 1).
 */
export function jitteredKeyBetween(a: string | null, b: string | null, random: () => number): string {
  const key = keyBetween(a, b);
  let suffix = '';
  for (let i = 0; i < 3; i++) suffix += DIGITS[Math.floor(random() * DIGITS.length) % DIGITS.length]!;
  // A fraction never ends in "0"; and the key plus suffix must stay below b.
  const jittered = key + suffix.replace(/0+$/, '') + (suffix.endsWith(ZERO) ? '1' : '');
  return isOrderKey(jittered) && (b === null || jittered < b) ? jittered : key;
}
