/**
 * A short, stable fingerprint of a cell's source (FNV-1a, 32 bits, over UTF-8).
 * Run records keep the fingerprints of the cells that fed a run, so any client
 * can tell a stale result without asking the server. Not a security hash.
 */
export function sourceHash(source: string): string {
  const bytes = new TextEncoder().encode(source);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
