/** Short messages at the bottom of the window; errors stay until dismissed. */
import { h } from './dom.js';
import { t } from '../i18n/index.js';

let region: HTMLElement | null = null;

function container(): HTMLElement {
  if (!region || !region.isConnected) {
    region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(region);
  }
  return region;
}

/** Shows a message; `error` ones stay until closed, others fade after a few seconds. */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('dialog.close') }, '×');
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : null }, h('span', null, message), close);
  close.addEventListener('click', () => el.remove());
  container().appendChild(el);
  if (kind !== 'error') setTimeout(() => el.remove(), 4000);
}

/** Copies text to the clipboard; falls back to a hidden textarea where the Clipboard API is unavailable (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the legacy path.
  }
  const area = h('textarea', { class: 'visually-hidden', readonly: true });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } finally {
    area.remove();
  }
  return ok;
}
