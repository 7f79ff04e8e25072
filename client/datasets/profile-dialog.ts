/** A dataset's profile (DuckDB SUMMARIZE) and sample rows, with a button to query it in a new cell. */
import { h, icon, replaceChildren } from '../ui/dom.js';
import { formatBytes, formatNumber, t } from '../i18n/index.js';
import { openDialog } from '../ui/dialog.js';
import { getDataset, type DatasetDetail } from '../api/datasets.js';

/** A profile figure as text: numbers formatted, long values cut. */
export function profileText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? formatNumber(v) : formatNumber(Math.round(v * 1000) / 1000);
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  // Timestamps arrive as ISO 8601 text: show them as DuckDB does.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s)) s = s.replace('T', ' ').replace(/(\.0+)?Z$/, '');
  // SUMMARIZE gives numbers of wide types as text: format those that are plain numbers.
  if (/^-?\d+(\.\d+)?$/.test(s) && s.length < 16) return profileText(Number(s));
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

export function showProfile(name: string, onNewCell: (name: string) => void): void {
  const shell = openDialog(t('datasets.profileTitle', { name }), { size: 'wide' });
  shell.body.appendChild(h('p', { class: 'page-loading' }, t('app.loading')));
  const newCell = h('button', { type: 'button', class: 'button primary', 'data-testid': 'profile-new-cell' }, icon('plus'), t('datasets.newCell', { name }));
  newCell.addEventListener('click', () => {
    shell.close();
    onNewCell(name);
  });
  const close = h('button', { type: 'button', class: 'button' }, t('dialog.close'));
  close.addEventListener('click', () => shell.close());
  shell.footer.append(close, newCell);
  getDataset(name).then(
    (d) => replaceChildren(shell.body, render(d)),
    (err: Error) => replaceChildren(shell.body, h('p', { class: 'error-text' }, err.message)),
  );
}

function render(d: DatasetDetail): HTMLElement {
  const facts = [
    d.rowCount !== undefined ? t('datasets.rows', { count: d.rowCount }) : null,
    t('datasets.columns', { count: d.columns.length }),
    d.bytes !== undefined ? formatBytes(d.bytes) : null,
    d.kind === 'folder' ? t('datasets.folder') : null,
  ].filter(Boolean) as string[];
  const byColumn = new Map(d.profile.rows.map((r) => [String(r.column_name ?? ''), r]));
  const head = ['datasets.column', 'datasets.type', 'datasets.min', 'datasets.max', 'datasets.unique', 'datasets.mean', 'datasets.nulls'] as const;
  const profile = h(
    'table',
    { class: 'profile-table' },
    h('thead', null, h('tr', null, ...head.map((k) => h('th', null, t(k))))),
    h('tbody', null, ...d.columns.map((c) => {
      const r = byColumn.get(c.name) ?? {};
      const nulls = r.null_percentage;
      return h('tr', null,
        h('td', null, h('code', null, c.name)),
        h('td', { class: 'type' }, c.type.toLowerCase()),
        h('td', null, profileText(r.min)),
        h('td', null, profileText(r.max)),
        h('td', { class: 'num' }, profileText(r.approx_unique)),
        h('td', { class: 'num' }, profileText(r.avg)),
        h('td', { class: 'num' }, nulls === undefined || nulls === null ? '' : `${profileText(nulls)} %`),
      );
    })),
  );
  const sampleCols = d.sample.columns.length ? d.sample.columns : d.columns;
  const sample = h(
    'div',
    { class: 'sample-scroll' },
    h('table', { class: 'profile-table sample' },
      h('thead', null, h('tr', null, ...sampleCols.map((c) => h('th', null, c.name)))),
      h('tbody', null, ...d.sample.rows.slice(0, 20).map((row) => h('tr', null, ...row.map((v) => (v === null ? h('td', { class: 'null' }, 'NULL') : h('td', null, profileText(v))))))),
    ),
  );
  return h('div', { class: 'profile' },
    h('p', { class: 'muted' }, facts.join(' · ')),
    d.error ? h('p', { class: 'error-text' }, t('datasets.error', { message: d.error })) : null,
    h('div', { class: 'profile-scroll' }, profile),
    h('h3', null, t('datasets.sample')),
    sample,
  );
}
