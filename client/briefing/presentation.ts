/**
 * Presentation mode: the briefing's slides full screen, one at a time, with the marking on
 * every slide. The slides live in a sandboxed frame (no script may run in it, and the
 * briefing's styles stay out of the app); this page keeps the keys, the counter and the
 * buttons. Arrows, PageUp/PageDown, Space, Home/End move; Esc leaves.
 */
import { h, icon } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import type { SlideDeck } from './slides.js';

/** Rules added to the briefing's own stylesheet to turn it into slides. */
const SLIDE_CSS = `
html { height: 100%; font-size: clamp(14px, 1.45vw, 28px); background: #fff; }
body { height: 100%; margin: 0; display: flex; flex-direction: column; }
.marking { flex: none; }
.deck { flex: 1; min-height: 0; position: relative; }
.slide { display: none; position: absolute; inset: 0; overflow: auto; padding: 5vh 8vw 4vh; }
.slide.current { display: block; }
.slide > h1, .slide > h2 { font-size: 2.1rem; line-height: 1.2; margin: 0 0 1.4rem; padding-bottom: .5rem; border-bottom: 2px solid #1d1d1f; }
.slide h3 { font-size: 1.3rem; }
.slide.cover.current { display: flex; flex-direction: column; justify-content: center; padding-left: 10vw; }
.cover .doc-header { border: 0; margin: 0; }
.cover .doc-header h1 { font-size: 3.2rem; margin-bottom: 1rem; }
.cover .byline { font-size: 1.25rem; }
.slide .table-wrap { width: auto; max-width: none; min-width: 0; position: static; transform: none; }
.slide .data { font-size: .8rem; }
.slide .chart svg { max-height: 64vh; width: auto; max-width: 100%; }
.slide .figure-block, .slide .table-block { margin: 1rem 0; }
`;

const NEXT = new Set(['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'Enter']);
const PREV = new Set(['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace']);

export interface Presentation {
  readonly element: HTMLElement;
  close(): void;
}

/**
 * Shows `deck` full screen from slide `start`; `banner` is the briefing's marking band (its
 * colours follow the level). `onClose` runs once, however the presentation ends.
 */
export function present(deck: SlideDeck, banner: Element | null, onClose: () => void = () => {}, start = 0): Presentation {
  const count = deck.slides.length;
  let index = Math.min(Math.max(0, start), count - 1);
  let closed = false;

  const frame = h('iframe', { class: 'presentation-frame', sandbox: 'allow-same-origin', title: deck.title, 'data-testid': 'presentation-frame' });
  frame.srcdoc = slideDocument(deck, banner, index);
  const counter = h('span', { class: 'slide-counter', 'data-testid': 'slide-counter', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'icon-button', 'aria-label': t('briefing.prevSlide'), title: t('briefing.prevSlide') }, icon('back'));
  const next = h('button', { type: 'button', class: 'icon-button flip', 'aria-label': t('briefing.nextSlide'), title: t('briefing.nextSlide') }, icon('back'));
  const leave = h('button', { type: 'button', class: 'icon-button', 'aria-label': t('briefing.leave'), title: t('briefing.leave'), 'data-testid': 'leave-presentation' }, icon('close'));
  const title = h('span', { class: 'slide-title' });
  const bar = h('div', { class: 'presentation-bar' }, title, h('div', { class: 'presentation-nav' }, prev, counter, next, leave));
  const element = h('div', { class: 'presentation', tabindex: '-1', role: 'dialog', 'aria-label': deck.title, 'data-testid': 'presentation' }, frame, bar);

  const show = (i: number) => {
    index = Math.min(Math.max(0, i), count - 1);
    counter.textContent = t('briefing.slideCounter', { n: index + 1, count });
    title.textContent = deck.slides[index]!.title;
    prev.disabled = index === 0;
    next.disabled = index === count - 1;
    const doc = frame.contentDocument;
    if (!doc?.querySelector('.deck')) return; // Not loaded yet: the srcdoc starts on `index` or `load` catches up.
    doc.querySelectorAll('.slide.current').forEach((s) => s.classList.remove('current'));
    const slide = doc.querySelector(`.slide[data-slide="${index}"]`);
    slide?.classList.add('current');
    slide?.scrollTo(0, 0);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    let handled = true;
    if (e.key === 'Escape') close();
    else if (NEXT.has(e.key) && !(e.key === ' ' && e.shiftKey)) show(index + 1);
    else if (PREV.has(e.key) || (e.key === ' ' && e.shiftKey)) show(index - 1);
    else if (e.key === 'Home') show(0);
    else if (e.key === 'End') show(count - 1);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  // Leaving full screen with the browser's own Esc (or F11) ends the presentation too.
  const onFullscreen = () => {
    if (!document.fullscreenElement) close();
  };
  const onLoad = () => {
    frame.contentWindow?.addEventListener('keydown', onKey, true);
    show(index);
  };

  function close(): void {
    if (closed) return;
    closed = true;
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('fullscreenchange', onFullscreen);
    if (document.fullscreenElement === element) void document.exitFullscreen().catch(() => {});
    element.remove();
    onClose();
  }

  prev.addEventListener('click', () => show(index - 1));
  next.addEventListener('click', () => show(index + 1));
  leave.addEventListener('click', close);
  frame.addEventListener('load', onLoad);
  document.addEventListener('keydown', onKey, true);
  document.body.appendChild(element);
  show(index);
  element.focus();
  // Full screen needs the click that opened us; where it is refused, the fixed overlay still covers the window.
  if (element.requestFullscreen) {
    element.requestFullscreen({ navigationUI: 'hide' }).then(
      () => document.addEventListener('fullscreenchange', onFullscreen),
      () => {},
    );
  }
  return { element, close };
}

/** The frame's document: every slide, only the current one shown. */
function slideDocument(deck: SlideDeck, banner: Element | null, current: number): string {
  const band = banner ? banner.outerHTML : '';
  const slides = deck.slides
    .map((s, i) => `<section class="slide${s.cover ? ' cover' : ''}${i === current ? ' current' : ''}" data-slide="${i}">${s.nodes.map((n) => n.outerHTML).join('\n')}</section>`)
    .join('\n');
  return `<!doctype html><html lang="${document.documentElement.lang || 'en'}"><head><meta charset="utf-8"><style>${deck.css}</style><style>${SLIDE_CSS}</style></head><body>${band}<div class="deck">${slides}</div>${band.replace('marking-top', 'marking-bottom')}</body></html>`;
}
