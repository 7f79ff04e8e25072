/**
 * The first-start page (`/setup?token=…`): creates the first administrator with the
 * one-time token the server printed, then signs in as them.
 */
import './auth.css';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import type { View } from '../view.js';
import { fetchProviders, oidcLoginHref, setupAdmin } from './api.js';
import { setSignedIn, setSignedOut } from './state.js';
import { field, input, messageLine } from './form.js';

/** The server's minimum (server/auth/rules.ts MIN_PASSWORD); checked here only to answer sooner. */
const MIN_PASSWORD = 12;

export class SetupView implements View {
  readonly element: HTMLElement;

  constructor() {
    const token = new URLSearchParams(location.search).get('token') ?? '';
    const card = h('div', { class: 'auth-card' }, h('h1', null, t('auth.setup.title')));
    this.element = h('section', { class: 'auth-page' }, card);
    if (!token) {
      card.append(h('p', { class: 'auth-message', 'data-testid': 'setup-no-token' }, t('auth.setup.noToken')));
      // With single sign-on, members of the provider's administrator groups need no link.
      void fetchProviders().then((p) => {
        if (!p.oidc) return;
        card.append(h('p', { class: 'muted' }, t('auth.setup.orSso')), h('a', { class: 'button primary auth-sso-button', href: oidcLoginHref('/'), 'data-testid': 'auth-sso' }, t('auth.login.sso', { name: p.oidc.name })));
      });
      return;
    }
    const name = input('name', 'text', 'username');
    const displayName = input('displayName', 'text', 'name', false);
    const password = input('password', 'password', 'new-password');
    const confirm = input('confirm', 'password', 'new-password');
    const message = messageLine();
    const submit = h('button', { type: 'submit', class: 'button primary auth-submit', 'data-testid': 'auth-submit' }, t('auth.setup.submit'));
    const form = h(
      'form',
      { class: 'auth-form', novalidate: true },
      field(t('auth.login.name'), name),
      field(t('auth.setup.displayName'), displayName),
      field(t('auth.login.password'), password),
      field(t('auth.setup.confirm'), confirm),
      message.element,
      submit,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void (async () => {
        message.clear();
        if (!name.value.trim() || !password.value) return message.show(t('auth.login.missing'));
        if ([...password.value].length < MIN_PASSWORD) return message.show(t('auth.setup.tooShort', { min: MIN_PASSWORD }));
        if (password.value !== confirm.value) return message.show(t('auth.setup.mismatch'));
        submit.disabled = true;
        const r = await setupAdmin({ token, name: name.value.trim(), password: password.value, ...(displayName.value.trim() ? { displayName: displayName.value.trim() } : {}) });
        submit.disabled = false;
        if (!r.ok) {
          if (r.status === 409) {
            setSignedOut(false);
            return message.show(t('auth.setup.done'));
          }
          return message.show(t('auth.error', { message: r.message }));
        }
        setSignedIn(r.value);
        navigate('/', true);
      })();
    });
    card.append(h('p', { class: 'muted' }, t('auth.setup.intro')), form);
    queueMicrotask(() => name.focus());
  }

  destroy(): void {}
}
