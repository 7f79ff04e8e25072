/**
 * A workspace opened for running and exporting notebooks without the server: the catalog,
 * a sandboxed engine, the result store, run records and audit log the server uses, and the
 * notebook files read as they are saved (no live document: there is no collaboration here).
 */
import { join, resolve, dirname, basename } from 'node:path';
import type { NotebookId } from '../../core/ids.js';
import type { Config } from '../config.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { createCatalog } from '../datasets/index.js';
import { createEngine } from '../engine/index.js';
import { createAuditLog, auditDirOf } from '../audit/index.js';
import { NotebookStore, parseNotebookId } from '../notebooks/store.js';
import { ResultStore } from '../notebooks/results.js';
import { RunLog } from '../notebooks/runs.js';
import { RunEvents } from '../notebooks/run-events.js';
import { InFlight } from '../notebooks/in-flight.js';
import { NotFoundError, BadRequestError } from '../errors.js';
import type { ExportDeps } from './export-notebook.js';
import { createAccess, createSharing, exportMarkingHook, markingHook, notebookSource } from '../access/index.js';

export interface Headless {
  workspace: Workspace;
  notebooks: NotebookStore;
  deps: ExportDeps;
  /** The notebook id for what a user typed: an id, `id.md`, or the path of a file in the notebooks folder. */
  notebookId(arg: string): Promise<NotebookId>;
  close(): Promise<void>;
}

/** Opens the workspace of `config` (creating it on first use, like every command). */
export async function openHeadless(config: Config, log: (msg: string) => void = console.error): Promise<Headless> {
  const workspace = await openWorkspace(config.home, { demoScale: config.demoScale, log });
  const audit = await createAuditLog(auditDirOf(workspace.stateDir));
  const catalog = await createCatalog(workspace.dataDir);
  const engine = await createEngine({
    dataDir: workspace.dataDir,
    stateDir: workspace.stateDir,
    workers: 1,
    threadsPerWorker: config.threadsPerWorker,
    memoryLimit: config.memoryLimit,
    workerMemoryBytes: config.workerMemoryBytes,
    defaultTimeoutMs: config.timeoutMs,
  });
  const notebooks = new NotebookStore(workspace.notebooksDir, workspace.trashDir);
  const access = await createAccess({ stateDir: workspace.stateDir, enforce: true, audit });
  const sharing = await createSharing({ stateDir: workspace.stateDir, enforce: true, levels: access.levels });
  const runs = new RunLog(join(workspace.stateDir, 'runs'));
  const deps: ExportDeps = {
    catalog,
    engine,
    audit,
    results: new ResultStore(join(workspace.stateDir, 'results')),
    runs,
    events: new RunEvents(),
    inFlight: new InFlight(),
    read: (id) => notebooks.read(id),
    rowCap: config.rowCap,
    timeoutMs: config.timeoutMs,
    // Runs from the CLI carry markings too, or their stored results would lose them.
    marking: markingHook(access),
    // Exports from the CLI carry the notebook's marking as the server computes it (owner's raise included).
    notebookMarking: exportMarkingHook(access, notebookSource({ docs: { read: (id) => notebooks.read(id) }, runs, sharing })),
  };
  return {
    workspace,
    notebooks,
    deps,
    async notebookId(arg) {
      let raw = arg;
      if (arg.includes('/') || arg.endsWith('.md')) {
        const path = resolve(arg);
        if (arg.includes('/') && dirname(path) !== resolve(workspace.notebooksDir)) {
          throw new BadRequestError(`${arg}: not in the workspace's notebooks folder (${workspace.notebooksDir}); copy it there, or give the notebook's id`);
        }
        raw = basename(path).replace(/\.md$/, '');
      }
      const id = parseNotebookId(raw);
      if (!(await notebooks.exists(id))) throw new NotFoundError(`notebook "${id}" not found in ${workspace.notebooksDir}`);
      return id;
    },
    async close() {
      await engine.close();
      await catalog.close();
      await audit.close();
    },
  };
}
