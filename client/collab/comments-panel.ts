/**
 * The comments panel: a composer for a new thread (on a cell, optionally about the text
 * selected in it), then every open thread — or every thread — with its messages, a reply box,
 * resolve / reopen, and delete for your own messages. Clicking a thread's cell or quote shows
 * that cell with the commented range selected.
 *
 * Cards are kept per thread and updated in place, so a reply being typed survives other
 * people's changes. A viewer (issue 6 sharing) reads the threads but is offered no composer,
 * reply, resolve or delete.
 */
import type { CommentMessage, CommentThread } from '../../core/notebook/model.js';
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import { relativeTime } from './attribution.js';
import type { CommentsModel } from './comments-model.js';
import { collabIcon } from './icons.js';
import { currentAccess } from '../sharing/current.js';

export interface CommentsPanelOptions {
  model: CommentsModel;
  /** A short label for a cell ("suspects", "Text cell 3"). */
  cellLabel(cellId: string): string;
  /** The current text of a cell. */
  cellText(cellId: string): string | undefined;
  /** Shows the cell and selects the range. */
  reveal(cellId: string, anchor?: { from: number; to: number }): void;
  /** Whether the user may post, reply, resolve and delete; by default, as the notebook on screen allows. */
  canComment?: () => boolean;
  /**
   * The name shown for a message's author or a thread's resolver: by default the name written
   * with it. With accounts, the page names the account of its id (the server checks it is the
   * writer's), so a comment cannot pass for someone else's by the name it carries.
   */
  accountName?: (id: string | undefined, written: string) => string;
}

const canComment = (o: CommentsPanelOptions): boolean => (o.canComment ? o.canComment() : currentAccess().canComment);

const QUOTE_MAX = 140;

export class CommentsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly composerSlot: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly cards = new Map<string, ThreadCard>();
  private showResolved = false;
  private stale = false;
  private readonly stop: () => void;

  constructor(private readonly options: CommentsPanelOptions) {
    const toggle = h('input', { type: 'checkbox', 'data-testid': 'show-resolved' });
    toggle.addEventListener('change', () => {
      this.showResolved = toggle.checked;
      this.render();
    });
    this.composerSlot = h('div', { class: 'comment-composer-slot' });
    this.list = h('div', { class: 'thread-list', 'data-testid': 'thread-list' });
    this.empty = h('p', { class: 'empty-state small', hidden: true }, t('comments.empty'));
    this.element = h(
      'div',
      { class: 'comments-panel' },
      canComment(options) ? null : h('p', { class: 'small muted comments-read-only', 'data-testid': 'comments-read-only' }, t('sharing.commentsReadOnly')),
      this.composerSlot,
      h('label', { class: 'show-resolved small muted' }, toggle, t('comments.showResolved')),
      this.empty,
      this.list,
    );
    // Hidden, the panel only notes that it is out of date (changes come with every keystroke).
    this.stop = options.model.onChange(() => this.refresh());
    this.render();
  }

  /** Something shown changed (the threads, or the authors' names): redraws, or does when shown. */
  refresh(): void {
    if (this.element.isConnected) this.render();
    else this.stale = true;
  }

  /** The side panel shows this tab. */
  shown(): void {
    if (this.stale) this.render();
  }

  /** Opens the composer for a new thread on `cellId` (about `anchor` of its text when given). */
  compose(cellId: string, anchor?: { from: number; to: number }): void {
    if (!canComment(this.options)) return;
    const text = this.options.cellText(cellId) ?? '';
    const range = anchor && anchor.to > anchor.from ? anchor : undefined;
    const input = h('textarea', { class: 'comment-input', rows: 3, placeholder: t('comments.placeholder'), 'aria-label': t('comments.new'), 'data-testid': 'comment-input' });
    const post = h('button', { type: 'submit', class: 'button primary small', 'data-testid': 'comment-post' }, t('comments.post'));
    const cancel = h('button', { type: 'button', class: 'button small' }, t('dialog.cancel'));
    const form = h(
      'form',
      { class: 'comment-composer' },
      h('div', { class: 'thread-cell small' }, t('comments.on', { cell: this.options.cellLabel(cellId) })),
      range ? h('blockquote', { class: 'thread-quote' }, excerpt(text.slice(range.from, range.to))) : null,
      input,
      h('div', { class: 'comment-actions' }, cancel, post),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (input.value.trim() === '') return;
      try {
        const id = this.options.model.start(cellId, input.value, range);
        replaceChildren(this.composerSlot);
        this.highlight(id);
      } catch (err) {
        toast((err as Error).message, 'error');
      }
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
      if (e.key === 'Escape') replaceChildren(this.composerSlot);
      e.stopPropagation();
    });
    cancel.addEventListener('click', () => replaceChildren(this.composerSlot));
    replaceChildren(this.composerSlot, form);
    input.focus();
  }

  /** Scrolls to a thread's card and marks it for a moment. */
  highlight(threadId: string): void {
    this.render();
    const card = this.cards.get(threadId);
    if (!card) return;
    card.element.scrollIntoView({ block: 'nearest' });
    card.element.classList.add('flash');
    setTimeout(() => card.element.classList.remove('flash'), 1200);
  }

  /** Shows the first open thread of a cell. */
  showCell(cellId: string): void {
    const thread = this.options.model.threads().find((th) => th.cellId === cellId && (!th.resolved || this.showResolved));
    if (thread) this.highlight(thread.id);
  }

  destroy(): void {
    this.stop();
  }

  private render(): void {
    this.stale = false;
    const threads = this.options.model.threads().filter((th) => this.showResolved || !th.resolved);
    const keep = new Set(threads.map((th) => th.id));
    for (const [id, card] of this.cards) {
      if (!keep.has(id)) {
        card.element.remove();
        this.cards.delete(id);
      }
    }
    threads.forEach((thread, i) => {
      let card = this.cards.get(thread.id);
      if (!card) this.cards.set(thread.id, (card = new ThreadCard(this.options)));
      card.update(thread);
      const at = this.list.children[i];
      if (at !== card.element) this.list.insertBefore(card.element, at ?? null);
    });
    this.empty.hidden = threads.length > 0;
  }
}

/** One thread: where it is, its messages, reply, resolve or reopen. */
class ThreadCard {
  readonly element: HTMLElement;
  private readonly head: HTMLElement;
  private readonly messages: HTMLElement;
  private readonly status: HTMLElement;
  private readonly reply: HTMLTextAreaElement;
  private thread: CommentThread | null = null;
  /** What was last drawn, so that an unchanged card is left alone (a selection in it survives). */
  private drawn = '';

  constructor(private readonly options: CommentsPanelOptions) {
    this.head = h('button', { type: 'button', class: 'thread-head', title: t('comments.reveal') });
    this.head.addEventListener('click', () => {
      if (this.thread) options.reveal(this.thread.cellId, this.thread.anchor);
    });
    this.messages = h('ol', { class: 'thread-messages' });
    this.status = h('div', { class: 'thread-status' });
    this.reply = h('textarea', { class: 'comment-input reply', rows: 1, placeholder: t('comments.reply'), 'aria-label': t('comments.reply'), 'data-testid': 'reply-input' });
    this.reply.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.sendReply();
      }
      e.stopPropagation();
    });
    this.element = h('article', { class: 'thread', 'data-testid': 'thread' }, this.head, this.messages, canComment(options) ? this.reply : null, this.status);
  }

  update(thread: CommentThread): void {
    this.thread = thread;
    const text = this.options.cellText(thread.cellId) ?? '';
    const quote = thread.anchor ? text.slice(thread.anchor.from, thread.anchor.to) : '';
    // Times are shown to the minute: redraw when one of them would read differently.
    const names = [...thread.messages.map((m) => this.authorName(m)), thread.resolved ? this.options.accountName?.(thread.resolved.byId, thread.resolved.by) : null];
    const signature = JSON.stringify([thread, quote, this.options.cellLabel(thread.cellId), names, Math.floor(Date.now() / 30_000)]);
    if (signature === this.drawn) return;
    this.drawn = signature;
    this.element.dataset.threadId = thread.id;
    this.element.dataset.cellId = thread.cellId;
    this.element.classList.toggle('resolved', Boolean(thread.resolved));
    replaceChildren(
      this.head,
      h('span', { class: 'thread-cell small' }, this.options.cellLabel(thread.cellId)),
      thread.anchor ? h('blockquote', { class: `thread-quote${quote === '' ? ' gone' : ''}` }, quote === '' ? t('comments.anchorGone') : excerpt(quote)) : null,
    );
    const now = Date.now();
    replaceChildren(this.messages, thread.messages.map((m) => this.message(thread.id, m, now)));
    const resolver = thread.resolved ? (this.options.accountName?.(thread.resolved.byId, thread.resolved.by) ?? thread.resolved.by) : '';
    const resolvedBy = thread.resolved ? h('span', { class: 'small muted', 'data-testid': 'resolved-by' }, t('comments.resolvedBy', { name: resolver, when: relativeTime(new Date(thread.resolved.at), now) })) : null;
    if (!canComment(this.options)) return replaceChildren(this.status, resolvedBy);
    const toggle = h(
      'button',
      { type: 'button', class: 'button small ghost', 'data-testid': thread.resolved ? 'reopen-thread' : 'resolve-thread' },
      collabIcon(thread.resolved ? 'reopen' : 'check', 13),
      t(thread.resolved ? 'comments.reopen' : 'comments.resolve'),
    );
    toggle.addEventListener('click', () => {
      if (thread.resolved) this.options.model.reopen(thread.id);
      else this.options.model.resolve(thread.id);
    });
    replaceChildren(this.status, resolvedBy, toggle);
  }

  private authorName(m: CommentMessage): string {
    return this.options.accountName?.(m.authorId, m.author) ?? m.author;
  }

  private message(threadId: string, m: CommentMessage, now: number): HTMLElement {
    const mine = this.options.model.isMine(m) && canComment(this.options);
    const remove = mine ? h('button', { type: 'button', class: 'link-button small', 'data-testid': 'delete-comment' }, t('comments.delete')) : null;
    remove?.addEventListener('click', () => this.options.model.remove(threadId, m));
    const at = new Date(m.at);
    return h(
      'li',
      { class: 'comment', 'data-testid': 'comment' },
      h('div', { class: 'comment-meta small' }, h('strong', null, this.authorName(m)), ' · ', h('time', { datetime: m.at, title: at.toLocaleString() }, relativeTime(at, now)), remove ? ' · ' : null, remove),
      h('p', { class: 'comment-text' }, m.text),
    );
  }

  private sendReply(): void {
    const text = this.reply.value.trim();
    if (!this.thread || text === '' || !canComment(this.options)) return;
    try {
      this.options.model.reply(this.thread.id, text);
      this.reply.value = '';
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }
}

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > QUOTE_MAX ? `${one.slice(0, QUOTE_MAX - 1)}…` : one;
}
