/**
 * The owner's "Change marking…" dialog: a level (only those within the owner's clearance,
 * since the server refuses a raise above it), compartments as checkboxes, Apply, and
 * "Remove the raise". It says why the marking may stay higher than the level picked: it
 * never goes below what the notebook's results read. Esc closes; the focus returns.
 */
import { h, replaceChildren } from '../ui/dom.js';
import { t } from '../i18n/index.js';
import { openDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { getMarkingLevels, putNotebookMarking, type Marking, type MarkingLevels, type NotebookMarkings } from './api.js';

export interface RaiseDialogOptions {
  notebookId: string;
  current: NotebookMarkings;
  /** With the markings the server answered after a change. */
  onSaved(markings: NotebookMarkings): void;
}

/** Comparison key of a label: case, accents and runs of spaces do not matter (as on the server). */
const labelKey = (label: string) => label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/\s+/g, ' ').trim();

/** The levels (lowest first) up to and including `clearance`'s. Pure. */
export function raisableLevels(levels: readonly string[], clearance: string): string[] {
  const top = levels.findIndex((l) => labelKey(l) === labelKey(clearance));
  return top < 0 ? [] : levels.slice(0, top + 1);
}

/** The compartments the reader holds, in configured order. Pure. */
export function raisableCompartments(compartments: readonly string[], clearance: readonly string[]): string[] {
  const held = new Set(clearance.map((c) => c.toLowerCase()));
  return compartments.filter((c) => held.has(c.toLowerCase()));
}

/** Opens the dialog; it loads the levels itself. */
export function openRaiseDialog(options: RaiseDialogOptions): void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const shell = openDialog(t('markings.dialogTitle'), {
    onClose: () => {
      if (opener?.isConnected) opener.focus();
    },
  });
  shell.dialog.dataset.testid = 'raise-dialog';
  replaceChildren(shell.body, h('p', { class: 'muted' }, t('markings.loading')));
  const cancel = h('button', { type: 'button', class: 'button' }, t('dialog.cancel'));
  cancel.addEventListener('click', () => shell.close());
  shell.footer.append(cancel);
  getMarkingLevels().then(
    (levels) => {
      if (shell.dialog.open) fill(shell, options, levels);
    },
    (err: Error) => replaceChildren(shell.body, h('p', { class: 'field-error', role: 'alert' }, t('markings.loadFailed', { message: err.message }))),
  );
}

function fill(shell: { dialog: HTMLDialogElement; body: HTMLElement; footer: HTMLElement; close(): void }, options: RaiseDialogOptions, levels: MarkingLevels): void {
  const { current } = options;
  const offered = raisableLevels(levels.levels, levels.clearance.level);
  const wanted = current.raised?.level ?? offered[0] ?? '';
  const select = h(
    'select',
    { class: 'text-input', 'data-testid': 'raise-level', 'aria-label': t('markings.level') },
    offered.map((l) => h('option', { value: l, selected: labelKey(l) === labelKey(wanted) }, l)),
  );
  const boxes = raisableCompartments(levels.compartments, levels.clearance.compartments).map((c) => {
    const checked = current.raised?.compartments.some((x) => x.toLowerCase() === c.toLowerCase()) ?? false;
    const input = h('input', { type: 'checkbox', value: c, checked, 'data-testid': `raise-compartment-${c}` });
    return { name: c, input, label: h('label', { class: 'raise-compartment' }, input, ' ', c) };
  });
  const problem = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'raise-error' });
  const r = current.raised;
  const raisedLabel = r ? (r.compartments.length ? `${r.level} // ${r.compartments.join(', ')}` : r.level) : null;
  replaceChildren(
    shell.body,
    h('p', { 'data-testid': 'raise-current' }, t('markings.current', { label: current.marking.label })),
    h('p', { class: 'small muted' }, raisedLabel ? t('markings.raisedTo', { label: raisedLabel }) : t('markings.notRaised')),
    h('p', { class: 'small' }, t('markings.explain')),
    h('label', { class: 'raise-field' }, h('span', { class: 'field-label' }, t('markings.level')), select),
    boxes.length ? h('fieldset', { class: 'raise-compartments' }, h('legend', { class: 'field-label' }, t('markings.compartments')), boxes.map((b) => b.label)) : null,
    h('p', { class: 'small muted' }, t('markings.limit')),
    problem,
  );

  const apply = h('button', { type: 'button', class: 'button primary', 'data-testid': 'raise-save', disabled: offered.length === 0 }, t('markings.apply'));
  const remove = current.raised ? h('button', { type: 'button', class: 'button danger', 'data-testid': 'raise-remove' }, t('markings.remove')) : null;
  const buttons = [apply, ...(remove ? [remove] : [])];
  const save = async (m: Marking | null) => {
    for (const b of buttons) b.disabled = true;
    problem.textContent = t('markings.saving');
    try {
      const next = await putNotebookMarking(options.notebookId, m);
      options.onSaved(next);
      toast(t('markings.saved', { label: next.marking.label }));
      shell.close();
    } catch (err) {
      problem.textContent = t('markings.saveFailed', { message: (err as Error).message });
      for (const b of buttons) b.disabled = false;
    }
  };
  apply.addEventListener('click', () => void save({ level: select.value, compartments: boxes.filter((b) => b.input.checked).map((b) => b.name) }));
  remove?.addEventListener('click', () => void save(null));
  shell.footer.append(...(remove ? [remove] : []), apply);
  select.focus();
}
