/** Comment threads are part of the saved notebook: a change to them alone reaches the file. */
import { afterEach, describe, expect, it } from 'vitest';
import { addReply, addThread, setResolved } from '../../core/notebook/comments.js';
import { cellMap, cellSource } from '../../core/notebook/ydoc.js';
import { connectClient, removeDir, startHarness, synced, waitFor, type Harness } from '../helpers/ws-client.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  if (h) await removeDir(h.stateDir);
  h = undefined;
});

describe('comments in the saved notebook', () => {
  it('saves a thread, a reply and a resolution, each on its own', async () => {
    h = await startHarness({ saveDebounceMs: 10 });
    const client = connectClient(h.url, 'nb1');
    await synced(client);
    const text = cellSource(cellMap(client.doc, 'c1')!);
    const message = (id: string, body: string) => ({ id, author: 'Ana', authorId: 'a1', at: '2026-03-12T10:00:00.000Z', text: body });
    addThread(client.doc, { id: 't1', cellId: 'c1', anchor: { from: 0, to: 6 }, message: message('m1', 'why?') }, text, 'ui');
    await waitFor(() => h!.files.get('nb1')!.comments?.[0]?.id === 't1', 'the thread in the file');
    expect(h.files.get('nb1')!.comments![0]).toStrictEqual({ id: 't1', cellId: 'c1', anchor: { from: 0, to: 6 }, messages: [message('m1', 'why?')] });
    addReply(client.doc, 't1', message('m2', 'because'), 'ui');
    await waitFor(() => h!.files.get('nb1')!.comments![0]!.messages.length === 2, 'the reply in the file');
    setResolved(client.doc, 't1', { by: 'Ana', at: '2026-03-12T11:00:00.000Z' }, 'ui');
    await waitFor(() => h!.files.get('nb1')!.comments![0]!.resolved?.by === 'Ana', 'the resolution in the file');
    client.destroy();
  });
});
