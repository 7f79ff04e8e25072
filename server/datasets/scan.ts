/**
 * Finds the datasets in a data directory from the file system alone (readdir + stat, no
 * DuckDB): every `*.parquet` file directly inside, and every folder holding Parquet files at
 * any depth (hive partitions). Cheap enough to run on every listing.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { datasetNameProblem } from './name.js';

export type DatasetKind = 'file' | 'folder';

export interface ScannedFile {
  /** Path relative to the data directory, with `/` separators. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface ScannedDataset {
  name: string;
  kind: DatasetKind;
  /** Absolute path of the file or folder. */
  path: string;
  files: ScannedFile[];
  /** Content version: sha256 over (relative path, size, mtime) of its files. */
  version: string;
  /** Set when the entry cannot be a dataset (bad name, name clash, symbolic link). */
  problem?: string;
}

const PARQUET = /\.parquet$/i;

/** Our own temporary files (imports, demo generation) and anything hidden. */
export function isIgnoredEntry(name: string): boolean {
  return name.startsWith('.') || /\.tmp$/i.test(name) || name.endsWith('~');
}

/** Scans `dataDir` (absolute). A missing directory has no datasets. */
export async function scanDataDir(dataDir: string): Promise<ScannedDataset[]> {
  const entries = await readdir(dataDir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const found: ScannedDataset[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (isIgnoredEntry(entry.name)) continue;
    const abs = path.join(dataDir, entry.name);
    const isFile = entry.isFile() && PARQUET.test(entry.name);
    if (entry.isSymbolicLink()) {
      if (!PARQUET.test(entry.name) && !(await isDirectory(abs))) continue;
      const name = entry.name.replace(PARQUET, '');
      found.push(entryWith(name, PARQUET.test(entry.name) ? 'file' : 'folder', abs, [],
        `"${entry.name}" is a symbolic link, which queries may not follow: move or copy the data into the data folder`));
      continue;
    }
    if (isFile) {
      const files = await statFiles(dataDir, [abs]);
      if (files.length === 0) continue; // removed while we looked
      const name = entry.name.replace(PARQUET, '');
      found.push(entryWith(name, 'file', abs, files, datasetNameProblem(name, entry.name)));
    } else if (entry.isDirectory()) {
      const files = await statFiles(dataDir, await parquetFilesUnder(abs));
      if (files.length === 0) continue;
      found.push(entryWith(entry.name, 'folder', abs, files, datasetNameProblem(entry.name, `${entry.name}/`)));
    }
  }
  return markClashes(found);
}

function entryWith(name: string, kind: DatasetKind, abs: string, files: ScannedFile[], problem: string | undefined): ScannedDataset {
  return { name, kind, path: abs, files, version: versionOf(files), ...(problem ? { problem } : {}) };
}

/** sha256 over the sorted (relative path, size, mtime) triples, hex, first 24 characters. */
export function versionOf(files: readonly ScannedFile[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.rel < b.rel ? -1 : 1))) hash.update(`${f.rel}\0${f.size}\0${f.mtimeMs}\n`);
  return hash.digest('hex').slice(0, 24);
}

/** Names are case-insensitive: `x.parquet` beside a folder `X/` makes both unusable. */
function markClashes(found: ScannedDataset[]): ScannedDataset[] {
  const byName = new Map<string, ScannedDataset[]>();
  for (const d of found) byName.set(d.name.toLowerCase(), [...(byName.get(d.name.toLowerCase()) ?? []), d]);
  return found.map((d) => {
    const same = byName.get(d.name.toLowerCase())!;
    if (same.length < 2 || d.problem) return d;
    const shown = same.map((s) => `"${path.basename(s.path)}${s.kind === 'folder' ? '/' : ''}"`).join(' and ');
    return { ...d, problem: `dataset name "${d.name}" is used by ${shown}: rename one of them (names ignore case)` };
  });
}

async function isDirectory(abs: string): Promise<boolean> {
  return stat(abs).then((s) => s.isDirectory(), () => false);
}

/**
 * Parquet files below `dir`: the files DuckDB's recursive `**` glob reads, which include
 * hidden ones, so that `files`, `bytes` and `version` describe what a query actually reads.
 */
async function parquetFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isSymbolicLink()) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await parquetFilesUnder(abs)));
    else if (entry.isFile() && PARQUET.test(entry.name)) out.push(abs);
  }
  return out;
}

async function statFiles(dataDir: string, paths: string[]): Promise<ScannedFile[]> {
  const files: ScannedFile[] = [];
  for (const abs of paths) {
    const s = await stat(abs).catch(() => undefined);
    if (!s?.isFile()) continue;
    files.push({ rel: path.relative(dataDir, abs).split(path.sep).join('/'), size: s.size, mtimeMs: s.mtimeMs });
  }
  return files;
}
