import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { openWorkspace } from './workspace.js';
import { createCatalog, importFile } from './datasets/index.js';
import { createEngine } from './engine/index.js';
import { createCollab } from './collab/index.js';
import { NotebookStore } from './notebooks/store.js';
import { ResultStore } from './notebooks/results.js';
import { RunLog } from './notebooks/runs.js';
import { RunEvents } from './notebooks/run-events.js';
import { InFlight } from './notebooks/in-flight.js';
import { liveDocs } from './notebooks/live-docs.js';
import { createApp } from './http/app.js';
import { sqlVocabulary } from './vocabulary.js';
import { createAuditLog, auditDirOf } from './audit/index.js';
import { createAuth } from './auth/index.js';
import { authorizeUpgrade } from './http/session.js';
import { createAccess, authorizeNotebook } from './access/index.js';
import { History } from './history/index.js';

export const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'client');

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Opens the workspace and serves the API, the collaboration websocket and the built client. */
export async function startServer(config: Config, log: (msg: string) => void = console.log): Promise<Running> {
  const ws = await openWorkspace(config.home, { demoScale: config.demoScale, log });
  const audit = await createAuditLog(auditDirOf(ws.stateDir));
  const auth = await createAuth({ stateDir: ws.stateDir, required: config.authRequired, audit });
  const access = await createAccess({ stateDir: ws.stateDir, enforce: config.authRequired, audit });
  const catalog = await createCatalog(ws.dataDir);
  const engine = await createEngine({
    dataDir: ws.dataDir,
    stateDir: ws.stateDir,
    workers: config.workers,
    threadsPerWorker: config.threadsPerWorker,
    memoryLimit: config.memoryLimit,
    workerMemoryBytes: config.workerMemoryBytes,
    defaultTimeoutMs: config.timeoutMs,
  });
  const notebooks = new NotebookStore(ws.notebooksDir, ws.trashDir);
  const collab = createCollab({
    stateDir: ws.stateDir,
    load: async (id) => ((await notebooks.exists(id as never)) ? notebooks.read(id as never) : null),
    save: async (id, data) => {
      await notebooks.write(id as never, data);
      history.noteSaved(id, data);
    },
    onEdit: (id, author) => history.noteEdit(id, author),
    onError: (e) => log(`collab: ${(e as Error).message}`),
    // Opening a notebook follows clearance (issue 6); `docs` is read only once requests arrive.
    authorize: authorizeNotebook(access, { classification: async (id) => (await docs.read(id)).meta.classification, latestRuns: (id) => runs.latest(id) }, authorizeUpgrade(auth)),
  });
  const runs = new RunLog(join(ws.stateDir, 'runs'));
  const docs = liveDocs(collab);
  const history = new History({ dir: join(ws.stateDir, 'history'), docs: collab, onError: (e) => log(`history: ${(e as Error).message}`) });
  await collab.replayAll((await notebooks.list()).map((n) => n.id));

  const clientBuilt = await stat(join(CLIENT_DIR, 'index.html')).then(() => true, () => false);
  if (!clientBuilt) log('the client is not built (dist/client): the API works, the pages do not. `npm start` builds it.');
  const app = createApp({
    catalog,
    auth,
    audit,
    access,
    importFile: async ({ bytesPath, filename, name }) => importFile(ws.dataDir, { sourcePath: bytesPath, name, filename }),
    engine,
    results: new ResultStore(join(ws.stateDir, 'results')),
    runs,
    events: new RunEvents(),
    inFlight: new InFlight(),
    notebooks,
    docs,
    history,
    vocabulary: sqlVocabulary(),
    config: {
      rowCap: config.rowCap,
      timeoutMs: config.timeoutMs,
      uploadDir: join(ws.stateDir, 'uploads'),
      maxUploadBytes: config.maxUploadBytes,
      clientDir: CLIENT_DIR,
    },
  });

  const server = createServer(getRequestListener(app.fetch));
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith('/collab/')) collab.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shown === '127.0.0.1' ? 'localhost' : shown}:${port}`;

  const setup = await auth.ensureSetup(url);
  if (setup) log(`No account yet. Within an hour, open this link to create the first administrator:\n  ${setup.link}`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Websockets are not HTTP connections the server tracks: close them (saving every
      // notebook) first, or server.close() would wait for the last browser to leave.
      await collab.shutdown();
      // After the last saves: versions still due are taken from what they wrote.
      await history.close();
      server.closeAllConnections?.();
      await new Promise<void>((ok) => server.close(() => ok()));
      await engine.close();
      await catalog.close();
      await auth.close();
      await audit.close();
    })());
  return { url, server, close };
}
