import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { workspacePaths } from '../../server/workspace.js';
import { createCatalog, importFile } from '../../server/datasets/index.js';
import { createEngine } from '../../server/engine/index.js';
import { createCollab } from '../../server/collab/index.js';
import { History } from '../../server/history/index.js';
import { NotebookStore } from '../../server/notebooks/store.js';
import { ResultStore } from '../../server/notebooks/results.js';
import { RunLog } from '../../server/notebooks/runs.js';
import { RunEvents } from '../../server/notebooks/run-events.js';
import { InFlight } from '../../server/notebooks/in-flight.js';
import { liveDocs } from '../../server/notebooks/live-docs.js';
import { createApp } from '../../server/http/app.js';
import type { AppDeps } from '../../server/http/deps.js';
import { sqlVocabulary } from '../../server/vocabulary.js';
import { createAuditLog } from '../../server/audit/index.js';
import { createAuth } from '../../server/auth/index.js';

/**
 * Writes small deterministic datasets: `people` (one column per common type)
 * and `calls`, a hive-partitioned folder.
 */
export async function writeFixtures(dataDir: string): Promise<void> {
  await mkdir(join(dataDir, 'calls'), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`COPY (
      SELECT i::INTEGER AS id,
             (i * 10000000000)::BIGINT AS big,
             i / 4 AS ratio,
             'person ' || i AS name,
             DATE '2025-01-01' + i::INTEGER AS born,
             TIMESTAMP '2025-01-01 08:00:00' + INTERVAL (i) HOUR AS seen_at,
             i % 2 = 0 AS even,
             (i * 1.25)::DECIMAL(10,2) AS amount,
             [i, i + 1] AS pair,
             CASE WHEN i % 5 = 0 THEN NULL ELSE 'x' END AS maybe
      FROM range(1, 301) t(i)
    ) TO '${join(dataDir, 'people.parquet')}' (FORMAT parquet)`);
    await c.run(`COPY (
      SELECT i AS call_id, 1 + i % 300 AS caller, 1 + (i * 7) % 300 AS callee, (i % 600)::INTEGER AS duration_s,
             '2025-0' || (1 + i % 3) AS month
      FROM range(0, 3000) t(i)
    ) TO '${join(dataDir, 'calls')}' (FORMAT parquet, PARTITION_BY (month))`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  home: string;
  close(): Promise<void>;
}

export async function makeTestApp(opts: { timeoutMs?: number; rowCap?: number; workers?: number } = {}): Promise<TestApp> {
  const home = await mkdtemp(join(tmpdir(), 'carnet-api-'));
  const ws = workspacePaths(home);
  for (const d of [ws.dataDir, ws.notebooksDir, ws.stateDir, ws.trashDir]) await mkdir(d, { recursive: true });
  await writeFixtures(ws.dataDir);
  const audit = await createAuditLog(join(ws.stateDir, 'audit'));
  const auth = await createAuth({ stateDir: ws.stateDir, required: false, audit });
  const catalog = await createCatalog(ws.dataDir);
  const engine = await createEngine({ dataDir: ws.dataDir, stateDir: ws.stateDir, workers: opts.workers ?? 2, threadsPerWorker: 1, defaultTimeoutMs: opts.timeoutMs ?? 10_000 });
  const notebooks = new NotebookStore(ws.notebooksDir, ws.trashDir);
  const collab = createCollab({
    stateDir: ws.stateDir,
    load: async (id) => ((await notebooks.exists(id as never)) ? notebooks.read(id as never) : null),
    save: async (id, data) => {
      await notebooks.write(id as never, data);
      history.noteSaved(id, data);
    },
    onEdit: (id, author) => history.noteEdit(id, author),
    saveDebounceMs: 20,
  });
  const history = new History({ dir: join(ws.stateDir, 'history'), docs: collab, pauseMs: 50, minIntervalMs: 0 });
  const deps: AppDeps = {
    catalog,
    auth,
    audit,
    importFile: ({ bytesPath, name }) => importFile(ws.dataDir, { sourcePath: bytesPath, name }),
    engine,
    results: new ResultStore(join(ws.stateDir, 'results')),
    runs: new RunLog(join(ws.stateDir, 'runs')),
    events: new RunEvents(),
    inFlight: new InFlight(),
    notebooks,
    docs: liveDocs(collab),
    history,
    vocabulary: sqlVocabulary(),
    config: { rowCap: opts.rowCap ?? 100_000, timeoutMs: opts.timeoutMs ?? 10_000, uploadDir: join(ws.stateDir, 'uploads'), maxUploadBytes: 10 * 1024 * 1024 },
  };
  return {
    app: createApp(deps),
    deps,
    home,
    async close() {
      await collab.shutdown();
      await history.close();
      await engine.close();
      await catalog.close();
      await auth.close();
      await audit.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
