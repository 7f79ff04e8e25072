/**
 * The Share dialog: the notebook's owner, the people and groups it is shared with (each with a
 * role and a remove button), an add row whose name field suggests accounts and groups from the
 * directory, and Save. Those who cannot share see the same list, read-only. Esc closes and the
 * focus returns to the button that opened it.
 */
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { openDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { getDirectory, getSharing, putSharing, SHARE_ROLES, type Directory, type NotebookRole, type Share, type ShareRole, type Sharing } from './api.js';
import { EVERYONE_VALUE, GROUP_PREFIX, removeShare, resolveEntry, sameShares, setShareRole, upsertShare } from './draft.js';
import { sharingIcon } from './icons.js';
import './sharing.css';

export interface ShareDialogOptions {
  notebookId: string;
  /** The notebook's title, for the dialog's heading. */
  title: string;
  /** After a successful save, with what the server kept. */
  onSaved?(sharing: Sharing): void;
}

let datalistSeq = 0;

/** The word for a role in the current language. */
export const roleLabel = (role: NotebookRole): string => t(`sharing.role.${role}`);

/** Opens the dialog; it loads the sharing and the directory itself. */
export function openShareDialog(options: ShareDialogOptions): void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const shell = openDialog(t('sharing.title', { title: options.title }), {
    onClose: () => {
      if (opener?.isConnected) opener.focus();
    },
  });
  shell.dialog.classList.add('share-dialog');
  shell.dialog.dataset.testid = 'share-dialog';
  replaceChildren(shell.body, h('p', { class: 'muted' }, t('sharing.loading')));
  const close = h('button', { type: 'button', class: 'button' }, t('dialog.close'));
  close.addEventListener('click', () => shell.close());
  shell.footer.append(close);
  void Promise.all([getSharing(options.notebookId), getDirectory().catch((): Directory => ({ users: [], groups: [] }))]).then(
    ([sharing, directory]) => {
      if (shell.dialog.open) new ShareEditor(shell, options, sharing, directory, close);
    },
    (err: Error) => replaceChildren(shell.body, h('p', { class: 'field-error', role: 'alert', 'data-testid': 'share-error' }, t('sharing.loadFailed', { message: err.message }))),
  );
}

/** The loaded dialog: keeps the edited list and redraws it. */
class ShareEditor {
  private shares: Share[];
  private readonly list: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly save: HTMLButtonElement | null = null;
  private readonly addInput: HTMLInputElement | null = null;

  constructor(
    private readonly shell: { dialog: HTMLDialogElement; body: HTMLElement; footer: HTMLElement; close(): void },
    private readonly options: ShareDialogOptions,
    private sharing: Sharing,
    private readonly directory: Directory,
    close: HTMLButtonElement,
  ) {
    this.shares = [...sharing.shares];
    this.list = h('ul', { class: 'share-list', 'aria-label': t('sharing.people'), 'data-testid': 'share-list' });
    this.problem = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'share-error' });
    const owner = h(
      'p',
      { class: 'share-owner', 'data-testid': 'share-owner' },
      sharing.owner === null ? t('sharing.noOwner') : [h('span', { class: 'field-label' }, t('sharing.owner')), ' ', this.personLabel(sharing.owner)],
    );
    const yourRole = h('p', { class: 'share-your-role small muted' }, sharing.role ? t('sharing.yourRole', { role: roleLabel(sharing.role) }) : null, sharing.canShare ? null : ` — ${t('sharing.readOnlyNote')}`);
    let add: HTMLElement | null = null;
    if (sharing.canShare) {
      const form = this.addRow();
      add = form.element;
      this.addInput = form.input;
      this.save = h('button', { type: 'button', class: 'button primary', 'data-testid': 'share-save', disabled: true }, t('sharing.save'));
      this.save.addEventListener('click', () => void this.submit());
      close.textContent = t('dialog.cancel');
      shell.footer.append(this.save);
    }
    replaceChildren(shell.body, owner, yourRole, h('h3', { class: 'field-label share-heading' }, t('sharing.people')), this.list, add, sharing.canShare ? this.problem : null);
    this.render();
    (this.addInput ?? close).focus();
  }

  private render(): void {
    if (this.shares.length === 0) {
      replaceChildren(this.list, h('li', { class: 'share-empty muted' }, t('sharing.none')));
    } else {
      replaceChildren(this.list, ...this.shares.map((s, i) => this.row(s, i)));
    }
    if (this.save) this.save.disabled = sameShares(this.shares, this.sharing.shares);
  }

  private row(share: Share, index: number): HTMLElement {
    const who = this.shareLabel(share);
    const kind = share.kind === 'user' ? 'person' : share.kind === 'group' ? 'group' : 'everyone';
    const main = h('span', { class: 'share-who' }, sharingIcon(kind, 15), who);
    if (!this.sharing.canShare) {
      return h('li', { class: 'share-row', 'data-testid': 'share-row', 'data-kind': share.kind, 'data-name': share.name }, main, h('span', { class: 'share-role-text', 'data-testid': 'share-role' }, roleLabel(share.role)));
    }
    const select = roleSelect(share.role, t('sharing.roleOf', { who }), 'share-role');
    select.addEventListener('change', () => {
      this.shares = setShareRole(this.shares, index, select.value as ShareRole);
      this.render();
      this.list.querySelectorAll<HTMLSelectElement>('[data-testid="share-role"]')[index]?.focus();
    });
    const remove = h('button', { type: 'button', class: 'icon-button', title: t('sharing.remove', { who }), 'aria-label': t('sharing.remove', { who }), 'data-testid': 'share-remove' }, '×');
    remove.addEventListener('click', () => {
      this.shares = removeShare(this.shares, index);
      this.render();
      const rest = this.list.querySelectorAll<HTMLButtonElement>('[data-testid="share-remove"]');
      (rest[Math.min(index, rest.length - 1)] ?? this.addInput)?.focus();
    });
    return h('li', { class: 'share-row', 'data-testid': 'share-row', 'data-kind': share.kind, 'data-name': share.name }, main, select, remove);
  }

  private addRow(): { element: HTMLElement; input: HTMLInputElement } {
    const listId = `share-directory-${++datalistSeq}`;
    const everyone = t('sharing.everyone');
    const datalist = h(
      'datalist',
      { id: listId },
      h('option', { value: everyone }),
      ...this.directory.users.map((u) => h('option', { value: u.name }, u.displayName === u.name ? u.name : `${u.displayName} (${u.name})`)),
      ...this.directory.groups.map((g) => h('option', { value: `${GROUP_PREFIX}${g}` }, t('sharing.group', { name: g }))),
    );
    const input = h('input', { type: 'text', class: 'text-input small', list: listId, placeholder: t('sharing.addPlaceholder'), 'aria-label': t('sharing.addLabel'), autocomplete: 'off', spellcheck: 'false', 'data-testid': 'share-add-name' });
    const role = roleSelect('viewer', t('sharing.addRole'), 'share-add-role');
    const button = h('button', { type: 'submit', class: 'button small', 'data-testid': 'share-add' }, t('sharing.add'));
    const form = h('form', { class: 'share-add' }, input, datalist, role, button);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const typed = input.value === EVERYONE_VALUE ? everyone : input.value;
      const resolved = resolveEntry(typed, role.value as ShareRole, this.directory, this.sharing.owner, everyone);
      if (!resolved.ok) {
        this.problem.textContent = resolved.problem === 'empty' ? t('sharing.addEmpty') : t(resolved.problem === 'owner' ? 'sharing.isOwner' : 'sharing.unknown', { name: resolved.name });
        input.focus();
        return;
      }
      this.problem.textContent = '';
      this.shares = upsertShare(this.shares, resolved.share);
      input.value = '';
      this.render();
      input.focus();
    });
    input.addEventListener('input', () => (this.problem.textContent = ''));
    return { element: h('div', { class: 'share-add-block' }, h('label', { class: 'field-label', for: listId }, t('sharing.addLabel')), form), input };
  }

  private async submit(): Promise<void> {
    const save = this.save!;
    save.disabled = true;
    save.textContent = t('sharing.saving');
    this.problem.textContent = '';
    try {
      const saved = await putSharing(this.options.notebookId, this.shares);
      this.sharing = saved;
      this.shares = [...saved.shares];
      toast(t('sharing.saved'));
      this.options.onSaved?.(saved);
      this.shell.close();
    } catch (err) {
      this.problem.textContent = t('sharing.saveFailed', { message: (err as Error).message });
      save.textContent = t('sharing.save');
      save.disabled = false;
      save.focus();
    }
  }

  private personLabel(name: string): string {
    const user = this.directory.users.find((u) => u.name.toLowerCase() === name.toLowerCase());
    return user && user.displayName !== user.name ? `${user.displayName} (${user.name})` : name;
  }

  private shareLabel(share: Share): string {
    if (share.kind === 'everyone') return t('sharing.everyone');
    if (share.kind === 'group') return t('sharing.group', { name: share.name });
    return this.personLabel(share.name);
  }
}

function roleSelect(value: ShareRole, label: string, testid: string): HTMLSelectElement {
  return h('select', { class: 'share-select', 'aria-label': label, 'data-testid': testid }, ...SHARE_ROLES.map((r) => h('option', { value: r, selected: r === value }, roleLabel(r))));
}
