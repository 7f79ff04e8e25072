/** The sign-in page (`/login?next=…`): name and password, then back to the page asked for. */
import './auth.css';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import type { View } from '../view.js';
import { login, safeNext } from './api.js';
import { setSignedIn } from './state.js';
import { field, input, messageLine } from './form.js';
import { refusalText } from './refusal.js';

export class LoginView implements View {
  readonly element: HTMLElement;

  constructor() {
    const name = input('name', 'text', 'username');
    const password = input('password', 'password', 'current-password');
    const message = messageLine();
    const submit = h('button', { type: 'submit', class: 'button primary auth-submit', 'data-testid': 'auth-submit' }, t('auth.login.submit'));
    const form = h('form', { class: 'auth-form', novalidate: true }, field(t('auth.login.name'), name), field(t('auth.login.password'), password), message.element, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void (async () => {
        message.clear();
        if (!name.value.trim() || !password.value) return message.show(t('auth.login.missing'));
        submit.disabled = true;
        submit.textContent = t('auth.login.busy');
        const r = await login(name.value.trim(), password.value);
        submit.disabled = false;
        submit.textContent = t('auth.login.submit');
        if (!r.ok) {
          password.value = '';
          password.focus();
          return message.show(refusalText(r, 'auth.login.wrong'));
        }
        setSignedIn(r.value);
        navigate(safeNext(new URLSearchParams(location.search).get('next')), true);
      })();
    });
    this.element = h('section', { class: 'auth-page' }, h('div', { class: 'auth-card' }, h('h1', null, t('auth.login.title')), form));
    queueMicrotask(() => name.focus());
  }

  destroy(): void {}
}
