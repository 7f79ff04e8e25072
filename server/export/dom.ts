/**
 * The one DOM of the export renderers: a jsdom window for DOMPurify and for drawing charts
 * with Observable Plot outside a browser. Made on first use (about 50 ms) and kept: every
 * node the renderers make is detached and serialised, never attached to its document.
 */
import { JSDOM } from 'jsdom';

let window: JSDOM['window'] | undefined;

/** The shared jsdom window (no scripts run in it, no resources load). */
export function exportWindow(): JSDOM['window'] {
  window ??= new JSDOM('<!doctype html><html><body></body></html>').window;
  return window;
}
