/** Importing a dropped or chosen file as a dataset, with progress and a clear error. */
import { h, icon, replaceChildren } from '../ui/dom.js';
import { formatNumber, t } from '../i18n/index.js';
import { promptDialog } from '../ui/dialog.js';
import { importDataset, type Dataset } from '../api/datasets.js';
import { datasetNameProblem, isImportable, suggestDatasetName } from './dataset-name.js';

/** Shows uploads in `host` (one line each); resolves the imported dataset or null. */
export async function uploadFile(file: File, existing: readonly string[], host: HTMLElement): Promise<Dataset | null> {
  const line = h('div', { class: 'upload' });
  host.appendChild(line);
  const fail = (message: string) => {
    const close = h('button', { type: 'button', class: 'icon-button', 'aria-label': t('dialog.close') }, icon('close', 13));
    close.addEventListener('click', () => line.remove());
    replaceChildren(line, h('p', { class: 'error-text', role: 'alert', 'data-testid': 'upload-error' }, message), close);
    line.classList.add('failed');
  };
  if (!isImportable(file.name)) {
    fail(t('datasets.badType', { file: file.name }));
    return null;
  }
  const name = await promptDialog({
    title: t('datasets.import'),
    label: t('datasets.importName', { file: file.name }),
    value: suggestDatasetName(file.name),
    confirm: t('dialog.ok'),
    validate: (v) => {
      const problem = datasetNameProblem(v, existing);
      return problem === 'invalid' ? t('cell.nameInvalid', { name: v }) : problem === 'taken' ? t('datasets.nameTaken', { name: v }) : null;
    },
  });
  if (name === null) {
    line.remove();
    return null;
  }
  const bar = h('progress', { max: 1, value: 0 });
  const label = h('span', null, t('datasets.uploading', { file: file.name, percent: '0 %' }));
  replaceChildren(line, label, bar);
  try {
    const dataset = await importDataset(file, name, (fraction) => {
      bar.value = fraction;
      label.textContent = fraction >= 1 ? t('datasets.converting', { file: file.name }) : t('datasets.uploading', { file: file.name, percent: `${formatNumber(Math.round(fraction * 100))} %` });
      if (fraction >= 1) bar.removeAttribute('value');
    });
    replaceChildren(line, h('p', { class: 'ok-text' }, t('datasets.imported', { name: dataset.name, count: dataset.rowCount ?? 0 })));
    setTimeout(() => line.remove(), 6000);
    return dataset;
  } catch (err) {
    fail(t('datasets.importFailed', { file: file.name, message: (err as Error).message }));
    return null;
  }
}
