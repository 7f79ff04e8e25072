/**
 * The Accounts tab: one row per account, each field saved as soon as it changes
 * (display name, role, groups, clearance, active), a password reset (password accounts
 * only; single sign-on accounts say so instead), and a form to create an account. A refused change shows the server's sentence and reloads the row's
 * true values.
 */
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import { promptDialog } from '../ui/dialog.js';
import { createAccount, getLevels, listAccounts, resetPassword, setClearance, updateAccount, type Account, type Levels, type Marking } from './api.js';

/** "field, HQ ,, ops" → ["field", "HQ", "ops"]. Pure; the server lowercases and checks each. */
export function parseGroupList(text: string): string[] {
  return text.split(',').map((g) => g.trim()).filter((g) => g !== '');
}

export function accountsTab(): HTMLElement {
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'admin-table', 'data-testid': 'accounts-table' },
    h('thead', null, h('tr', null, ...(['admin.col.name', 'admin.col.displayName', 'admin.col.role', 'admin.col.groups', 'admin.col.clearance', 'admin.col.active', 'admin.col.actions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    body,
  );
  const root = h('div', { class: 'admin-accounts' }, h('div', { class: 'admin-scroll' }, table), newAccountForm(() => void load()));

  const load = async () => {
    try {
      const [accounts, levels] = await Promise.all([listAccounts(), getLevels().catch(() => null)]);
      replaceChildren(body, accounts.map((a) => accountRow(a, levels, () => void load())));
    } catch (err) {
      replaceChildren(body, h('tr', null, h('td', { colspan: 7, class: 'error-text' }, t('app.error', { message: (err as Error).message }))));
    }
  };
  void load();
  return root;
}

/** Runs a change; says it is saved, or why not and reloads. */
async function save(change: () => Promise<unknown>, reload: () => void): Promise<void> {
  try {
    await change();
    toast(t('admin.saved'));
  } catch (err) {
    toast(t('admin.failed', { message: (err as Error).message }), 'error');
    reload();
  }
}

function accountRow(a: Account, levels: Levels | null, reload: () => void): HTMLTableRowElement {
  const label = (text: string) => ({ 'aria-label': `${text} (${a.name})` });
  const display = h('input', { type: 'text', class: 'text-input', value: a.displayName, ...label(t('admin.col.displayName')) });
  display.addEventListener('change', () => void save(() => updateAccount(a.name, { displayName: display.value }), reload));

  const role = h('select', { class: 'text-input', ...label(t('admin.col.role')), 'data-testid': 'account-role' },
    h('option', { value: 'analyst', selected: a.role === 'analyst' }, t('admin.role.analyst')),
    h('option', { value: 'admin', selected: a.role === 'admin' }, t('admin.role.admin')));
  role.addEventListener('change', () => void save(() => updateAccount(a.name, { role: role.value }), reload));

  const groups = h('input', { type: 'text', class: 'text-input', value: a.groups.join(', '), placeholder: t('admin.groups.hint'), ...label(t('admin.col.groups')) });
  groups.addEventListener('change', () => void save(() => updateAccount(a.name, { groups: parseGroupList(groups.value) }), reload));

  // The provider sets a single sign-on account's role and groups at each sign-in: a change here would not last.
  if (a.sso) {
    for (const field of [role, groups]) {
      field.disabled = true;
      field.title = t('admin.sso.hint');
    }
  }

  const active = h('input', { type: 'checkbox', checked: !a.disabled, ...label(t('admin.col.active')), 'data-testid': 'account-active' });
  active.addEventListener('change', () => void save(() => updateAccount(a.name, { disabled: !active.checked }), reload));

  // A single sign-on account has no password (the server refuses a reset): say how it signs in instead.
  const reset = a.sso ? null : h('button', { type: 'button', class: 'button small', 'data-testid': 'account-reset' }, t('admin.reset'));
  reset?.addEventListener('click', () => {
    void promptDialog({ title: t('admin.reset.title', { name: a.name }), label: t('admin.new.password'), confirm: t('admin.reset') }).then(async (password) => {
      if (password === null) return;
      try {
        await resetPassword(a.name, password);
        toast(t('admin.reset.done', { name: a.name }));
      } catch (err) {
        toast(t('admin.failed', { message: (err as Error).message }), 'error');
      }
    });
  });

  return h('tr', { 'data-testid': 'account-row', 'data-name': a.name, class: a.disabled ? 'disabled' : null },
    h('td', { class: 'mono' }, a.name),
    h('td', null, display),
    h('td', null, role),
    h('td', null, groups),
    h('td', null, levels && a.clearance ? markingEditor(a.clearance, levels, a.name, (m) => save(() => setClearance(a.name, m), reload)) : '—'),
    h('td', null, active),
    h('td', null, reset ?? h('span', { class: 'admin-sso muted', title: t('admin.sso.hint'), 'data-testid': 'account-sso' }, t('admin.sso'))));
}

/** A level select and one checkbox per compartment; `onChange` gets the whole marking. */
export function markingEditor(m: Marking, levels: Levels, who: string, onChange: (m: Marking) => void): HTMLElement {
  const level = h('select', { class: 'text-input', 'aria-label': `${t('admin.datasets.level')} (${who})` },
    ...levels.levels.map((l) => h('option', { value: l.label, selected: l.label === m.level }, l.label)));
  const boxes = levels.compartments.map((c) => {
    const box = h('input', { type: 'checkbox', value: c, checked: m.compartments.includes(c) });
    return { c, box, label: h('label', { class: 'admin-compartment' }, box, c) };
  });
  const changed = () => onChange({ level: level.value, compartments: boxes.filter((b) => b.box.checked).map((b) => b.c) });
  level.addEventListener('change', changed);
  for (const b of boxes) b.box.addEventListener('change', changed);
  return h('div', { class: 'admin-marking' }, level, boxes.length ? h('span', { class: 'admin-compartments', title: t('admin.compartments') }, boxes.map((b) => b.label)) : null);
}

function newAccountForm(created: () => void): HTMLElement {
  const name = h('input', { type: 'text', class: 'text-input', name: 'name', autocomplete: 'off', spellcheck: 'false', required: true, 'data-testid': 'admin-new-name' });
  const display = h('input', { type: 'text', class: 'text-input', name: 'displayName', autocomplete: 'off', 'data-testid': 'admin-new-display' });
  const role = h('select', { class: 'text-input', name: 'role', 'data-testid': 'admin-new-role' }, h('option', { value: 'analyst' }, t('admin.role.analyst')), h('option', { value: 'admin' }, t('admin.role.admin')));
  const password = h('input', { type: 'password', class: 'text-input', name: 'password', autocomplete: 'new-password', required: true, 'data-testid': 'admin-new-password' });
  const groups = h('input', { type: 'text', class: 'text-input', name: 'groups', placeholder: t('admin.groups.hint'), 'data-testid': 'admin-new-groups' });
  const message = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'admin-new-message' });
  const submit = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'admin-new-submit' }, t('admin.new.submit'));
  const field = (text: string, control: HTMLElement) => h('label', { class: 'admin-field' }, h('span', { class: 'field-label' }, text), control);
  const form = h('form', { class: 'admin-new', novalidate: true },
    h('h2', null, t('admin.new.title')),
    h('div', { class: 'admin-fields' },
      field(t('admin.new.name'), name), field(t('admin.new.displayName'), display), field(t('admin.col.role'), role),
      field(t('admin.new.password'), password), field(t('admin.col.groups'), groups)),
    message, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      message.textContent = '';
      submit.disabled = true;
      try {
        const list = parseGroupList(groups.value);
        const a = await createAccount({ name: name.value.trim(), role: role.value, password: password.value, ...(display.value.trim() ? { displayName: display.value.trim() } : {}), ...(list.length ? { groups: list } : {}) });
        toast(t('admin.new.created', { name: a.name }));
        form.reset();
        created();
      } catch (err) {
        message.textContent = (err as Error).message;
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return form;
}
