/**
 * The server's services, built in one place: the workspace's audit log, accounts, access
 * and sharing state, catalog, engine, notebooks, collaboration and history, joined into
 * the routes' AppDeps. `startServer` and the tests' `makeTestApp` both call it, so tests
 * exercise the wiring that runs in production; they only turn the knobs below.
 */
import { join } from 'node:path';
import type { Workspace } from './workspace.js';
import { createCatalog, importFile, type Catalog } from './datasets/index.js';
import { createEngine } from './engine/index.js';
import type { Engine } from './engine/types.js';
import { createCollab, type Collab } from './collab/index.js';
import { NotebookStore } from './notebooks/store.js';
import { ResultStore } from './notebooks/results.js';
import { RunLog } from './notebooks/runs.js';
import { RunEvents } from './notebooks/run-events.js';
import { InFlight } from './notebooks/in-flight.js';
import { liveDocs } from './notebooks/live-docs.js';
import type { AppDeps } from './http/deps.js';
import { sqlVocabulary } from './vocabulary.js';
import { createAuditLog, auditDirOf, type AuditLog } from './audit/index.js';
import { createAuth, publicUser, type Auth, type HashParams } from './auth/index.js';
import { authorizeUpgrade } from './http/session.js';
import { createAccess, createSharing, authorizeNotebook, notebookSource, type Access, type Sharing } from './access/index.js';
import { accessRecheck } from './access/authorize-notebook.js';
import { History } from './history/index.js';
import { createOidcLogin } from './auth/oidc.js';
import type { OidcConfig } from './auth/oidc-config.js';

export interface ServiceOptions {
  workspace: Workspace;
  /** Accounts and login required; off: everyone is the local administrator and owns every notebook. */
  authRequired: boolean;
  engine: {
    workers: number;
    threadsPerWorker: number;
    memoryLimit?: string;
    workerMemoryBytes?: number;
  };
  rowCap: number;
  timeoutMs: number;
  maxUploadBytes: number;
  /** Built client; absent: API only. */
  clientDir?: string;
  log?: (msg: string) => void;
  /** Single sign-on (OpenID Connect); absent or null: password accounts only. */
  oidc?: OidcConfig | null;
  /** Requests per minute one API token may make (default the auth's own). */
  tokenRatePerMinute?: number;
  /** Password hashing cost (tests use cheap parameters). */
  hashParams?: HashParams;
  /** Longest a notebook change waits before it is written (default 1000 ms). */
  saveDebounceMs?: number;
  /** When automatic versions are taken (default: the history's own). */
  history?: { pauseMs?: number; minIntervalMs?: number };
  /** How often open websockets are re-checked for changes made elsewhere (default 30 s). */
  accessRecheckMs?: number;
}

export interface Services {
  deps: AppDeps;
  auth: Auth;
  audit: AuditLog;
  access: Access;
  sharing: Sharing;
  catalog: Catalog;
  engine: Engine;
  collab: Collab;
  history: History;
  /**
   * Closes everything, saving every open notebook first. `afterSaves` runs once the
   * websockets are closed and the last versions taken (the server stops listening there).
   */
  close(afterSaves?: () => Promise<void>): Promise<void>;
}

/** Opens every service of an existing workspace (folders created) and replays unsaved collaboration logs. */
export async function buildServices(opts: ServiceOptions): Promise<Services> {
  const ws = opts.workspace;
  const log = opts.log ?? (() => {});
  const audit = await createAuditLog(auditDirOf(ws.stateDir));
  const auth = await createAuth({
    stateDir: ws.stateDir,
    required: opts.authRequired,
    audit,
    ...(opts.hashParams ? { hashParams: opts.hashParams } : {}),
    ...(opts.tokenRatePerMinute !== undefined ? { tokenRatePerMinute: opts.tokenRatePerMinute } : {}),
  });
  const access = await createAccess({ stateDir: ws.stateDir, enforce: opts.authRequired, audit });
  const sharing = await createSharing({ stateDir: ws.stateDir, enforce: opts.authRequired, audit });
  const catalog = await createCatalog(ws.dataDir);
  const engine = await createEngine({
    dataDir: ws.dataDir,
    // Administrators query the audit log as the dataset audit_log (server/audit/dataset.ts).
    readableFiles: [audit.path],
    stateDir: ws.stateDir,
    workers: opts.engine.workers,
    threadsPerWorker: opts.engine.threadsPerWorker,
    ...(opts.engine.memoryLimit !== undefined ? { memoryLimit: opts.engine.memoryLimit } : {}),
    ...(opts.engine.workerMemoryBytes !== undefined ? { workerMemoryBytes: opts.engine.workerMemoryBytes } : {}),
    defaultTimeoutMs: opts.timeoutMs,
  });
  const notebooks = new NotebookStore(ws.notebooksDir, ws.trashDir);
  const runs = new RunLog(join(ws.stateDir, 'runs'));
  // `docs` and `history` are used only once requests arrive, after both exist.
  const source = notebookSource({ docs: { read: (id) => docs.read(id) }, runs, sharing });
  const roles = {
    sharing,
    userOf: async (name: string) => {
      const u = await auth.users.byName(name);
      return u && !u.disabled ? publicUser(u) : undefined;
    },
  };
  const collab = createCollab({
    stateDir: ws.stateDir,
    load: async (id) => ((await notebooks.exists(id as never)) ? notebooks.read(id as never) : null),
    save: async (id, data) => {
      await notebooks.write(id as never, data);
      history.noteSaved(id, data);
    },
    onEdit: (id, author) => history.noteEdit(id, author),
    onError: (e) => log(`collab: ${(e as Error).message}`),
    ...(opts.saveDebounceMs !== undefined ? { saveDebounceMs: opts.saveDebounceMs } : {}),
    // Opening a notebook needs a role on it (sharing) and a clearance covering its marking.
    authorize: authorizeNotebook(access, source, authorizeUpgrade(auth), roles),
  });
  // Connections already open follow later changes of sharing, marking and accounts by the same rules.
  const recheck = accessRecheck(access, source, roles, (credential) => auth.credentialEnded(credential));
  const docs = liveDocs(collab);
  const history = new History({ dir: join(ws.stateDir, 'history'), docs: collab, onError: (e) => log(`history: ${(e as Error).message}`), ...opts.history });
  await collab.replayAll((await notebooks.list()).map((n) => n.id));
  // Changes that reach no route of this server (another process's `carnet user disable` or
  // `carnet token revoke`, a session's absolute expiry) are caught by a re-check now and then.
  // Without accounts there is nothing such a change could withdraw.
  const recheckTimer = opts.authRequired
    ? setInterval(() => {
        collab.recheck(null, recheck).catch((e: unknown) => log(`access re-check: ${(e as Error).message}`));
      }, opts.accessRecheckMs ?? 30_000)
    : undefined;
  recheckTimer?.unref();

  const deps: AppDeps = {
    catalog,
    auth,
    audit,
    access,
    sharing,
    oidc: opts.oidc ? createOidcLogin({ config: opts.oidc, auth }) : null,
    importFile: async ({ bytesPath, filename, name }) => importFile(ws.dataDir, { sourcePath: bytesPath, name, filename }),
    engine,
    results: new ResultStore(join(ws.stateDir, 'results')),
    runs,
    events: new RunEvents(),
    inFlight: new InFlight(),
    notebooks,
    docs,
    liveAccess: {
      recheck: async (id) => {
        await collab.recheck(id, recheck);
      },
    },
    history,
    vocabulary: sqlVocabulary(),
    config: {
      rowCap: opts.rowCap,
      timeoutMs: opts.timeoutMs,
      uploadDir: join(ws.stateDir, 'uploads'),
      maxUploadBytes: opts.maxUploadBytes,
      ...(opts.clientDir !== undefined ? { clientDir: opts.clientDir } : {}),
    },
  };

  let closing: Promise<void> | undefined;
  return {
    deps, auth, audit, access, sharing, catalog, engine, collab, history,
    close: (afterSaves) =>
      (closing ??= (async () => {
        // Websockets are not HTTP connections a server tracks: close them (saving every
        // notebook) first, then take the versions still due from what they wrote.
        clearInterval(recheckTimer);
        await collab.shutdown();
        await history.close();
        await afterSaves?.();
        await engine.close();
        await catalog.close();
        await auth.close();
        await audit.close();
      })()),
  };
}
