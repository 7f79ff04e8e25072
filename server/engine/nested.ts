/** Builders for nested DuckDB types: LIST, ARRAY and STRUCT, over builders of their children. */
import duckdb from '@duckdb/node-bindings';
import { FixedSizeList, List, Struct, makeData, type Data } from 'apache-arrow';
import { OffsetBuffer, ValidityBuffer, isValid } from './buffers.js';
import { arrowField, validityMask, vectorBytes, words, type ColumnBuilder } from './column.js';

export class ListBuilder implements ColumnBuilder {
  readonly arrowType: List;
  private readonly offsets = new OffsetBuffer();
  private readonly validity = new ValidityBuffer();

  constructor(
    readonly duckdbType: string,
    private readonly child: ColumnBuilder,
  ) {
    this.arrowType = new List(arrowField('item', child));
  }

  append(vector: duckdb.Vector, from: number, count: number): void {
    const mask = validityMask(vector, from + count);
    const entries = words(vectorBytes(vector, (from + count) * 16));
    const childVector = duckdb.list_vector_get_child(vector);
    // Consecutive rows usually point at consecutive child ranges: append those in one go.
    let pendingStart = 0;
    let pendingEnd = 0;
    for (let row = from; row < from + count; row++) {
      if (isValid(mask, row)) {
        const offset = entries[row * 4]! + entries[row * 4 + 1]! * 4294967296;
        const length = entries[row * 4 + 2]! + entries[row * 4 + 3]! * 4294967296;
        if (offset !== pendingEnd) {
          if (pendingEnd > pendingStart) this.child.append(childVector, pendingStart, pendingEnd - pendingStart);
          pendingStart = offset;
        }
        pendingEnd = offset + length;
        this.offsets.push(this.offsets.last + length);
      } else {
        this.offsets.push(this.offsets.last);
      }
    }
    if (pendingEnd > pendingStart) this.child.append(childVector, pendingStart, pendingEnd - pendingStart);
    this.validity.appendMask(mask, from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({
      type: this.arrowType,
      length,
      nullBitmap,
      valueOffsets: this.offsets.take(),
      child: this.child.finish(),
    });
  }
}

export class FixedSizeListBuilder implements ColumnBuilder {
  readonly arrowType: FixedSizeList;
  private readonly validity = new ValidityBuffer();

  constructor(
    readonly duckdbType: string,
    private readonly child: ColumnBuilder,
    private readonly size: number,
  ) {
    this.arrowType = new FixedSizeList(size, arrowField('item', child));
  }

  append(vector: duckdb.Vector, from: number, count: number): void {
    this.child.append(duckdb.array_vector_get_child(vector), from * this.size, count * this.size);
    this.validity.appendMask(validityMask(vector, from + count), from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({ type: this.arrowType, length, nullBitmap, child: this.child.finish() });
  }
}

export class StructBuilder implements ColumnBuilder {
  readonly arrowType: Struct;
  private readonly validity = new ValidityBuffer();

  constructor(
    readonly duckdbType: string,
    names: readonly string[],
    private readonly children: ColumnBuilder[],
  ) {
    this.arrowType = new Struct(children.map((child, i) => arrowField(names[i] ?? `f${i}`, child)));
  }

  append(vector: duckdb.Vector, from: number, count: number): void {
    this.children.forEach((child, i) => child.append(duckdb.struct_vector_get_child(vector, i), from, count));
    this.validity.appendMask(validityMask(vector, from + count), from, count);
  }

  finish(): Data {
    const length = this.validity.length;
    const nullBitmap = this.validity.take();
    return makeData({ type: this.arrowType, length, nullBitmap, children: this.children.map((c) => c.finish()) });
  }
}

