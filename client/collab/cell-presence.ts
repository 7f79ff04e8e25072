/**
 * Which cell each person is in: the local one is published in the awareness state (`cell`),
 * set when you click or focus inside a cell; the others are drawn as a bar of their colour on
 * the cell's edge, with their names.
 */
import type { Awareness } from 'y-protocols/awareness';
import { h, replaceChildren } from '../ui/dom.js';
import type { Person } from './people.js';

/** Publishes the cell the local person works in; returns the function that stops it. */
export function trackLocalCell(root: HTMLElement, awareness: Awareness): () => void {
  const onEvent = (e: Event) => {
    const cell = (e.target as HTMLElement | null)?.closest?.('.cell[data-cell-id]') as HTMLElement | null;
    const id = cell?.dataset.cellId;
    if (!id) return;
    const state = awareness.getLocalState();
    if (state && state.cell !== id) awareness.setLocalStateField('cell', id);
  };
  root.addEventListener('focusin', onEvent);
  root.addEventListener('mousedown', onEvent);
  return () => {
    root.removeEventListener('focusin', onEvent);
    root.removeEventListener('mousedown', onEvent);
  };
}

/** Draws, on each cell element, the others who are in it. `cells` are the shown cells by id. */
export function renderCellPresence(cells: ReadonlyMap<string, HTMLElement>, people: readonly Person[]): void {
  const byCell = new Map<string, Person[]>();
  const seen = new Set<string>();
  for (const p of people) {
    // A person with two tabs in one cell shows once.
    if (p.self || !p.cell || seen.has(`${p.key}/${p.cell}`)) continue;
    seen.add(`${p.key}/${p.cell}`);
    let list = byCell.get(p.cell);
    if (!list) byCell.set(p.cell, (list = []));
    list.push(p);
  }
  for (const [id, element] of cells) {
    const here = byCell.get(id) ?? [];
    let marker = element.querySelector<HTMLElement>(':scope > .cell-presence');
    if (here.length === 0) {
      marker?.remove();
      continue;
    }
    if (!marker) {
      marker = h('div', { class: 'cell-presence', 'data-testid': 'cell-presence' });
      element.appendChild(marker);
    }
    const names = here.map((p) => p.name).join(', ');
    const signature = here.map((p) => `${p.name}\u0000${p.color}`).join('\u0001');
    if (marker.dataset.signature === signature) continue;
    marker.dataset.signature = signature;
    marker.title = names;
    marker.dataset.names = names;
    replaceChildren(
      marker,
      h('div', { class: 'cell-presence-bar' }, here.map((p) => h('span', { style: `background:${p.color}` }))),
      h('div', { class: 'cell-presence-names' }, here.map((p) => h('span', { class: 'cell-presence-name', style: `background:${p.color}` }, p.name))),
    );
  }
}
