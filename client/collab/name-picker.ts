/**
 * Asking for the name others see, without accounts: a small card under the top bar, shown
 * once (and again when you click your own avatar). It never takes the focus by itself, so it
 * does not get in the way of someone who starts typing in a cell.
 */
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { cleanName } from '../notebook/presence.js';

/**
 * Shows the card; `onPick` receives the chosen name (or the current one when the card is
 * dismissed). Returns a function that removes the card.
 */
export function showNamePicker(opts: { current: string; focus: boolean; onPick(name: string): void }): () => void {
  document.querySelector('.name-picker')?.remove();
  const input = h('input', { type: 'text', class: 'text-input small', value: opts.current, maxlength: 60, 'aria-label': t('presence.nameLabel'), 'data-testid': 'name-input', spellcheck: 'false' });
  const save = h('button', { type: 'submit', class: 'button primary small', 'data-testid': 'name-save' }, t('dialog.save'));
  const close = h('button', { type: 'button', class: 'icon-button small', title: t('dialog.close'), 'aria-label': t('dialog.close') }, '×');
  const form = h(
    'form',
    { class: 'name-picker', role: 'dialog', 'aria-label': t('presence.nameTitle'), 'data-testid': 'name-picker' },
    h('div', { class: 'name-picker-head' }, h('strong', null, t('presence.nameTitle')), close),
    h('p', { class: 'small muted' }, t('presence.nameHint')),
    h('div', { class: 'name-picker-row' }, input, save),
  );
  const done = (name: string) => {
    form.remove();
    opts.onPick(name);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    done(cleanName(input.value) ?? opts.current);
  });
  close.addEventListener('click', () => done(opts.current));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') done(opts.current);
    e.stopPropagation();
  });
  document.body.appendChild(form);
  if (opts.focus) {
    input.focus();
    input.select();
  }
  return () => form.remove();
}
