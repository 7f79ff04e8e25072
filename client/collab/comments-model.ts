/**
 * The notebook's comment threads as the interface uses them: read from the document (with
 * anchors as current offsets), and changed only through core/notebook/comments.ts inside
 * transactions with this user's origin.
 */
import * as Y from 'yjs';
import type { CommentMessage, CommentThread } from '../../core/notebook/model.js';
import {
  addReply, addThread, deleteMessage, getComments, newCommentId, readComments, setResolved,
} from '../../core/notebook/comments.js';
import { cellMap, cellSource, getCells } from '../../core/notebook/ydoc.js';
import type { PresenceUser } from '../notebook/presence.js';

export class CommentsModel {
  private readonly listeners = new Set<() => void>();
  private frame = 0;
  private readonly observer = () => this.schedule();

  constructor(
    private readonly doc: Y.Doc,
    private readonly origin: object,
    private readonly user: () => PresenceUser,
    private readonly now: () => Date = () => new Date(),
  ) {
    getComments(doc).observeDeep(this.observer);
    // Anchors move with the text, and threads follow their cells.
    getCells(doc).observeDeep(this.observer);
  }

  /** Every thread whose cell exists, oldest first. */
  threads(): CommentThread[] {
    return readComments(this.doc, (id) => {
      const map = cellMap(this.doc, id);
      return map ? cellSource(map) : undefined;
    });
  }

  /** Open (unresolved) threads per cell id. */
  openCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const t of this.threads()) if (!t.resolved) counts.set(t.cellId, (counts.get(t.cellId) ?? 0) + 1);
    return counts;
  }

  /** Called (once per frame at most) after any change of threads or of the text they anchor to. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a thread on a cell, about `anchor` of its text when given. Returns its id. */
  start(cellId: string, text: string, anchor?: { from: number; to: number }): string {
    const map = cellMap(this.doc, cellId);
    if (!map) throw new Error(`no cell with id "${cellId}" in this notebook`);
    const id = newCommentId('t');
    const source = cellSource(map);
    const range = anchor && anchor.to > anchor.from ? anchor : undefined;
    addThread(this.doc, { id, cellId, message: this.message(text), ...(range ? { anchor: range } : {}) }, source, this.origin);
    return id;
  }

  reply(threadId: string, text: string): void {
    addReply(this.doc, threadId, this.message(text), this.origin);
  }

  resolve(threadId: string): void {
    const user = this.user();
    setResolved(this.doc, threadId, { by: user.name, byId: user.id, at: this.now().toISOString() }, this.origin);
  }

  reopen(threadId: string): void {
    setResolved(this.doc, threadId, null, this.origin);
  }

  /** True when the local person wrote `message` (only they may delete it). */
  isMine(message: CommentMessage): boolean {
    return message.authorId !== undefined && message.authorId === this.user().id;
  }

  /** Deletes one of the local person's messages (a thread left empty goes too). */
  remove(threadId: string, message: CommentMessage): void {
    if (!this.isMine(message)) throw new Error('only the author of a comment may delete it');
    deleteMessage(this.doc, threadId, message.id, this.origin);
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    getComments(this.doc).unobserveDeep(this.observer);
    getCells(this.doc).unobserveDeep(this.observer);
    this.listeners.clear();
  }

  private message(text: string): CommentMessage {
    const user = this.user();
    return { id: newCommentId('m'), author: user.name, authorId: user.id, at: this.now().toISOString(), text: text.trim() };
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const l of this.listeners) l();
    });
  }
}
