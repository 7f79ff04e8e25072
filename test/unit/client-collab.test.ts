/** The pure parts of the collaboration interface: people from awareness, names, attribution. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asCellId } from '../../core/ids.js';
import { cellMap, cellSource, insertCell, loadNotebookIntoDoc, moveCell } from '../../core/notebook/ydoc.js';
import { distinctPeople, peopleFrom } from '../../client/collab/people.js';
import { cleanName, colorFor, initials } from '../../client/notebook/presence.js';
import { AttributionStamper, attributionText, relativeTime } from '../../client/collab/attribution.js';

describe('people in a notebook', () => {
  it('reads awareness states defensively, self first, and shows a person with two tabs once', () => {
    const states = new Map<number, unknown>([
      [3, { user: { name: 'Bruno', color: '#15803d', id: 'b1' }, cell: 'c2' }],
      [1, { user: { name: 'Ana Lima', color: '#2f6fdf', id: 'a1' } }],
      [7, { user: { name: 'Bruno', color: '#15803d', id: 'b1' }, cell: 'c9' }],
      [8, { user: { name: '   ' } }],
      [9, { user: 'not an object' }],
      [10, null],
      [11, { user: { name: 'Eve', color: 'red;background:url(x)' }, cell: 42 }],
    ]);
    const people = peopleFrom(states, 1);
    expect(people.map((p) => [p.clientId, p.name, p.self, p.cell ?? null])).toStrictEqual([
      [1, 'Ana Lima', true, null],
      [3, 'Bruno', false, 'c2'],
      [7, 'Bruno', false, 'c9'],
      [11, 'Eve', false, null],
    ]);
    // A colour that is not a colour is never put into a style.
    expect(people[3]!.color).toBe('#6b7280');
    expect(distinctPeople(people).map((p) => p.clientId)).toStrictEqual([1, 3, 11]);
  });

  it('makes initials, clean names and stable colours', () => {
    expect(initials('Ana Lima')).toBe('AL');
    expect(initials('bruno')).toBe('B');
    expect(initials('jean-marc lévêque')).toBe('JM');
    expect(initials('🙂 smile')).toBe('🙂S');
    expect(initials('  ')).toBe('?');
    expect(cleanName('  Ana \n  Lima ')).toBe('Ana Lima');
    expect(cleanName('   ')).toBeNull();
    expect(cleanName('x'.repeat(100))).toHaveLength(60);
    expect(colorFor('u-ana')).toBe(colorFor('u-ana'));
    expect(colorFor('u-ana')).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('attribution', () => {
  const now = Date.parse('2026-03-12T10:00:00.000Z');

  it('says who edited a cell and how long ago', () => {
    expect(relativeTime(new Date(now - 10_000), now, 'en')).toBe('just now');
    expect(relativeTime(new Date(now - 3 * 60_000), now, 'en')).toBe('3 min. ago');
    expect(relativeTime(new Date(now - 5 * 3600_000), now, 'en')).toBe('5 hr. ago');
    expect(relativeTime(new Date(now - 24 * 3600_000), now, 'en')).toBe('yesterday');
    expect(attributionText('Ana', '2026-03-12T09:57:00.000Z', now)).toBe('edited by Ana · 3 min. ago');
    expect(attributionText('Ana', undefined, now)).toBe('edited by Ana');
    expect(attributionText(undefined, 'garbage', now)).toBeNull();
    expect(attributionText(42, 7, now)).toBeNull();
  });

  it('stamps local edits at most once per interval per cell, never remote ones, moves or stamps', async () => {
    const doc = new Y.Doc();
    loadNotebookIntoDoc(doc, { meta: { title: 'x' }, cells: [{ id: asCellId('a'), kind: 'sql', source: 'SELECT 1' }, { id: asCellId('b'), kind: 'sql', source: '' }] }, 'file');
    let clock = now;
    const stamper = new AttributionStamper(doc, () => 'Ana', 5000, () => clock);
    const undo = new Y.UndoManager(doc.getArray('cells'), { trackedOrigins: new Set(['ui']) });
    const flush = () => new Promise((r) => setTimeout(r, 0));
    const stamp = (id: string) => [cellMap(doc, id)!.get('editedBy') ?? null, cellMap(doc, id)!.get('editedAt') ?? null];

    doc.transact(() => cellSource(cellMap(doc, 'a')!).insert(0, '-- '), 'ui');
    await flush();
    expect(stamp('a')).toStrictEqual(['Ana', '2026-03-12T10:00:00.000Z']);
    expect(stamp('b')).toStrictEqual([null, null]);
    clock += 2000;
    doc.transact(() => cellSource(cellMap(doc, 'a')!).insert(0, 'x'), 'ui');
    await flush();
    expect(stamp('a')[1]).toBe('2026-03-12T10:00:00.000Z');
    clock += 4000;
    doc.transact(() => cellSource(cellMap(doc, 'a')!).insert(0, 'y'), 'ui');
    await flush();
    expect(stamp('a')[1]).toBe('2026-03-12T10:00:06.000Z');

    // Moving is not editing; an edit from elsewhere is stamped by its author, not here.
    moveCell(doc, asCellId('b'), 0, 'ui');
    await flush();
    expect(stamp('b')).toStrictEqual([null, null]);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    cellSource(cellMap(other, 'b')!).insert(0, 'remote');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
    await flush();
    expect(stamp('b')).toStrictEqual([null, null]);

    // A new cell is stamped by its creator.
    insertCell(doc, 0, { id: asCellId('n'), kind: 'markdown', source: '' }, 'ui');
    await flush();
    expect(stamp('n')[0]).toBe('Ana');

    // Undo takes back the edits, not the stamps.
    undo.undo();
    await flush();
    expect(cellMap(doc, 'n')).toBeUndefined();
    stamper.destroy();
  });
});
