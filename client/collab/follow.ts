/**
 * Following a person: while on, your view scrolls to the cell they are in whenever it changes.
 * It ends when you scroll yourself (wheel, touch, scrolling keys, dragging the scrollbar), when
 * they leave, or when you click their avatar again.
 */
import type { Awareness } from 'y-protocols/awareness';
import { peopleFrom } from './people.js';

const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' ']);

export class Follow {
  private followed: number | null = null;
  private lastCell: string | undefined;
  private readonly onAwareness = () => this.update();
  private readonly onUserScroll = (e: Event) => {
    if (this.followed === null) return;
    if (e instanceof KeyboardEvent) {
      // Keys typed in an editor or a field are not scrolling.
      if (!SCROLL_KEYS.has(e.key) || (e.target as HTMLElement | null)?.closest('.cm-editor, input, textarea, select')) return;
    }
    this.stop();
  };

  /** A press on the scroller itself (not its content) is a drag of its scrollbar. */
  private readonly onScrollbar = (e: MouseEvent) => {
    if (e.target === this.scroller) this.onUserScroll(e);
  };

  constructor(
    private readonly awareness: Awareness,
    /** The scrolling element holding the cells. */
    private readonly scroller: HTMLElement,
    /** The element of a cell, when it is shown. */
    private readonly cellElement: (cellId: string) => HTMLElement | undefined,
    /** Told when following starts or stops. */
    private readonly onChange: (clientId: number | null) => void,
  ) {
    awareness.on('change', this.onAwareness);
    scroller.addEventListener('wheel', this.onUserScroll, { passive: true });
    scroller.addEventListener('touchmove', this.onUserScroll, { passive: true });
    scroller.addEventListener('mousedown', this.onScrollbar);
    document.addEventListener('keydown', this.onUserScroll);
  }

  get current(): number | null {
    return this.followed;
  }

  start(clientId: number): void {
    this.followed = clientId;
    this.lastCell = undefined;
    this.onChange(clientId);
    this.update();
  }

  stop(): void {
    if (this.followed === null) return;
    this.followed = null;
    this.onChange(null);
  }

  destroy(): void {
    this.awareness.off('change', this.onAwareness);
    this.scroller.removeEventListener('wheel', this.onUserScroll);
    this.scroller.removeEventListener('touchmove', this.onUserScroll);
    this.scroller.removeEventListener('mousedown', this.onScrollbar);
    document.removeEventListener('keydown', this.onUserScroll);
  }

  private update(): void {
    if (this.followed === null) return;
    const person = peopleFrom(this.awareness.getStates(), this.awareness.clientID).find((p) => p.clientId === this.followed);
    if (!person) {
      this.stop();
      return;
    }
    if (!person.cell || person.cell === this.lastCell) return;
    const el = this.cellElement(person.cell);
    if (!el) return;
    this.lastCell = person.cell;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}
