/**
 * A notebook whose durable state comes from before cells had order keys: the server numbers
 * the cells once when it opens it (keeping their order), as a logged change, so clients never
 * race to do it and a restart finds the numbering in the log.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docToNotebook, getCells, lacksPositions } from '../../core/notebook/ydoc.js';
import { notebookHash } from '../../server/collab/load-room.js';
import { statePaths, writeSavedHashes } from '../../server/collab/state-files.js';
import { UpdateLog } from '../../server/collab/update-log.js';
import { connectClient, removeDir, sampleNotebook, startHarness, synced, type Harness } from '../helpers/ws-client.js';

const dirs: string[] = [];
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  for (const d of dirs.splice(0)) await removeDir(d);
});

describe('documents from before order keys', () => {
  it('are numbered once by the server, in their order, and the numbering survives a restart', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'carnet-migrate-'));
    dirs.push(stateDir);
    const data = sampleNotebook();
    // The old layout: the cells array in order, no `pos`.
    const old = new Y.Doc();
    old.transact(() => {
      old.getMap('meta').set('title', data.meta.title);
      old.getMap('meta').set('classification', data.meta.classification!);
      getCells(old).insert(0, data.cells.map((c) => {
        const m = new Y.Map<unknown>();
        m.set('id', c.id);
        m.set('kind', c.kind);
        if (c.name) m.set('name', c.name);
        m.set('source', new Y.Text(c.source));
        return m;
      }));
    });
    const paths = statePaths(stateDir, 'nb1');
    await writeSavedHashes(paths, { saved: notebookHash(data) });
    const { log } = await UpdateLog.open(paths, () => undefined);
    await log.compact(() => Y.encodeStateAsUpdate(old));
    await log.close();

    const files = new Map([['nb1', data]]);
    harness = await startHarness({ stateDir, files });
    const client = connectClient(harness.url, 'nb1');
    await synced(client);
    expect(lacksPositions(client.doc)).toBe(false);
    expect(docToNotebook(client.doc).cells).toStrictEqual(data.cells);
    client.destroy();
    await harness.stop({ shutdown: false });
    harness = undefined;

    // After a crash the log alone still holds the numbering.
    const { log: again, replayed } = await UpdateLog.open(paths, () => undefined);
    await again.close();
    const rebuilt = new Y.Doc();
    for (const u of [replayed.snapshot!, ...replayed.updates]) Y.applyUpdate(rebuilt, u);
    expect(lacksPositions(rebuilt)).toBe(false);
  });
});
