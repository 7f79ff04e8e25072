/**
 * The Audit log tab: filters, the matching records newest first (page by page), the
 * chain check, and "Open in a notebook", which makes a notebook over the dataset
 * `audit_log` and opens it.
 */
import { h, replaceChildren } from '../ui/dom.js';
import { dateFormat, t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import { navigate, notebookPath } from '../router.js';
import { AUDIT_ACTIONS, auditNotebook, searchAudit, verifyAudit, type AuditFilter, type AuditRecord } from './api.js';

/** The day after a YYYY-MM-DD date: the server's `to` is exclusive, the page's "to" inclusive. Pure. */
export function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A record's details in one line (`key: value`), the compiled SQL of a query set apart. Pure. */
export function summarise(r: AuditRecord): { sql?: string; text: string } {
  const { compiledSql, ...rest } = r.details;
  const parts = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const text = parts.join(' · ');
  return { ...(typeof compiledSql === 'string' && compiledSql ? { sql: compiledSql } : {}), text: text.length > 400 ? `${text.slice(0, 400)}…` : text };
}

export function auditTab(): HTMLElement {
  const input = (name: string, type = 'text') => h('input', { type, name, class: 'text-input', spellcheck: 'false', autocomplete: 'off', 'data-testid': `audit-${name}` });
  const who = input('actor');
  const target = input('target');
  const from = input('from', 'date');
  const to = input('to', 'date');
  const text = input('q', 'search');
  const action = h('select', { name: 'action', class: 'text-input', 'data-testid': 'audit-action' }, h('option', { value: '' }, t('admin.audit.anyAction')), ...AUDIT_ACTIONS.map((a) => h('option', { value: a }, a)));
  const search = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'audit-search' }, t('admin.audit.search'));
  const field = (label: string, control: HTMLElement) => h('label', { class: 'admin-field' }, h('span', { class: 'field-label' }, label), control);
  const form = h('form', { class: 'admin-filters', role: 'search' },
    field(t('admin.audit.who'), who), field(t('admin.audit.action'), action), field(t('admin.audit.target'), target),
    field(t('admin.audit.from'), from), field(t('admin.audit.to'), to), field(t('admin.audit.text'), text), search);

  const verify = h('button', { type: 'button', class: 'button', 'data-testid': 'audit-verify' }, t('admin.audit.verify'));
  const verdict = h('span', { class: 'admin-verdict', role: 'status', 'data-testid': 'audit-verify-result' });
  const open = h('button', { type: 'button', class: 'button', 'data-testid': 'audit-notebook' }, t('admin.audit.notebook'));
  const rows = h('tbody');
  const count = h('p', { class: 'muted small', 'data-testid': 'audit-count' });
  const more = h('button', { type: 'button', class: 'button', hidden: true, 'data-testid': 'audit-more' }, t('admin.audit.more'));
  const table = h('table', { class: 'admin-table audit-table', 'data-testid': 'audit-table' },
    h('thead', null, h('tr', null, ...(['admin.audit.time', 'admin.audit.who', 'admin.audit.action', 'admin.audit.target', 'admin.audit.details'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    rows);

  let filter: AuditFilter = {};
  let next: number | null = null;
  let shown = 0;
  let generation = 0;

  const load = async (append: boolean) => {
    const mine = ++generation;
    if (!append) {
      next = null;
      shown = 0;
    }
    try {
      const page = await searchAudit(filter, append ? next : null);
      if (mine !== generation) return;
      if (!append) replaceChildren(rows);
      rows.append(...page.records.map(recordRow));
      shown += page.records.length;
      next = page.next;
      more.hidden = next === null;
      count.textContent = shown === 0 ? t('admin.audit.none') : t('admin.audit.count', { shown, total: page.total });
    } catch (err) {
      count.textContent = t('app.error', { message: (err as Error).message });
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filter = {
      actor: who.value.trim(),
      action: action.value,
      target: target.value.trim(),
      from: from.value,
      to: to.value ? dayAfter(to.value) : '',
      q: text.value.trim(),
    };
    void load(false);
  });
  more.addEventListener('click', () => void load(true));
  verify.addEventListener('click', () => {
    verdict.textContent = '…';
    void verifyAudit().then(
      (r) => {
        verdict.className = `admin-verdict ${r.ok ? 'ok-text' : 'error-text'}`;
        verdict.textContent = r.ok ? t('admin.audit.verifyOk', { records: r.records }) : t('admin.audit.verifyBad', { seq: r.seq, reason: r.reason, records: r.records });
      },
      (err: Error) => {
        verdict.className = 'admin-verdict error-text';
        verdict.textContent = t('app.error', { message: err.message });
      },
    );
  });
  open.addEventListener('click', () => {
    open.disabled = true;
    void auditNotebook().then(
      ({ id }) => navigate(notebookPath(id)),
      (err: Error) => {
        open.disabled = false;
        toast(t('app.error', { message: err.message }), 'error');
      },
    );
  });

  void load(false);
  return h('div', { class: 'admin-audit' },
    form,
    h('div', { class: 'admin-toolbar' }, verify, verdict, h('span', { class: 'admin-spacer' }), open),
    count,
    h('div', { class: 'admin-scroll' }, table),
    more);
}

function recordRow(r: AuditRecord): HTMLTableRowElement {
  const time = new Date(r.time);
  const { sql, text } = summarise(r);
  const who = [r.actor.name ?? r.actor.userId ?? '—', r.actor.address ? ` (${r.actor.address})` : ''].join('');
  return h('tr', { 'data-testid': 'audit-row', 'data-seq': r.seq, 'data-action': r.action },
    h('td', { class: 'nowrap', title: r.time }, Number.isNaN(time.getTime()) ? r.time : dateFormat({ dateStyle: 'short', timeStyle: 'medium' }).format(time)),
    h('td', null, who),
    h('td', null, h('span', { class: `badge audit-${r.action}` }, r.action)),
    h('td', { class: 'mono' }, r.target ?? ''),
    h('td', { class: 'audit-details' }, text ? h('span', null, text) : null, sql ? h('pre', { class: 'audit-sql' }, sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql) : null));
}
