/** Labelled inputs and the message line shared by the sign-in, setup and password forms. */
import { h } from '../ui/dom.js';

export function field(label: string, input: HTMLInputElement): HTMLLabelElement {
  return h('label', { class: 'auth-field' }, h('span', null, label), input);
}

export function input(name: string, type: 'text' | 'password', autocomplete: string, required = true): HTMLInputElement {
  return h('input', { name, type, autocomplete, required, spellcheck: 'false', autocapitalize: 'off', class: 'auth-input', 'data-testid': `auth-${name}` });
}

/** The line that says what went wrong; `role=alert` so screen readers announce it. */
export function messageLine(testId = 'auth-message'): { element: HTMLElement; show(text: string): void; clear(): void } {
  const element = h('p', { class: 'auth-message', role: 'alert', 'data-testid': testId, hidden: true });
  return {
    element,
    show(text) {
      element.textContent = text;
      element.hidden = false;
    },
    clear() {
      element.textContent = '';
      element.hidden = true;
    },
  };
}
