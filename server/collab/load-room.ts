/**
 * Building a notebook's server replica when its room opens: from its snapshot and update
 * log when they hold the notebook's latest state, otherwise from the notebook file.
 *
 * The log holds every acknowledged edit, including those the file has not caught up with,
 * so it wins over the file, except when the file was changed by hand while the server was
 * stopped: then the text no longer hashes to what the server last saved, and the file wins.
 * The old log is moved aside (never deleted) and the clients whose edits it held are
 * retired, so that a browser tab still holding that replica cannot merge it back.
 */
import * as Y from 'yjs';
import type { NotebookData } from '../../core/notebook/model.js';
import { serializeNotebook } from '../../core/notebook/format.js';
import { docToNotebook, loadNotebookIntoDoc } from '../../core/notebook/ydoc.js';
import {
  hasDurableState,
  moveAside,
  readSavedHashes,
  statePaths,
  textHash,
  writeSavedHashes,
  type SavedHashes,
  type StatePaths,
} from './state-files.js';
import { UpdateLog, type Replayed } from './update-log.js';

/** Transaction origin of filling a fresh doc from the file: not an edit, nothing to save. */
export const LOAD_ORIGIN = 'carnet-collab-load';
/** Transaction origin of rebuilding a doc from its snapshot and log. */
export const REPLAY_ORIGIN = 'carnet-collab-replay';

export interface LoadedRoom {
  paths: StatePaths;
  doc: Y.Doc;
  log: UpdateLog;
  hashes: SavedHashes;
  /** True when the rebuilt doc holds edits the file lacks: it should be saved. */
  differsFromFile: boolean;
}

/**
 * Fingerprint of a notebook's saved form. `updated` is left out so that a save that only
 * stamps the time is not mistaken for a hand edit.
 */
export function notebookHash(data: NotebookData): string {
  const meta = { ...data.meta };
  delete meta.updated;
  try {
    // Everything the file holds, comments included: a change to them alone must be saved too.
    return textHash(serializeNotebook({ ...data, meta }));
  } catch {
    // Data no file can hold (saving it fails and says why) matches no saved text.
    return `unserializable:${textHash(JSON.stringify(data))}`;
  }
}

/**
 * Opens notebook `id`'s durable state and builds its doc. `data` is the notebook file as
 * load() read it. `stamp` names moved-aside files.
 */
export async function loadRoom(args: {
  stateDir: string;
  id: string;
  data: NotebookData;
  stamp: () => string;
  warn: (message: string) => void;
}): Promise<LoadedRoom> {
  const { id, data, warn } = args;
  const paths = statePaths(args.stateDir, id);
  const fileHash = notebookHash(data);
  let hashes = await readSavedHashes(paths);

  if (await hasDurableState(paths)) {
    const fileIsOurs = fileHash === hashes.saved || fileHash === hashes.pending;
    const { log, replayed } = await UpdateLog.open(paths, warn);
    const hasEdits = replayed.snapshot !== null || replayed.updates.length > 0;
    let reason: string | null = null;
    if (hasEdits && !fileIsOurs) reason = 'its file was changed outside Carnet since the last save';
    else if (hasEdits && replayed.snapshot === null) reason = 'its update log has no snapshot to start from';
    if (hasEdits && reason === null) {
      const doc = rebuild(replayed, id, warn);
      // The file is what it is, even if its save was cut short before being recorded.
      const { pending: _, ...rest } = hashes;
      return { paths, doc, log, hashes: { ...rest, saved: fileHash }, differsFromFile: !sameAsFile(doc, fileHash) };
    }
    await log.close();
    if (reason !== null) {
      const moved = await moveAside(paths, args.stamp());
      warn(`notebook "${id}": ${reason}; the file wins, the old update log is kept as ${moved.join(', ')}`);
      hashes = { retired: [...(hashes.retired ?? []), ...clientIds(replayed)] };
    }
  }

  const doc = new Y.Doc();
  loadNotebookIntoDoc(doc, data, LOAD_ORIGIN);
  // The doc's first state is written before any edit can be logged against it: the log
  // alone could not rebuild the cells the file gave.
  hashes = { ...(hashes.retired ? { retired: hashes.retired } : {}), saved: fileHash };
  await writeSavedHashes(paths, hashes);
  const { log } = await UpdateLog.open(paths, warn);
  try {
    await log.compact(() => Y.encodeStateAsUpdate(doc));
  } catch (e) {
    await log.close();
    throw e;
  }
  return { paths, doc, log, hashes, differsFromFile: false };
}

function rebuild(replayed: Replayed, id: string, warn: (message: string) => void): Y.Doc {
  const doc = new Y.Doc();
  const parts = replayed.snapshot ? [replayed.snapshot, ...replayed.updates] : replayed.updates;
  parts.forEach((update, index) => {
    try {
      Y.decodeUpdate(update);
      Y.applyUpdate(doc, update, REPLAY_ORIGIN);
    } catch (e) {
      // A record with a good checksum that does not decode was never accepted by this
      // code; skip it rather than refuse the notebook.
      warn(`notebook "${id}": skipped unreadable update ${index} of the log: ${(e as Error).message}`);
    }
  });
  return doc;
}

function sameAsFile(doc: Y.Doc, fileHash: string): boolean {
  try {
    return notebookHash(docToNotebook(doc)) === fileHash;
  } catch {
    // Saving will report why the doc does not convert.
    return false;
  }
}

function clientIds(replayed: Replayed): number[] {
  const ids = new Set<number>();
  for (const update of replayed.snapshot ? [replayed.snapshot, ...replayed.updates] : replayed.updates) {
    try {
      for (const client of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update)).keys()) ids.add(client);
    } catch {
      // unreadable records were skipped on replay too
    }
  }
  return [...ids];
}
