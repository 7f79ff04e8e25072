/** Modal dialogs on the native <dialog> element: focus trapping and Esc come from the browser. */
import { h } from './dom.js';
import { t } from '../i18n/index.js';

interface DialogShell {
  dialog: HTMLDialogElement;
  body: HTMLElement;
  footer: HTMLElement;
  close(): void;
}

/** A dialog with a title, content and a footer; removed from the page when closed. */
export function openDialog(title: string, options: { size?: 'medium' | 'wide'; onClose?: () => void } = {}): DialogShell {
  const body = h('div', { class: 'dialog-body' });
  const footer = h('div', { class: 'dialog-footer' });
  const closeButton = h('button', { type: 'button', class: 'icon-button dialog-x', 'aria-label': t('dialog.close') }, '×');
  const dialog = h(
    'dialog',
    { class: `dialog${options.size ? ` ${options.size}` : ''}`, 'aria-label': title },
    h('header', { class: 'dialog-header' }, h('h2', null, title), closeButton),
    body,
    footer,
  );
  const close = () => {
    if (dialog.open) dialog.close();
  };
  closeButton.addEventListener('click', close);
  // A click on the backdrop (the dialog element itself, outside its content box) closes it.
  dialog.addEventListener('mousedown', (e) => {
    if (e.target === dialog) close();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    options.onClose?.();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return { dialog, body, footer, close };
}

/** Asks a yes/no question; resolves true when confirmed. */
export function confirmDialog(opts: { title: string; message: string; confirm: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const shell = openDialog(opts.title, { onClose: () => resolve(answer) });
    shell.body.appendChild(h('p', null, opts.message));
    const ok = h('button', { type: 'button', class: opts.danger ? 'button danger' : 'button primary' }, opts.confirm);
    const cancel = h('button', { type: 'button', class: 'button' }, t('dialog.cancel'));
    ok.addEventListener('click', () => {
      answer = true;
      shell.close();
    });
    cancel.addEventListener('click', () => shell.close());
    shell.footer.append(cancel, ok);
    ok.focus();
  });
}

/** Asks for a line of text; resolves null when cancelled. `validate` returns a message to refuse a value. */
export function promptDialog(opts: {
  title: string;
  label: string;
  value?: string;
  confirm: string;
  validate?: (value: string) => string | null;
}): Promise<string | null> {
  return new Promise((resolve) => {
    let answer: string | null = null;
    const shell = openDialog(opts.title, { onClose: () => resolve(answer) });
    const input = h('input', { type: 'text', class: 'text-input', value: opts.value ?? '', 'aria-label': opts.label, spellcheck: 'false' });
    const problem = h('p', { class: 'field-error', role: 'alert' });
    const form = h('form', { class: 'dialog-form', method: 'dialog' }, h('label', null, h('span', { class: 'field-label' }, opts.label), input), problem);
    const ok = h('button', { type: 'submit', class: 'button primary' }, opts.confirm);
    const cancel = h('button', { type: 'button', class: 'button' }, t('dialog.cancel'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = input.value.trim();
      const message = value === '' ? ' ' : (opts.validate?.(value) ?? null);
      if (message) {
        problem.textContent = message.trim();
        input.focus();
        return;
      }
      answer = value;
      shell.close();
    });
    ok.addEventListener('click', () => form.requestSubmit());
    cancel.addEventListener('click', () => shell.close());
    shell.body.appendChild(form);
    shell.footer.append(cancel, ok);
    input.focus();
    input.select();
  });
}
