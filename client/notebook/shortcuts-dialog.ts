/** The `?` help: every keyboard shortcut of the notebook, in the interface language. */
import { h } from '../ui/dom.js';
import { t, type MessageKey } from '../i18n/index.js';
import { openDialog } from '../ui/dialog.js';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl';

const EDITING: [string[], MessageKey][] = [
  [['Shift', 'Enter'], 'shortcuts.runAdvance'],
  [[MOD, 'Enter'], 'shortcuts.runInPlace'],
  [['Esc'], 'shortcuts.leave'],
  [['Ctrl', 'Space'], 'shortcuts.complete'],
  [[MOD, 'Z'], 'shortcuts.undo'],
  [[MOD, 'F'], 'shortcuts.find'],
];

const COMMAND: [string[], MessageKey][] = [
  [['Enter'], 'shortcuts.edit'],
  [['Shift', 'Enter'], 'shortcuts.run'],
  [['A'], 'shortcuts.addAbove'],
  [['B'], 'shortcuts.addBelow'],
  [['D', 'D'], 'shortcuts.delete'],
  [['M'], 'shortcuts.toMarkdown'],
  [['Y'], 'shortcuts.toSql'],
  [['J', 'K', '↑', '↓'], 'shortcuts.move'],
  [['?'], 'shortcuts.help'],
];

function table(rows: [string[], MessageKey][]): HTMLElement {
  return h(
    'dl',
    { class: 'shortcut-list' },
    ...rows.flatMap(([keys, label]) => [h('dt', null, ...keys.map((k) => h('kbd', null, k))), h('dd', null, t(label))]),
  );
}

export function showShortcuts(onClose?: () => void): void {
  const shell = openDialog(t('shortcuts.title'), { size: 'medium', onClose });
  shell.body.append(
    h('div', { class: 'shortcut-columns' },
      h('section', null, h('h3', null, t('shortcuts.editing')), table(EDITING)),
      h('section', null, h('h3', null, t('shortcuts.command')), table(COMMAND)),
    ),
  );
  const close = h('button', { type: 'button', class: 'button' }, t('dialog.close'));
  close.addEventListener('click', () => shell.close());
  shell.footer.append(close);
  close.focus();
}
