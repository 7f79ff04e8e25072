/**
 * The dataset catalog: what is in the data directory right now, as the query compiler, the
 * engine and the dataset browser need it. Every listing rescans the directory (stat only), so
 * files added, changed or removed while the server runs show up at once; what DuckDB learns
 * about a dataset (schema, row count, sample, profile) is cached by the dataset's version.
 */
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { openTrustedDuckDB, withConnection } from './duck.js';
import { detailOf, relationOf, shapeOf, type Detail, type Shape } from './inspect.js';
import { scanDataDir, type ScannedDataset } from './scan.js';
import type { Catalog, DatasetDetail, DatasetInfo } from './types.js';

/** Opens a catalog over `dataDir` (made absolute). Call close() when done. */
export async function createCatalog(dataDir: string): Promise<Catalog> {
  const root = path.resolve(dataDir);
  const instance = await openTrustedDuckDB();
  // Keyed by kind, path and version: a rewritten file gets a new key, a stale one is pruned.
  const shapes = new Map<string, Promise<Shape>>();
  const details = new Map<string, Promise<Detail>>();
  let closed = false;

  const keyOf = (d: ScannedDataset) => `${d.kind}\0${d.path}\0${d.version}`;

  function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let entry = cache.get(key);
    if (!entry) {
      entry = load();
      cache.set(key, entry);
      // A failure to even connect must not stick: the next call tries again.
      entry.catch(() => cache.delete(key));
    }
    return entry;
  }

  async function infoOf(d: ScannedDataset): Promise<DatasetInfo> {
    const { relation, readPaths } = relationOf(d);
    const shape: Shape = d.problem
      ? { columns: [], rowCount: 0, error: d.problem }
      : await cached(shapes, keyOf(d), () => withConnection(instance, (c) => shapeOf(c, relation, root)));
    const modifiedMs = d.files.reduce((m, f) => Math.max(m, f.mtimeMs), 0);
    return {
      name: d.name,
      kind: d.kind,
      path: d.path,
      files: d.files.length,
      columns: shape.columns,
      rowCount: shape.rowCount,
      bytes: d.files.reduce((s, f) => s + f.size, 0),
      modified: new Date(modifiedMs).toISOString(),
      version: d.version,
      relation,
      readPaths,
      ...(shape.error ? { error: shape.error } : {}),
    };
  }

  async function scan(): Promise<ScannedDataset[]> {
    if (closed) throw new Error(`dataset catalog for ${root} is closed`);
    const scanned = await scanDataDir(root);
    const live = new Set(scanned.map(keyOf));
    for (const cache of [shapes, details]) for (const key of cache.keys()) if (!live.has(key)) cache.delete(key);
    return scanned;
  }

  async function list(): Promise<DatasetInfo[]> {
    const scanned = await scan();
    return Promise.all(scanned.map(infoOf));
  }

  async function get(name: string): Promise<DatasetInfo | undefined> {
    const wanted = name.toLowerCase();
    const scanned = (await scan()).filter((d) => d.name.toLowerCase() === wanted);
    // Two entries can share a name only in a clash, which infoOf reports as an error.
    return scanned[0] ? infoOf(scanned[0]) : undefined;
  }

  async function detail(name: string): Promise<DatasetDetail> {
    const wanted = name.toLowerCase();
    const d = (await scan()).find((s) => s.name.toLowerCase() === wanted);
    if (!d) throw new NotFoundError(`dataset "${name.slice(0, 80)}" not found`);
    const info = await infoOf(d);
    if (info.error) return { ...info, sample: null, profile: null };
    const more = await cached(details, keyOf(d), () => withConnection(instance, (c) => detailOf(c, info.relation, root)));
    return { ...info, sample: more.sample, profile: more.profile, ...(more.error ? { error: more.error } : {}) };
  }

  async function usable(): Promise<DatasetInfo[]> {
    return (await list()).filter((d) => !d.error);
  }

  return {
    dataDir: root,
    list,
    get,
    detail,
    async relations(names?: Iterable<string>) {
      const only = names ? new Set([...names].map((n) => n.toLowerCase())) : undefined;
      const out = new Map<string, string>();
      for (const d of await usable()) {
        const key = d.name.toLowerCase();
        if (!only || only.has(key)) out.set(key, d.relation);
      }
      return out;
    },
    async allowedFiles() {
      return (await usable()).flatMap((d) => d.readPaths);
    },
    async close() {
      if (closed) return;
      closed = true;
      // Let in-flight inspections finish before the instance goes away.
      await Promise.allSettled([...shapes.values(), ...details.values()]);
      instance.closeSync();
    },
  };
}
