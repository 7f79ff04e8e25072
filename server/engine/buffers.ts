/**
 * Growable buffers for building Arrow columns from DuckDB vectors without per-value JS objects.
 * Memory grows by doubling; `take*` hands the filled part over and starts again.
 */

/** Bytes appended at the end; the backing ArrayBuffer is fresh, so typed views on it are aligned. */
export class ByteBuffer {
  private bytes = new Uint8Array(1024);
  length = 0;

  /** Makes room for `extra` more bytes and returns the backing array (valid until the next call). */
  reserve(extra: number): Uint8Array {
    const needed = this.length + extra;
    if (needed > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < needed) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }

  append(source: Uint8Array): void {
    this.reserve(source.length).set(source, this.length);
    this.length += source.length;
  }

  /** The filled bytes (a view from offset 0 of a fresh ArrayBuffer, not a copy); starts a new buffer. */
  take(): Uint8Array {
    const out = this.bytes.subarray(0, this.length);
    this.bytes = new Uint8Array(1024);
    this.length = 0;
    return out;
  }
}

/** Growable Int32 offsets for Arrow variable-size layouts (Utf8, Binary, List); starts at [0]. */
export class OffsetBuffer {
  private values = new Int32Array(1024);
  private count = 1;

  get last(): number {
    return this.values[this.count - 1] ?? 0;
  }

  push(end: number): void {
    if (end > 0x7fffffff) throw new Error('result column too large for one Arrow batch (over 2 GiB)');
    if (this.count === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = end;
  }

  /** The offsets as a view (no copy); starts a new buffer. */
  take(): Int32Array {
    const out = this.values.subarray(0, this.count);
    this.values = new Int32Array(1024);
    this.count = 1;
    return out;
  }
}

const POPCOUNT = new Uint8Array(256).map((_, byte) => {
  let bits = 0;
  for (let value = byte; value > 0; value >>= 1) bits += value & 1;
  return bits;
});

/**
 * An Arrow validity bitmap (LSB first, 1 = valid). DuckDB's validity mask is a little-endian uint64
 * bitmask with the same bit order, so whole bytes copy across when both sides are byte-aligned.
 */
export class ValidityBuffer {
  private bits = new Uint8Array(256);
  length = 0;
  nullCount = 0;

  /**
   * Appends rows [from, from + count) of a DuckDB validity mask; `mask` null means all valid.
   */
  appendMask(mask: Uint8Array | null, from: number, count: number): void {
    this.ensure(count);
    if (mask === null) {
      this.setRange(count);
      return;
    }
    if ((from & 7) === 0 && (this.length & 7) === 0) {
      const first = from >> 3;
      const whole = count >> 3;
      this.bits.set(mask.subarray(first, first + whole), this.length >> 3);
      let valid = 0;
      for (let i = 0; i < whole; i++) valid += POPCOUNT[mask[first + i] ?? 0] ?? 0;
      this.nullCount += whole * 8 - valid;
      this.length += whole * 8;
      from += whole * 8;
      count -= whole * 8;
    }
    for (let i = 0; i < count; i++) {
      const row = from + i;
      this.push((((mask[row >> 3] ?? 0) >> (row & 7)) & 1) === 1);
    }
  }

  /** Appends one validity bit. */
  push(valid: boolean): void {
    this.ensure(1);
    const index = this.length >> 3;
    const bit = 1 << (this.length & 7);
    if (valid) this.bits[index] = (this.bits[index] ?? 0) | bit;
    else {
      this.bits[index] = (this.bits[index] ?? 0) & ~bit;
      this.nullCount++;
    }
    this.length++;
  }

  /** The bitmap, or undefined when every row is valid (Arrow then needs none); resets. */
  take(): Uint8Array | undefined {
    const out = this.nullCount > 0 ? this.bits.slice(0, (this.length + 7) >> 3) : undefined;
    this.length = 0;
    this.nullCount = 0;
    return out;
  }

  /** The bits as they are, nulls or not (a Bool column's values); resets. */
  takeBits(): Uint8Array {
    const out = this.bits.slice(0, (this.length + 7) >> 3);
    this.length = 0;
    this.nullCount = 0;
    return out;
  }

  private setRange(count: number): void {
    for (let i = 0; i < count; i++) {
      if ((this.length & 7) === 0 && count - i >= 8) {
        const bytes = (count - i) >> 3;
        this.bits.fill(0xff, this.length >> 3, (this.length >> 3) + bytes);
        this.length += bytes * 8;
        i += bytes * 8 - 1;
        continue;
      }
      this.push(true);
    }
  }

  private ensure(extra: number): void {
    const needed = (this.length + extra + 7) >> 3;
    if (needed <= this.bits.length) return;
    let size = this.bits.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bits);
    this.bits = grown;
  }
}

/** Bit `row` of a DuckDB validity mask (null mask: every row valid). */
export function isValid(mask: Uint8Array | null, row: number): boolean {
  return mask === null || (((mask[row >> 3] ?? 0) >> (row & 7)) & 1) === 1;
}
