/**
 * What a commenter's update may do to the comment threads (server/collab/comment-policy.ts):
 * start threads and reply under their own user id, resolve and reopen any thread, delete
 * only their own messages (a whole thread only when all of it is theirs), and nothing else.
 * An editor changes anything but still writes messages under their own id only. Every
 * update is made on a replica with core/notebook/comments.ts, as a client would.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asCellId } from '../../core/ids.js';
import type { CommentMessage } from '../../core/notebook/model.js';
import { addReply, addThread, deleteMessage, deleteThread, getComments, setResolved } from '../../core/notebook/comments.js';
import { cellMap, cellSource, loadNotebookIntoDoc } from '../../core/notebook/ydoc.js';
import { commentPolicyProblem, mayCarryMessages } from '../../server/collab/comment-policy.js';
import { changeOutsideRoot } from '../../server/collab/comment-only.js';

const ADA = 'u-ada';
const BOB = 'u-bob';
const AT = '2026-02-01T10:00:00.000Z';
const msg = (id: string, authorId: string | undefined, text = `text of ${id}`): CommentMessage => ({
  id,
  author: authorId === ADA ? 'Ada' : 'Bob',
  ...(authorId !== undefined ? { authorId } : {}),
  at: AT,
  text,
});

/**
 * The server's document: cells c1 and c2, and threads
 *   tAda   [a1 by Ada]                 on c1, about "SELECT"
 *   tMixed [b1 by Bob, a2 by Ada]      on c1 (one Yjs item holds both: the split is exercised)
 *   tBob   [b2 by Bob, b3 by Bob]      on c2
 *   tOld   [o1 with no author id]      on c2
 */
function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(doc, {
    meta: { title: 'Policy' },
    cells: [
      { id: asCellId('c1'), kind: 'sql', name: 'k', source: 'SELECT 1' },
      { id: asCellId('c2'), kind: 'sql', name: 'p', source: 'SELECT 2' },
    ],
  });
  const text = (id: string) => cellSource(cellMap(doc, id)!);
  addThread(doc, { id: 'tAda', cellId: 'c1', anchor: { from: 0, to: 6 }, message: msg('a1', ADA) }, text('c1'));
  doc.transact(() => {
    addThread(doc, { id: 'tMixed', cellId: 'c1', message: msg('b1', BOB) }, undefined);
    addReply(doc, 'tMixed', msg('a2', ADA));
  });
  doc.transact(() => {
    addThread(doc, { id: 'tBob', cellId: 'c2', message: msg('b2', BOB) }, undefined);
    addReply(doc, 'tBob', msg('b3', BOB));
  });
  addThread(doc, { id: 'tOld', cellId: 'c2', message: msg('o1', undefined) }, undefined);
  return doc;
}

/** The update a replica of `server` sends after `change`. */
function updateFrom(server: Y.Doc, change: (replica: Y.Doc) => void): Uint8Array {
  const replica = new Y.Doc();
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(server));
  change(replica);
  return Y.encodeStateAsUpdate(replica, Y.encodeStateVector(server));
}

const asCommenter = (change: (replica: Y.Doc) => void, server = serverDoc()) =>
  commentPolicyProblem(server, updateFrom(server, change), { userId: BOB, commenter: true });
const asEditor = (change: (replica: Y.Doc) => void, server = serverDoc()) =>
  commentPolicyProblem(server, updateFrom(server, change), { userId: BOB, commenter: false });

const messageIds = (doc: Y.Doc, threadId: string) =>
  ((getComments(doc).get(threadId)?.get('messages') as Y.Array<CommentMessage> | undefined)?.toArray() ?? []).map((m) => m.id);

describe('a commenter’s update', () => {
  it('may start a thread, with an anchor, under their own id', () => {
    expect(
      asCommenter((d) => addThread(d, { id: 'tNew', cellId: 'c2', anchor: { from: 0, to: 6 }, message: msg('n1', BOB) }, cellSource(cellMap(d, 'c2')!))),
    ).toBeNull();
  });

  it('may reply to anyone’s thread, several replies and a new thread in one update too', () => {
    expect(asCommenter((d) => addReply(d, 'tAda', msg('r1', BOB)))).toBeNull();
    expect(
      asCommenter((d) =>
        d.transact(() => {
          addReply(d, 'tMixed', msg('r2', BOB));
          addReply(d, 'tAda', msg('r3', BOB));
          addThread(d, { id: 'tNew', cellId: 'c1', message: msg('n1', BOB) }, undefined);
        }),
      ),
    ).toBeNull();
  });

  it('is judged with the updates still being logged: a quick second update builds on the first', () => {
    const server = serverDoc();
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(replica);
    addThread(replica, { id: 'tQuick', cellId: 'c1', message: msg('q1', BOB) }, undefined);
    const first = Y.encodeStateAsUpdate(replica, before);
    const middle = Y.encodeStateVector(replica);
    deleteMessage(replica, 'tQuick', 'q1');
    const second = Y.encodeStateAsUpdate(replica, middle);
    // The server has accepted `first` but not applied it yet.
    expect(commentPolicyProblem(server, second, { userId: BOB, commenter: true }, [first])).toBeNull();
    expect(commentPolicyProblem(server, second, { userId: BOB, commenter: true })).toMatch(/does not apply completely/);
  });

  it('may resolve and reopen anyone’s thread', () => {
    expect(asCommenter((d) => setResolved(d, 'tAda', { by: 'Bob', at: AT }))).toBeNull();
    const server = serverDoc();
    setResolved(server, 'tMixed', { by: 'Ada', at: AT });
    expect(asCommenter((d) => setResolved(d, 'tMixed', null), server)).toBeNull();
    expect(asCommenter((d) => setResolved(d, 'tMixed', { by: 'Bob', at: AT }), server)).toBeNull();
  });

  it('resolves under their own account only, also after a reopen', () => {
    expect(asCommenter((d) => setResolved(d, 'tAda', { by: 'Bob', byId: BOB, at: AT }))).toBeNull();
    expect(asCommenter((d) => setResolved(d, 'tAda', { by: 'Ada', byId: ADA, at: AT }))).toMatch(/resolved under your own user id/);
    const server = serverDoc();
    setResolved(server, 'tAda', { by: 'Ada', byId: ADA, at: AT });
    setResolved(server, 'tAda', null);
    expect(asCommenter((d) => setResolved(d, 'tAda', { by: 'Ada', byId: ADA, at: AT }), server)).toMatch(/resolved under your own user id/);
    expect(asCommenter((d) => setResolved(d, 'tAda', { by: 'Bob', byId: BOB, at: AT }), server)).toBeNull();
  });

  it('may delete their own message, also when it shares a Yjs item with someone else’s', () => {
    const server = serverDoc();
    const update = updateFrom(server, (d) => deleteMessage(d, 'tMixed', 'b1'));
    expect(commentPolicyProblem(server, update, { userId: BOB, commenter: true })).toBeNull();
    // The check left the server's document alone, and the update does what was asked.
    expect(messageIds(server, 'tMixed')).toEqual(['b1', 'a2']);
    Y.applyUpdate(server, update);
    expect(messageIds(server, 'tMixed')).toEqual(['a2']);
  });

  it('may delete a thread all theirs, message by message or at once, and change its cell', () => {
    expect(asCommenter((d) => deleteMessage(d, 'tBob', 'b3'))).toBeNull();
    expect(asCommenter((d) => d.transact(() => (deleteMessage(d, 'tBob', 'b2'), deleteMessage(d, 'tBob', 'b3'))))).toBeNull();
    expect(asCommenter((d) => deleteThread(d, 'tBob'))).toBeNull();
    expect(asCommenter((d) => getComments(d).get('tBob')!.set('cellId', 'c1'))).toBeNull();
  });

  it('may not delete or rewrite someone else’s message', () => {
    // Her thread's only message: the thread would go too.
    expect(asCommenter((d) => deleteMessage(d, 'tAda', 'a1'))).toMatch(/only when all its comments are yours|only the author/);
    expect(asCommenter((d) => deleteMessage(d, 'tMixed', 'a2'))).toMatch(/only the author of a comment may delete it/);
    // A message without an author id is nobody's to delete.
    expect(asCommenter((d) => deleteMessage(d, 'tOld', 'o1'))).toMatch(/only when all its comments are yours|only the author/);
    // Rewriting is deleting and inserting in its place: as Ada, and as himself.
    for (const authorId of [ADA, BOB]) {
      const problem = asCommenter((d) => {
        const messages = getComments(d).get('tAda')!.get('messages') as Y.Array<CommentMessage>;
        d.transact(() => {
          messages.delete(0, 1);
          messages.insert(0, [{ ...msg('a1', authorId), text: 'I never said that' }]);
        });
      });
      expect(problem, authorId).not.toBeNull();
    }
  });

  it('may not delete a thread holding someone else’s message, nor replace it', () => {
    expect(asCommenter((d) => deleteThread(d, 'tAda'))).toMatch(/a thread can be deleted only when all its comments are yours/);
    expect(asCommenter((d) => deleteThread(d, 'tMixed'))).toMatch(/only when all its comments are yours|only the author/);
    expect(asCommenter((d) => deleteThread(d, 'tOld'))).not.toBeNull();
    expect(asCommenter((d) => addThread(d, { id: 'tAda', cellId: 'c1', message: msg('x', BOB) }, undefined))).toMatch(/only when all its comments are yours/);
  });

  it('may not post under someone else’s id, or under none', () => {
    expect(asCommenter((d) => addReply(d, 'tBob', msg('r1', ADA)))).toMatch(/under your own user id/);
    expect(asCommenter((d) => addReply(d, 'tBob', msg('r1', undefined)))).toMatch(/under your own user id/);
    expect(asCommenter((d) => addThread(d, { id: 'tFake', cellId: 'c1', message: msg('f1', ADA) }, undefined))).toMatch(/under your own user id/);
    // One honest reply does not carry an impersonated one through.
    expect(asCommenter((d) => d.transact(() => (addReply(d, 'tAda', msg('r2', BOB)), addReply(d, 'tAda', msg('r3', ADA)))))).toMatch(/under your own user id/);
  });

  it('may not move or re-anchor a thread that is not all theirs', () => {
    expect(asCommenter((d) => getComments(d).get('tAda')!.set('cellId', 'c2'))).toMatch(/field "cellId"/);
    expect(asCommenter((d) => getComments(d).get('tMixed')!.set('cellId', 'c2'))).toMatch(/field "cellId"/);
    expect(asCommenter((d) => getComments(d).get('tAda')!.delete('start'))).toMatch(/field "start"/);
    expect(asCommenter((d) => getComments(d).get('tAda')!.set('messages', new Y.Array()))).toMatch(/field "messages"/);
  });

  it('may write nothing but plain messages into a thread, and nothing outside the threads', () => {
    expect(
      asCommenter((d) => {
        const nested = new Y.Map<unknown>();
        (getComments(d).get('tBob')!.get('messages') as Y.Array<unknown>).push([nested]);
        nested.set('authorId', BOB);
      }),
    ).not.toBeNull();
    expect(asCommenter((d) => (getComments(d) as Y.Map<unknown>).set('junk', 'x'))).toMatch(/a thread must be a map/);
    expect(asCommenter((d) => cellSource(cellMap(d, 'c1')!).insert(0, '-- hi\n'))).toMatch(/outside "comments" \(in "cells"\)/);
    expect(asCommenter((d) => d.transact(() => (addReply(d, 'tBob', msg('r1', BOB)), d.getMap('meta').set('title', 'Mine'))))).toMatch(/outside "comments"/);
  });
});

describe('an editor’s update', () => {
  it('changes anything, others’ comments included', () => {
    expect(asEditor((d) => cellSource(cellMap(d, 'c1')!).insert(0, '-- hi\n'))).toBeNull();
    expect(asEditor((d) => deleteThread(d, 'tAda'))).toBeNull();
    expect(asEditor((d) => deleteMessage(d, 'tMixed', 'a2'))).toBeNull();
    expect(asEditor((d) => addThread(d, { id: 'tNew', cellId: 'c1', message: msg('n1', BOB) }, undefined))).toBeNull();
  });

  it('but posts under their own id only', () => {
    expect(asEditor((d) => addReply(d, 'tAda', msg('r1', ADA)))).toMatch(/under your own user id/);
    expect(asEditor((d) => addThread(d, { id: 'tFake', cellId: 'c1', message: msg('f1', ADA) }, undefined))).toMatch(/under your own user id/);
  });

  it('and resolves under their own id only, the resolution checked on a copy like a message', () => {
    const server = serverDoc();
    // A re-resolution after a reopen too: its map entry then has an origin and no key of its own in the update.
    setResolved(server, 'tAda', { by: 'Bob', byId: BOB, at: AT });
    setResolved(server, 'tAda', null);
    for (const [who, id] of [['Ada', ADA], ['Bob', BOB]] as const) {
      const update = updateFrom(server, (d) => setResolved(d, 'tAda', { by: who, byId: id, at: AT }));
      expect(mayCarryMessages(Y.decodeUpdate(update))).toBe(true);
      const problem = commentPolicyProblem(server, update, { userId: BOB, commenter: false });
      if (id === ADA) expect(problem).toMatch(/resolved under your own user id/);
      else expect(problem).toBeNull();
    }
  });

  it('is checked on a copy only when it carries plain objects (comments), not for typing or cell changes', () => {
    const server = serverDoc();
    const decoded = (change: (d: Y.Doc) => void) => Y.decodeUpdate(updateFrom(server, change));
    expect(mayCarryMessages(decoded((d) => cellSource(cellMap(d, 'c1')!).insert(0, 'x')))).toBe(false);
    expect(mayCarryMessages(decoded((d) => cellMap(d, 'c1')!.set('name', 'renamed')))).toBe(false);
    expect(mayCarryMessages(decoded((d) => deleteThread(d, 'tAda')))).toBe(false);
    expect(mayCarryMessages(decoded((d) => addReply(d, 'tAda', msg('r1', BOB))))).toBe(true);
  });
});

describe('changeOutsideRoot', () => {
  it('names the first change outside the root, and passes one inside it', () => {
    const server = serverDoc();
    expect(changeOutsideRoot(server, updateFrom(server, (d) => deleteThread(d, 'tAda')), 'comments')).toBeNull();
    expect(changeOutsideRoot(server, updateFrom(server, (d) => cellSource(cellMap(d, 'c2')!).delete(0, 1)), 'comments')).toMatch(/^deletion of .* is outside "comments" \(in "cells"\)$/);
  });
});
