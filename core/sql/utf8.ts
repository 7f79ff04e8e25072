/**
 * DuckDB reports error positions (`query_location`) as byte offsets into the UTF-8 SQL,
 * while JavaScript strings index UTF-16 code units. Measured: in `SELECT 'ééé', nope` DuckDB
 * places `nope` at 17, where JavaScript has it at 14.
 */

/** The string index in `text` of UTF-8 byte offset `byteOffset` (clamped to the text). */
export function utf8OffsetToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    i += code >= 0x10000 ? 2 : 1;
  }
  return i;
}
