/**
 * Writes the fictional demo datasets (see demo-story.ts for the planted story) as Parquet the way
 * every dataset is written (parquet-options.ts), generated entirely by DuckDB SQL. Each dataset is
 * written under a hidden temporary name and renamed into place, so a crash never leaves a
 * half-written dataset behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openTrustedDuckDB, withConnection } from './duck.js';
import { DATASET_PARQUET_OPTIONS } from './parquet-options.js';
import { callsSelect, transfersSelect, travelSelect, tripMembersStatement } from './demo-sql-events.js';
import { ACCOUNTS_SELECT, CITIES_SELECT, PERSONS_SELECT, demoSizes, worldStatements, type DemoSizes } from './demo-sql-world.js';
import { quoteIdentifier, quoteString } from '../../core/sql/identifiers.js';

export const DEMO_DATASETS = ['cities', 'persons', 'accounts', 'bank_transfers', 'phone_calls', 'travel'] as const;
export type DemoDatasetName = (typeof DEMO_DATASETS)[number];

export interface DemoOptions {
  /** 1 = full size (50k persons, 1M transfers, 5M calls); 0.01 for tests. */
  scale?: number;
}

interface DemoTable {
  select: (sizes: DemoSizes) => string;
  /** Folder dataset, hive-partitioned by this column. */
  partitionBy?: string;
}

const TABLES: Record<DemoDatasetName, DemoTable> = {
  cities: { select: () => CITIES_SELECT },
  persons: { select: () => PERSONS_SELECT },
  accounts: { select: () => ACCOUNTS_SELECT },
  bank_transfers: { select: transfersSelect },
  phone_calls: { select: callsSelect, partitionBy: 'month' },
  travel: { select: travelSelect },
};

/** Generates every demo dataset into `dataDir`, replacing earlier demo files of the same names. */
export async function generateDemoData(dataDir: string, opts: DemoOptions = {}): Promise<void> {
  await writeDemo(dataDir, [...DEMO_DATASETS], opts.scale ?? 1);
}

/**
 * Generates only the demo datasets that are missing from `dataDir` (by name, whatever the
 * file's case or kind), never touching existing files. Costs one readdir when nothing is missing.
 * Returns the names it generated.
 */
export async function ensureDemoData(dataDir: string, opts: DemoOptions = {}): Promise<DemoDatasetName[]> {
  await mkdir(dataDir, { recursive: true });
  const present = new Set<string>();
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const base = entry.isDirectory() ? entry.name : entry.name.replace(/\.parquet$/i, '');
    present.add(base.toLowerCase());
  }
  const missing = DEMO_DATASETS.filter((name) => !present.has(name));
  if (missing.length > 0) await writeDemo(dataDir, missing, opts.scale ?? 1);
  return missing;
}

async function writeDemo(dataDir: string, names: DemoDatasetName[], scale: number): Promise<void> {
  const sizes = demoSizes(scale);
  await mkdir(dataDir, { recursive: true });
  await removeStaleTemporaries(dataDir);
  const instance = await openTrustedDuckDB();
  try {
    await withConnection(instance, async (connection) => {
      // The whole world is rebuilt even for one missing table: every table's ids and phone
      // numbers derive from the same persons and accounts, so they stay consistent.
      for (const sql of [...worldStatements(sizes), tripMembersStatement()]) await connection.run(sql);
      for (const name of names) await writeTable(connection, dataDir, name, TABLES[name], sizes);
    });
  } finally {
    instance.closeSync();
  }
}

async function writeTable(connection: DuckDBConnection, dataDir: string, name: string, table: DemoTable, sizes: DemoSizes): Promise<void> {
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const select = table.select(sizes);
  if (!table.partitionBy) {
    const tmp = path.join(dataDir, `.demo-${name}-${suffix}.parquet.tmp`);
    try {
      await connection.run(`COPY (${select}) TO ${quoteString(tmp)} (${DATASET_PARQUET_OPTIONS})`);
      await rename(tmp, path.join(dataDir, `${name}.parquet`));
    } finally {
      await rm(tmp, { force: true });
    }
    return;
  }
  const tmpDir = path.join(dataDir, `.demo-${name}-${suffix}.tmp`);
  const oldDir = path.join(dataDir, `.demo-${name}-${suffix}.old.tmp`);
  const finalDir = path.join(dataDir, name);
  try {
    await connection.run(
      `COPY (${select}) TO ${quoteString(tmpDir)} (${DATASET_PARQUET_OPTIONS}, PARTITION_BY (${quoteIdentifier(table.partitionBy)}))`,
    );
    // A directory cannot be renamed over a non-empty one: move the old one aside first.
    const hadOld = await rename(finalDir, oldDir).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return false;
        throw e;
      },
    );
    try {
      await rename(tmpDir, finalDir);
    } catch (e) {
      if (hadOld) await rename(oldDir, finalDir);
      throw e;
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
    await rm(oldDir, { recursive: true, force: true });
  }
}

/** Temporaries of a generation that crashed over an hour ago (recent ones may be another run's). */
async function removeStaleTemporaries(dataDir: string): Promise<void> {
  const cutoff = Date.now() - 3_600_000;
  for (const entry of await readdir(dataDir)) {
    if (!entry.startsWith('.demo-')) continue;
    const where = path.join(dataDir, entry);
    const modified = await stat(where).then((s) => s.mtimeMs, () => Infinity);
    if (modified < cutoff) await rm(where, { recursive: true, force: true });
  }
}
