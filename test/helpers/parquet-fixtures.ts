/**
 * Small deterministic Parquet files for tests, written by DuckDB's COPY into a fresh temp dir.
 * Data comes from `range()` arithmetic only (no random(), no clock), so every run sees the same rows.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** A temp directory of Parquet files; `path(name)` is the absolute path of one of them. */
export interface ParquetFixtures {
  dir: string;
  path(relative: string): string;
  remove(): Promise<void>;
}

/**
 * 300 people with one column per common type, NULLs included (every 7th birth date, every 5th
 * score, every 3rd `active`, …).
 */
export const PERSONS_SQL = `
SELECT
  i::INTEGER AS id,
  'person ' || i AS name,
  CASE WHEN i % 7 = 0 THEN NULL ELSE DATE '1960-01-01' + (i * 37)::INTEGER END AS born,
  ['Lyon', 'Paris', 'Lille', 'Nantes'][(i % 4) + 1] AS city,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.5 END::DOUBLE AS score,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS active,
  TIMESTAMP '2020-01-01 00:00:00' + to_seconds(i * 3600) AS joined,
  (i * 10.25)::DECIMAL(18, 2) AS balance,
  i::BIGINT * 1000000000 AS big,
  CASE WHEN i % 4 = 0 THEN NULL ELSE [i, i + 1, i + 2] END AS tags,
  {'street': i || ' rue de la Paix', 'zip': 75000 + i} AS address,
  i % 2 = 0 AS even
FROM range(300) t(i)
ORDER BY id`;

/** Calls between people, as a hive-partitioned folder: calls/year=2023/…, calls/year=2024/…. */
export function callsSql(year: number): string {
  return `
SELECT
  (i * 7) % 300 AS caller,
  (i * 11 + 3) % 300 AS callee,
  TIMESTAMP '${year}-01-01 00:00:00' + to_seconds(i * 600) AS started,
  (i % 50) * 6 + 1 AS seconds
FROM range(1000) t(i)`;
}

/** The files every engine test can share: persons.parquet and the calls/ folder. */
export const SAMPLE_FILES: Record<string, string> = {
  'persons.parquet': PERSONS_SQL,
  'calls/year=2023/part-0.parquet': callsSql(2023),
  'calls/year=2024/part-0.parquet': callsSql(2024),
};

/** Writes `files` (relative path → SELECT producing its rows) as Parquet under a new temp dir. */
export async function createParquetFixtures(files: Record<string, string> = SAMPLE_FILES): Promise<ParquetFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'carnet-parquet-'));
  await writeParquetFiles(dir, files);
  return {
    dir,
    path: (relative) => join(dir, relative),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes `files` (relative path → SELECT) as Parquet under an existing directory. */
export async function writeParquetFiles(dir: string, files: Record<string, string>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    for (const [relative, select] of Object.entries(files)) {
      const target = join(dir, relative);
      await mkdir(dirname(target), { recursive: true });
      await connection.run(`COPY (${select}) TO '${target.replace(/'/g, "''")}' (FORMAT parquet)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
