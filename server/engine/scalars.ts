/** Builders for fixed-width DuckDB types: numbers, dates and times, BOOLEAN, HUGEINT, DECIMAL, NULL. */
import duckdb from '@duckdb/node-bindings';
import type { DuckDBDecimalType } from '@duckdb/node-api';
import { Bool, Decimal, Float64, Null, makeData, type Data, type DataType } from 'apache-arrow';
import { ByteBuffer, ValidityBuffer } from './buffers.js';
import { validityMask, vectorBytes, words, type ColumnBuilder } from './column.js';

export class FixedBuilder implements ColumnBuilder {
  private readonly values = new ByteBuffer();
  private readonly validity = new ValidityBuffer();

  constructor(
    readonly duckdbType: string,
    readonly arrowType: DataType,
    private readonly width: number,
  ) {}

  append(vector: duckdb.Vector, from: number, count: number): void {
    const bytes = vectorBytes(vector, (from + count) * this.width);
    this.values.append(bytes.subarray(from * this.width, (from + count) * this.width));
    this.validity.appendMask(validityMask(vector, from + count), from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    const bytes = this.values.take();
    const ArrayType = (this.arrowType as DataType & { ArrayType: TypedArrayConstructor }).ArrayType;
    const data = new ArrayType(bytes.buffer, 0, length);
    return makeData({ type: this.arrowType, length, nullBitmap, data } as never);
  }
}

type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayLike<unknown>;

export class BoolBuilder implements ColumnBuilder {
  readonly arrowType = new Bool();
  private readonly values = new ValidityBuffer();
  private readonly validity = new ValidityBuffer();

  constructor(readonly duckdbType: string) {
    if (duckdb.sizeof_bool !== 1) throw new Error(`unsupported DuckDB bool size ${duckdb.sizeof_bool}`);
  }

  append(vector: duckdb.Vector, from: number, count: number): void {
    const bytes = vectorBytes(vector, from + count);
    for (let i = from; i < from + count; i++) this.values.push(bytes[i] !== 0);
    this.validity.appendMask(validityMask(vector, from + count), from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({ type: this.arrowType, length, nullBitmap, data: this.values.takeBits() });
  }
}

/** HUGEINT / UHUGEINT as the nearest double (exact up to 2^53). */
export class HugeIntBuilder implements ColumnBuilder {
  readonly arrowType = new Float64();
  private values: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private readonly validity = new ValidityBuffer();

  constructor(
    readonly duckdbType: string,
    private readonly signed: boolean,
  ) {}

  append(vector: duckdb.Vector, from: number, count: number): void {
    const w = words(vectorBytes(vector, (from + count) * 16));
    const start = this.validity.length;
    if (start + count > this.values.length) this.values = grow(this.values, start + count);
    for (let i = 0; i < count; i++) {
      const k = (from + i) * 4;
      this.values[start + i] = int128ToNumber(w[k]!, w[k + 1]!, w[k + 2]!, w[k + 3]!, this.signed);
    }
    this.validity.appendMask(validityMask(vector, from + count), from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({ type: this.arrowType, length, nullBitmap, data: this.values.slice(0, length) });
  }
}

/**
 * A 128-bit integer (four little-endian words) as the nearest double. Negative values are negated
 * first: adding -2^127-scale high words to the low ones would cancel and lose small values (-5 → 0).
 */
function int128ToNumber(w0: number, w1: number, w2: number, w3: number, signed: boolean): number {
  if (!signed || w3 < 0x80000000) return ((w3 * 4294967296 + w2) * 4294967296 + w1) * 4294967296 + w0;
  // Two's complement: invert and add one, carrying through the words.
  let carry = 1;
  const magnitude = [w0, w1, w2, w3].map((word) => {
    const sum = (~word >>> 0) + carry;
    carry = sum > 0xffffffff ? 1 : 0;
    return sum >>> 0;
  });
  const [m0, m1, m2, m3] = magnitude as [number, number, number, number];
  return -(((m3 * 4294967296 + m2) * 4294967296 + m1) * 4294967296 + m0);
}

function grow(values: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> {
  let size = values.length * 2;
  while (size < needed) size *= 2;
  const grown = new Float64Array(size);
  grown.set(values);
  return grown;
}

/** DECIMAL as Arrow Decimal128: DuckDB's int16/32/64/128 storage sign-extended to four words. */
export class DecimalBuilder implements ColumnBuilder {
  readonly arrowType: Decimal;
  private readonly values = new ByteBuffer();
  private readonly validity = new ValidityBuffer();
  private readonly storageBytes: number;

  constructor(
    readonly duckdbType: string,
    type: DuckDBDecimalType,
  ) {
    this.arrowType = new Decimal(type.scale, type.width, 128);
    this.storageBytes = type.width <= 4 ? 2 : type.width <= 9 ? 4 : type.width <= 18 ? 8 : 16;
  }

  append(vector: duckdb.Vector, from: number, count: number): void {
    const size = this.storageBytes;
    const bytes = vectorBytes(vector, (from + count) * size).subarray(from * size, (from + count) * size);
    const target = this.values.reserve(count * 16);
    const out = new DataView(target.buffer, this.values.length, count * 16);
    if (size === 16) {
      target.set(bytes, this.values.length);
    } else {
      const source = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) {
        // Two's complement, little-endian: the low word(s) from DuckDB, the rest sign fill.
        let low: number;
        let second: number;
        if (size === 8) {
          low = source.getUint32(i * 8, true);
          second = source.getInt32(i * 8 + 4, true);
        } else {
          low = size === 2 ? source.getInt16(i * 2, true) : source.getInt32(i * 4, true);
          second = low < 0 ? -1 : 0;
        }
        const fill = second < 0 ? 0xffffffff : 0;
        out.setUint32(i * 16, low >>> 0, true);
        out.setUint32(i * 16 + 4, second >>> 0, true);
        out.setUint32(i * 16 + 8, fill, true);
        out.setUint32(i * 16 + 12, fill, true);
      }
    }
    this.values.length += count * 16;
    this.validity.appendMask(validityMask(vector, from + count), from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    const bytes = this.values.take();
    return makeData({ type: this.arrowType, length, nullBitmap, data: new Uint32Array(bytes.buffer, 0, length * 4) });
  }
}


export class NullBuilder implements ColumnBuilder {
  readonly arrowType = new Null();
  private length = 0;

  constructor(readonly duckdbType: string) {}

  append(_vector: duckdb.Vector, _from: number, count: number): void {
    this.length += count;
  }

  finish(): Data {
    const length = this.length;
    this.length = 0;
    return makeData({ type: this.arrowType, length });
  }
}
