/**
 * Turns a CSV, JSON or Parquet file into a dataset `data/<name>.parquet`. DuckDB writes a
 * hidden temporary file in the data directory which is renamed into place only when complete,
 * so a failed or interrupted import leaves nothing a listing would show.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CarnetError } from '../errors.js';
import { createCatalog } from './catalog.js';
import { cleanDuckDBMessage, openTrustedDuckDB, withConnection } from './duck.js';
import { formatOf, sourceSelect, SourceProblem, type ImportFormat } from './import-source.js';
import { isDatasetName } from './name.js';
import { DATASET_PARQUET_OPTIONS } from './parquet-options.js';
import { scanDataDir } from './scan.js';
import { quoteString } from '../../core/sql/identifiers.js';
import type { DatasetInfo } from './types.js';

/** An import was refused or failed; the message names the file and the reason. */
export class ImportError extends CarnetError {
  constructor(message: string, status: 400 | 409 = 400) {
    super(message, status);
  }
}

export interface ImportOptions {
  /** The file to read. */
  sourcePath: string;
  /** Dataset name: a SQL identifier, unique in the workspace ignoring case. */
  name: string;
  /** The user's name for the file (messages, and the format when `format` is absent). */
  filename?: string;
  /** Default: from the extension of `filename`, else of `sourcePath`. */
  format?: ImportFormat;
  /** Replace an existing file dataset of the same name. */
  replace?: boolean;
}

/** Imports `sourcePath` into `dataDir` as `<name>.parquet` and returns the new dataset. */
export async function importFile(dataDir: string, opts: ImportOptions): Promise<DatasetInfo> {
  const root = path.resolve(dataDir);
  const shown = opts.filename ?? path.basename(opts.sourcePath);
  const fail = (why: string, status: 400 | 409 = 400) => new ImportError(`cannot import "${shown}": ${why}`, status);

  if (!isDatasetName(opts.name)) {
    throw fail(`"${opts.name.slice(0, 80)}" is not a valid dataset name: use letters, digits and _ (not starting with a digit, not a SQL keyword)`);
  }
  const format = opts.format ?? formatOf(shown) ?? formatOf(opts.sourcePath);
  if (!format) throw fail('unknown format: use a .csv, .tsv, .json, .jsonl or .parquet file');
  const size = await stat(opts.sourcePath).then((s) => (s.isFile() ? s.size : -1), () => -1);
  if (size < 0) throw fail('file not found');
  if (size === 0) throw fail('the file is empty');

  await mkdir(root, { recursive: true });
  const existing = (await scanDataDir(root)).find((d) => d.name.toLowerCase() === opts.name.toLowerCase());
  if (existing && !opts.replace) throw fail(`a dataset named "${existing.name}" already exists`, 409);
  if (existing && existing.kind === 'folder') throw fail(`"${existing.name}" is a folder dataset and cannot be replaced by an import`, 409);

  const target = path.join(root, `${opts.name}.parquet`);
  const tmp = path.join(root, `.import-${opts.name}-${randomBytes(6).toString('hex')}.parquet.tmp`);
  try {
    const instance = await openTrustedDuckDB();
    try {
      await withConnection(instance, async (connection) => {
        const select = await sourceSelect(connection, opts.sourcePath, format);
        await connection.run(`COPY (${select}) TO ${quoteString(tmp)} (${DATASET_PARQUET_OPTIONS})`);
      });
    } finally {
      instance.closeSync();
    }
    if (opts.replace) {
      await rename(tmp, target);
      // Same name in another case (Calls.parquet replaced by calls): drop the old file.
      if (existing && existing.path !== target) await unlink(existing.path).catch(() => undefined);
    } else {
      // link() fails if the target appeared meanwhile: never overwrite without `replace`.
      await link(tmp, target).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') throw fail(`a dataset named "${opts.name}" already exists`, 409);
        // A file system without hard links: check, then rename (a small race, nothing worse).
        if (await stat(target).then(() => true, () => false)) throw fail(`a dataset named "${opts.name}" already exists`, 409);
        await rename(tmp, target);
      });
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    if (e instanceof SourceProblem) throw fail(e.message);
    // Name the file as the user knows it, not by the path of its upload.
    const raw = (e instanceof Error ? e.message : String(e)).split(opts.sourcePath).join(shown);
    throw fail(cleanDuckDBMessage(raw, root));
  } finally {
    await rm(tmp, { force: true });
  }

  const catalog = await createCatalog(root);
  try {
    const info = await catalog.get(opts.name);
    if (!info) throw fail('the imported file disappeared from the data folder');
    return info;
  } finally {
    await catalog.close();
  }
}

export interface ImportBytesOptions {
  bytes: Uint8Array;
  /** The uploaded file's name; its extension gives the format. */
  filename: string;
  name: string;
  replace?: boolean;
  /** Where the upload is parked while importing; default `<dataDir>/../state`. */
  stateDir?: string;
}

/** Imports an upload held in memory: parks it under `<stateDir>/uploads`, imports, removes it. */
export async function importBytes(dataDir: string, opts: ImportBytesOptions): Promise<DatasetInfo> {
  const stateDir = opts.stateDir ?? path.join(path.dirname(path.resolve(dataDir)), 'state');
  const uploads = path.join(stateDir, 'uploads');
  await mkdir(uploads, { recursive: true });
  const safeName = path.basename(opts.filename).replace(/[^A-Za-z0-9._-]/g, '_').slice(-100);
  const parked = path.join(uploads, `${randomBytes(6).toString('hex')}-${safeName}`);
  try {
    await writeFile(parked, opts.bytes);
    return await importFile(dataDir, {
      sourcePath: parked,
      name: opts.name,
      filename: path.basename(opts.filename),
      ...(opts.replace !== undefined ? { replace: opts.replace } : {}),
    });
  } finally {
    await rm(parked, { force: true });
  }
}
