/**
 * A minimal zip writer: stored (uncompressed) entries, UTF-8 names, one fixed time. Enough
 * for a Markdown briefing and its SVG figures, which every unzip tool opens; no package here
 * writes zips, and this is the whole format for that case (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16).
 */
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, relative. */
  name: string;
  data: Uint8Array | string;
}

const LIMIT = 0xffff_ffff;

/** The zip archive of `entries`, every entry dated `time` (UTC). */
export function zipStore(entries: readonly ZipEntry[], time: Date): Uint8Array {
  if (entries.length >= 0xffff) throw new Error(`zip: ${entries.length} entries is more than this writer supports (65,534)`);
  const { dosTime, dosDate } = dosDateTime(time);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.name === '' || entry.name.startsWith('/') || entry.name.split('/').includes('..')) throw new Error(`zip: bad entry name "${entry.name}"`);
    const name = Buffer.from(entry.name, 'utf8');
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    if (data.length > LIMIT || offset > LIMIT) throw new Error(`zip: "${entry.name}" is past the 4 GB this writer supports`);
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed: stored
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal attributes: 0
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  if (offset > LIMIT) throw new Error('zip: the archive is past the 4 GB this writer supports');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** MS-DOS date and time fields (2-second resolution, years 1980–2107). */
function dosDateTime(t: Date): { dosTime: number; dosDate: number } {
  const year = Math.min(Math.max(t.getUTCFullYear(), 1980), 2107);
  return {
    dosTime: (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | Math.floor(t.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(),
  };
}
