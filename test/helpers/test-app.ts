import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { workspacePaths } from '../../server/workspace.js';
import { createApp } from '../../server/http/app.js';
import type { AppDeps } from '../../server/http/deps.js';
import { buildServices, type Services } from '../../server/wire.js';

/** argon2id parameters that keep account tests fast. */
export const CHEAP_HASH = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

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
  /** Everything buildServices opened (collab, auth, sharing, …). */
  services: Services;
  home: string;
  /**
   * Serves the app and the collaboration websocket on a local port, as startServer does:
   * `url` is http://127.0.0.1:<port>, websockets go to `${wsUrl}/<notebook id>`.
   */
  listen(): Promise<{ url: string; wsUrl: string; stop(): Promise<void> }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  timeoutMs?: number;
  rowCap?: number;
  workers?: number;
  /** Accounts required, access and sharing enforced (as with CARNET_AUTH=required). Default false. */
  authRequired?: boolean;
  /** How often open websockets are re-checked for changes made elsewhere (default: the server's 30 s). */
  accessRecheckMs?: number;
}

/** A workspace in a temporary folder with the fixture datasets, served by the production wiring (server/wire.ts). */
export async function makeTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const home = await mkdtemp(join(tmpdir(), 'carnet-api-'));
  const ws = workspacePaths(home);
  for (const d of [ws.dataDir, ws.notebooksDir, ws.stateDir, ws.trashDir]) await mkdir(d, { recursive: true });
  await writeFixtures(ws.dataDir);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const services = await buildServices({
    workspace: ws,
    authRequired: opts.authRequired ?? false,
    engine: { workers: opts.workers ?? 2, threadsPerWorker: 1 },
    rowCap: opts.rowCap ?? 100_000,
    timeoutMs,
    maxUploadBytes: 10 * 1024 * 1024,
    hashParams: CHEAP_HASH,
    saveDebounceMs: 20,
    history: { pauseMs: 50, minIntervalMs: 0 },
    ...(opts.accessRecheckMs !== undefined ? { accessRecheckMs: opts.accessRecheckMs } : {}),
  });
  const app = createApp(services.deps);
  const servers = new Set<() => Promise<void>>();
  return {
    app,
    deps: services.deps,
    services,
    home,
    async listen() {
      const server = createServer(getRequestListener(app.fetch));
      server.on('upgrade', (req, socket, head) => {
        if ((req.url ?? '').startsWith('/collab/')) services.collab.handleUpgrade(req, socket, head);
        else socket.destroy();
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const { port } = server.address() as AddressInfo;
      const stop = async () => {
        servers.delete(stop);
        server.closeAllConnections();
        await new Promise<void>((ok) => server.close(() => ok()));
      };
      servers.add(stop);
      return { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/collab`, stop };
    },
    async close() {
      await services.close(async () => {
        for (const stop of [...servers]) await stop();
      });
      await rm(home, { recursive: true, force: true });
    },
  };
}
