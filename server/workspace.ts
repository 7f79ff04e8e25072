import { mkdir, writeFile, stat } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoData } from './datasets/index.js';
import { NotebookStore } from './notebooks/store.js';

export interface Workspace {
  home: string;
  dataDir: string;
  notebooksDir: string;
  stateDir: string;
  trashDir: string;
}

/** The example notebooks shipped in the repository. */
export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'notebooks');

export function workspacePaths(home: string): Workspace {
  return {
    home,
    dataDir: join(home, 'data'),
    notebooksDir: join(home, 'notebooks'),
    stateDir: join(home, 'state'),
    trashDir: join(home, 'trash'),
  };
}

/**
 * Opens a workspace, creating it on first start: folders, demo datasets, example
 * notebooks. Later starts change nothing, so a user's deletions and edits stay.
 * A first start that was interrupted resumes where it stopped.
 */
export async function openWorkspace(home: string, opts: { demoScale: number; log?: (msg: string) => void }): Promise<Workspace> {
  const ws = workspacePaths(home);
  const marker = join(ws.stateDir, 'workspace.json');
  const initialised = await stat(marker).then(() => true, () => false);
  for (const dir of [ws.dataDir, ws.notebooksDir, ws.stateDir, ws.trashDir]) await mkdir(dir, { recursive: true });
  if (initialised) return ws;

  const log = opts.log ?? (() => {});
  log(`creating a workspace in ${home}`);
  const t0 = Date.now();
  await ensureDemoData(ws.dataDir, { scale: opts.demoScale });
  log(`demo datasets ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const added = await new NotebookStore(ws.notebooksDir, ws.trashDir).seed(EXAMPLES_DIR);
  if (added.length) log(`example notebooks: ${added.join(', ')}`);
  await writeFile(marker, JSON.stringify({ created: new Date().toISOString(), format: 1 }, null, 2) + '\n');
  return ws;
}
