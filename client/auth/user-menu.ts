/**
 * The account menu of the top bar: who is signed in, change password (password accounts
 * only: a single sign-on account has none), sign out.
 */
import './auth.css';
import { h } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { openDialog } from '../ui/dialog.js';
import { navigate } from '../router.js';
import type { Me } from './api.js';
import { changePassword, logout } from './api.js';
import { setSignedOut } from './state.js';
import { field, input, messageLine } from './form.js';
import { refusalText } from './refusal.js';

/** A `<details>` menu: keyboard and outside-click behaviour come from the browser. */
export function userMenu(user: Me): HTMLElement {
  const shown = user.displayName || user.name;
  const change = user.sso ? null : h('button', { type: 'button', class: 'menu-item', 'data-testid': 'change-password' }, t('auth.menu.changePassword'));
  const out = h('button', { type: 'button', class: 'menu-item', 'data-testid': 'logout' }, t('auth.menu.logout'));
  const menu = h(
    'details',
    { class: 'user-menu', 'data-testid': 'user-menu' },
    h('summary', { class: 'user-menu-button', 'aria-label': t('auth.menu.label', { name: shown }), title: user.name }, shown),
    h('div', { class: 'user-menu-list', role: 'menu' },
      // Administrators manage accounts and the audit log there (client/admin).
      user.role === 'admin' ? h('a', { href: '/admin', 'data-link': true, class: 'menu-item', role: 'menuitem', 'data-testid': 'admin-link' }, t('admin.menu')) : null,
      change, out),
  );
  change?.addEventListener('click', () => {
    menu.open = false;
    passwordDialog();
  });
  out.addEventListener('click', () => {
    menu.open = false;
    void logout().then(() => {
      setSignedOut(false);
      navigate('/login', true);
    });
  });
  return menu;
}

function passwordDialog(): void {
  const shell = openDialog(t('auth.password.title'));
  const current = input('current', 'password', 'current-password');
  const next = input('next', 'password', 'new-password');
  const message = messageLine();
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('auth.password.submit'));
  const form = h('form', { class: 'auth-form', novalidate: true }, field(t('auth.password.current'), current), field(t('auth.password.next'), next), message.element, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      message.clear();
      submit.disabled = true;
      const r = await changePassword(current.value, next.value);
      submit.disabled = false;
      if (!r.ok) return message.show(refusalText(r, 'auth.password.wrong'));
      message.show(t('auth.password.changed'));
      setTimeout(() => shell.close(), 1200);
    })();
  });
  shell.body.append(form);
  current.focus();
}
