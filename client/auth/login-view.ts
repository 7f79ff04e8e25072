/**
 * The sign-in page (`/login?next=…`): name and password, then back to the page asked
 * for; above them a "Sign in with …" button when the server has a single sign-on
 * provider. `?error=oidc-<code>` (where a failed single sign-on lands) is worded here.
 */
import './auth.css';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import type { View } from '../view.js';
import { fetchProviders, login, oidcLoginHref, safeNext } from './api.js';
import type { MessageKey } from '../i18n/index.js';
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
    const params = new URLSearchParams(location.search);
    const next = safeNext(params.get('next'));
    const ssoMessage = messageLine('auth-sso-message');
    const error = oidcErrorKey(params.get('error'));
    if (error) ssoMessage.show(t(error));
    const sso = h('div', { class: 'auth-sso', hidden: true });
    this.element = h('section', { class: 'auth-page' }, h('div', { class: 'auth-card' }, h('h1', null, t('auth.login.title')), ssoMessage.element, sso, form));
    queueMicrotask(() => name.focus());
    void fetchProviders().then((p) => {
      if (!p.oidc) return;
      // A plain link, not fetch: the provider's pages need a top-level navigation.
      const button = h('a', { class: 'button primary auth-sso-button', href: oidcLoginHref(next), 'data-testid': 'auth-sso' }, t('auth.login.sso', { name: p.oidc.name }));
      sso.append(button, h('p', { class: 'auth-or' }, t('auth.login.or')));
      sso.hidden = false;
    });
  }

  destroy(): void {}
}

const OIDC_ERRORS = ['unavailable', 'expired', 'state', 'denied', 'provider', 'refused', 'disabled', 'failed'] as const;

/**
 * The message for `?error=`: only the server's known codes are worded, anything else
 * says single sign-on failed, so a crafted link cannot put its own text on the page. Pure.
 */
export function oidcErrorKey(raw: string | null): MessageKey | null {
  if (!raw) return null;
  const code = raw.startsWith('oidc-') ? raw.slice(5) : '';
  return `auth.oidc.${(OIDC_ERRORS as readonly string[]).includes(code) ? code : 'failed'}` as MessageKey;
}
