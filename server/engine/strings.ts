/** Builders for string-like DuckDB types: VARCHAR and BLOB as bytes, rare types as their text. */
import duckdb from '@duckdb/node-bindings';
import { DuckDBVector, type DuckDBType } from '@duckdb/node-api';
import { Utf8, makeData, type Binary, type Data } from 'apache-arrow';
import { ByteBuffer, OffsetBuffer, ValidityBuffer, isValid } from './buffers.js';
import { validityMask, vectorBytes, words, type ColumnBuilder } from './column.js';

const pointerBuffer = new ArrayBuffer(8);
const pointerWords = new Uint32Array(pointerBuffer);
/** Two strings closer than this lie on the same or adjacent memory pages (see StringBuilder). */
const SAME_REGION_GAP = 4000;

/**
 * VARCHAR and BLOB: copies each value's bytes into one Arrow data buffer, without decoding.
 *
 * DuckDB's string_t is 16 bytes: a length, then either the bytes inline (≤ 12) or a prefix and a
 * pointer. Fetching a pointed-to string costs one native call (~0.7 µs), so strings that lie close
 * together in DuckDB's memory are fetched as one region. Safety of reading a region: each string is
 * valid memory, and two strings less than a page (4 KiB) apart lie on the same or adjacent pages,
 * so every byte between them is on a mapped page.
 */
export class StringBuilder implements ColumnBuilder {
  private readonly bytes = new ByteBuffer();
  private readonly offsets = new OffsetBuffer();
  private readonly validity = new ValidityBuffer();

  constructor(
    readonly duckdbType: string,
    readonly arrowType: Utf8 | Binary,
  ) {}

  append(vector: duckdb.Vector, from: number, count: number): void {
    const mask = validityMask(vector, from + count);
    const raw = vectorBytes(vector, (from + count) * 16);
    const w = words(raw);
    const end = from + count;
    let row = from;
    while (row < end) {
      const length = w[row * 4]!;
      if (!isValid(mask, row) || length <= 12) {
        this.pushInline(raw, row, isValid(mask, row) ? length : 0);
        row++;
        continue;
      }
      // A region of pointed-to strings, extended while the next one lies within reach.
      const low = w[row * 4 + 2]! + w[row * 4 + 3]! * 4294967296;
      let high = low + length;
      let last = row + 1;
      for (; last < end; last++) {
        const nextLength = w[last * 4]!;
        if (!isValid(mask, last) || nextLength <= 12) continue;
        const at = w[last * 4 + 2]! + w[last * 4 + 3]! * 4294967296;
        if (at < low || at > high + SAME_REGION_GAP) break;
        high = Math.max(high, at + nextLength);
      }
      pointerWords[0] = low % 4294967296;
      pointerWords[1] = Math.floor(low / 4294967296);
      const region = duckdb.get_data_from_pointer(pointerBuffer, 0, high - low);
      // Strings usually follow each other in memory: copy each unbroken stretch at once.
      let copyFrom = 0;
      let copyTo = 0;
      for (; row < last; row++) {
        const size = isValid(mask, row) ? w[row * 4]! : 0;
        if (size <= 12) {
          this.bytes.append(region.subarray(copyFrom, copyTo));
          copyFrom = copyTo;
          this.pushInline(raw, row, size);
          continue;
        }
        const at = w[row * 4 + 2]! + w[row * 4 + 3]! * 4294967296 - low;
        if (at !== copyTo) {
          this.bytes.append(region.subarray(copyFrom, copyTo));
          copyFrom = at;
        }
        copyTo = at + size;
        this.offsets.push(this.bytes.length + (copyTo - copyFrom));
      }
      this.bytes.append(region.subarray(copyFrom, copyTo));
    }
    this.validity.appendMask(mask, from, count);
  }

  private pushInline(raw: Uint8Array, row: number, length: number): void {
    const target = this.bytes.reserve(length);
    const start = row * 16 + 4;
    for (let k = 0; k < length; k++) target[this.bytes.length + k] = raw[start + k]!;
    this.bytes.length += length;
    this.offsets.push(this.bytes.length);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({
      type: this.arrowType,
      length,
      nullBitmap,
      valueOffsets: this.offsets.take(),
      data: this.bytes.take(),
    } as never);
  }
}

/** Types shown as text: each value rendered by @duckdb/node-api (rare types, so per-value is fine). */
export class TextBuilder implements ColumnBuilder {
  readonly arrowType = new Utf8();
  private readonly bytes = new ByteBuffer();
  private readonly offsets = new OffsetBuffer();
  private readonly validity = new ValidityBuffer();
  private readonly encoder = new TextEncoder();

  constructor(
    readonly duckdbType: string,
    private readonly type: DuckDBType,
  ) {}

  append(vector: duckdb.Vector, from: number, count: number): void {
    const values = DuckDBVector.create(vector, from + count, this.type);
    for (let row = from; row < from + count; row++) {
      const value = values.getItem(row);
      this.validity.push(value !== null);
      if (value !== null) {
        const text = String(value);
        const target = this.bytes.reserve(text.length * 3);
        const { written } = this.encoder.encodeInto(text, target.subarray(this.bytes.length));
        this.bytes.length += written;
      }
      this.offsets.push(this.bytes.length);
    }
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({ type: this.arrowType, length, nullBitmap, valueOffsets: this.offsets.take(), data: this.bytes.take() });
  }
}

