/** Files dropped anywhere on the notebook page become dataset imports; an overlay says so while dragging. */
import { h, icon } from '../ui/dom.js';
import { t } from '../i18n/index.js';

/**
 * Shows the overlay over `host` while files are dragged over the window and hands a dropped
 * file to `onFile`, unless it was dropped inside `except` (which handles its own drops).
 * Returns the function that removes the listeners.
 */
export function installFileDrop(host: HTMLElement, except: HTMLElement, onFile: (file: File) => void): () => void {
  const overlay = h('div', { class: 'drop-overlay', hidden: true }, h('p', null, icon('upload', 28), t('datasets.dropHere')));
  host.appendChild(overlay);
  let depth = 0;
  const hasFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes('Files'));
  const listeners: [string, (e: DragEvent) => void][] = [
    ['dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      overlay.hidden = false;
    }],
    ['dragleave', (e) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) overlay.hidden = true;
    }],
    ['dragover', (e) => {
      if (hasFiles(e)) e.preventDefault();
    }],
    ['drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      overlay.hidden = true;
      const file = e.dataTransfer?.files[0];
      if (file && !except.contains(e.target as Node)) onFile(file);
    }],
  ];
  for (const [type, f] of listeners) window.addEventListener(type, f as EventListener);
  return () => {
    for (const [type, f] of listeners) window.removeEventListener(type, f as EventListener);
    overlay.remove();
  };
}
