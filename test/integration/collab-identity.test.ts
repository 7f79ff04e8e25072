/**
 * Who people are in a room: with accounts, presence shows the session's display name whatever
 * the browser claims; without, the name the person picked. Edits are credited the same way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cellMap, cellSource } from '../../core/notebook/ydoc.js';
import { connectClient, removeDir, startHarness, synced, waitFor, type Harness } from '../helpers/ws-client.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  if (h) await removeDir(h.stateDir);
  h = undefined;
});

type State = { user?: { name?: string; id?: string } };

describe('identity in a room', () => {
  it('signs presence with the account’s display name and id, and credits edits to it', async () => {
    const edits: Array<{ userId: string | null; name: string | null }> = [];
    h = await startHarness({
      authorize: async () => ({ userId: 'u-ana', name: 'ana', displayName: 'Ana Lima', canEdit: true }),
      onEdit: (_id, author) => edits.push(author),
    });
    const a = connectClient(h.url, 'nb1');
    const b = connectClient(h.url, 'nb1');
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('user', { name: 'Someone Else', id: 'forged', color: '#123456' });
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as State | undefined)?.user?.name === 'Ana Lima', 'signed presence at b');
    expect((b.awareness.getStates().get(a.doc.clientID) as State).user).toMatchObject({ name: 'Ana Lima', id: 'u-ana', color: '#123456' });
    cellSource(cellMap(a.doc, 'c1')!).insert(0, 'x');
    await waitFor(() => edits.length > 0, 'the edit credited');
    expect(edits[0]).toStrictEqual({ userId: 'u-ana', name: 'Ana Lima' });
    a.destroy();
    b.destroy();
  });

  it('without accounts, keeps the picked name and the browser’s id, and credits edits to the picked name', async () => {
    const edits: Array<{ userId: string | null; name: string | null }> = [];
    h = await startHarness({
      authorize: async () => ({ userId: 'local', name: 'local', canEdit: true, anonymous: true }),
      onEdit: (_id, author) => edits.push(author),
    });
    const a = connectClient(h.url, 'nb1', new Y.Doc());
    const b = connectClient(h.url, 'nb1');
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('user', { name: 'Bruno', id: 'b0123', color: '#123456' });
    await waitFor(() => (b.awareness.getStates().get(a.doc.clientID) as State | undefined)?.user?.name === 'Bruno', 'picked name at b');
    expect((b.awareness.getStates().get(a.doc.clientID) as State).user?.id).toBe('b0123');
    cellSource(cellMap(a.doc, 'c1')!).insert(0, 'x');
    await waitFor(() => edits.length > 0, 'the edit credited');
    expect(edits[0]).toStrictEqual({ userId: 'local', name: 'Bruno' });
    a.destroy();
    b.destroy();
  });
});
