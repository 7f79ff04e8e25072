/**
 * `/admin`: the administrators' page, three tabs — accounts, the audit log, dataset
 * markings. Analysts who type the address get a sentence, not a broken page; the server
 * refuses their calls anyway.
 */
import './admin.css';
import { h, replaceChildren } from '../ui/dom.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { View } from '../view.js';
import { authGate } from '../auth/index.js';
import { accountsTab } from './accounts.js';
import { auditTab } from './audit.js';
import { datasetsTab } from './datasets.js';

type Tab = 'accounts' | 'audit' | 'datasets';
const TABS: [Tab, MessageKey][] = [['accounts', 'admin.tab.accounts'], ['audit', 'admin.tab.audit'], ['datasets', 'admin.tab.datasets']];

export class AdminView implements View {
  readonly element: HTMLElement;
  readonly header: HTMLElement;
  private readonly panel = h('div', { class: 'admin-panel', role: 'tabpanel' });
  private readonly buttons = new Map<Tab, HTMLButtonElement>();
  private destroyed = false;

  constructor() {
    document.title = `${t('admin.title')} — ${t('app.name')}`;
    this.header = h('span', { class: 'topbar-heading' }, t('admin.title'));
    const tabs = h('div', { class: 'admin-tabs', role: 'tablist' });
    for (const [tab, label] of TABS) {
      const b = h('button', { type: 'button', role: 'tab', class: 'admin-tab', 'data-testid': `admin-tab-${tab}` }, t(label));
      b.addEventListener('click', () => this.show(tab));
      this.buttons.set(tab, b);
      tabs.append(b);
    }
    this.element = h('section', { class: 'admin', 'data-testid': 'admin-page' }, h('h1', null, t('admin.title')), tabs, this.panel);
    void this.start();
  }

  private async start(): Promise<void> {
    const gate = await authGate(location.pathname);
    if (this.destroyed) return;
    if (gate.user && gate.user.role !== 'admin') {
      replaceChildren(this.element, h('p', { class: 'message-page' }, t('admin.forbidden')));
      return;
    }
    this.show('accounts');
  }

  private show(tab: Tab): void {
    for (const [name, b] of this.buttons) {
      b.setAttribute('aria-selected', String(name === tab));
      b.classList.toggle('active', name === tab);
    }
    const content = tab === 'accounts' ? accountsTab() : tab === 'audit' ? auditTab() : datasetsTab();
    replaceChildren(this.panel, content);
  }

  destroy(): void {
    this.destroyed = true;
  }
}
