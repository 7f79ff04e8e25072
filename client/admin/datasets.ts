/** The Datasets tab: each dataset's marking (level and compartments), saved on change. */
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { toast } from '../ui/toast.js';
import { getLevels, listDatasetMarkings, setDatasetMarking } from './api.js';
import { markingEditor } from './accounts.js';

export function datasetsTab(): HTMLElement {
  const body = h('tbody');
  const table = h('table', { class: 'admin-table', 'data-testid': 'datasets-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('admin.col.name')), h('th', { scope: 'col' }, t('admin.datasets.level')))),
    body);
  const load = async () => {
    try {
      const [list, levels] = await Promise.all([listDatasetMarkings(), getLevels()]);
      if (list.length === 0) return replaceChildren(body, h('tr', null, h('td', { colspan: 2, class: 'empty-state' }, t('admin.datasets.none'))));
      replaceChildren(body, list.map((d) => h('tr', { 'data-testid': 'dataset-marking-row', 'data-name': d.name },
        h('td', { class: 'mono' }, d.name),
        h('td', null, markingEditor(d.marking, levels, d.name, (m) => {
          void setDatasetMarking(d.name, m).then(
            () => toast(t('admin.saved')),
            (err: Error) => {
              toast(t('admin.failed', { message: err.message }), 'error');
              void load();
            },
          );
        })))));
    } catch (err) {
      replaceChildren(body, h('tr', null, h('td', { colspan: 2, class: 'error-text' }, t('app.error', { message: (err as Error).message }))));
    }
  };
  void load();
  return h('div', { class: 'admin-datasets' }, h('div', { class: 'admin-scroll' }, table));
}
