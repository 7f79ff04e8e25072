/** Comparing two states of a notebook, and restoring one into a live document. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asCellId } from '../../core/ids.js';
import { diffLines, diffNotebooks } from '../../core/notebook/diff.js';
import type { CellData, NotebookData } from '../../core/notebook/model.js';
import { restoreNotebook } from '../../core/notebook/restore.js';
import { cellMap, cellSource, docToNotebook, loadNotebookIntoDoc, moveCell } from '../../core/notebook/ydoc.js';
import { addThread, deleteThread, readComments } from '../../core/notebook/comments.js';

const cells = (...specs: Array<[string, string]>): CellData[] => specs.map(([id, source]) => ({ id: asCellId(id), kind: 'sql', source }));
const nb = (title: string, list: CellData[]): NotebookData => ({ meta: { title }, cells: list });
const docOf = (data: NotebookData) => {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(doc, data, 'file');
  return doc;
};
const plain = (data: NotebookData) => ({ title: data.meta.title, cells: data.cells.map(({ id, kind, name, source }) => ({ id, kind, name, source })) });

describe('line diff', () => {
  it('reconstructs both texts: same + removed lines are the old one, same + added the new one', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'SELECT 1', '', 'x y'), { maxLength: 12 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const lines = diffLines(a, b);
        expect(lines.filter((l) => l.op !== 'added').map((l) => l.text).join('\n')).toBe(a);
        expect(lines.filter((l) => l.op !== 'removed').map((l) => l.text).join('\n')).toBe(b);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('notebook diff', () => {
  it('says which cells were added, removed, changed and moved since a version', () => {
    const before = nb('Calls', cells(['a', 'SELECT 1'], ['b', 'SELECT 2'], ['c', 'SELECT 3'], ['d', 'SELECT 4']));
    const after = nb('Calls (v2)', cells(['b', 'SELECT 2'], ['a', 'SELECT 1'], ['c', 'SELECT 3\nWHERE x'], ['e', 'new']));
    const diff = diffNotebooks(before, after);
    expect(diff.title).toStrictEqual({ before: 'Calls', after: 'Calls (v2)' });
    expect(diff.counts).toStrictEqual({ added: 1, removed: 1, changed: 1, moved: 1 });
    // a and b swapped: one of them counts as moved (either is a shortest explanation).
    const statuses = diff.cells.map((c) => `${c.id}:${c.status}`);
    expect([['b:same', 'a:moved'], ['b:moved', 'a:same']]).toContainEqual(statuses.slice(0, 2));
    expect(statuses.slice(2)).toStrictEqual(['c:changed', 'd:removed', 'e:added']);
    const changed = diff.cells[2]!;
    expect(changed.status === 'changed' && changed.lines).toStrictEqual([
      { op: 'same', text: 'SELECT 3' },
      { op: 'added', text: 'WHERE x' },
    ]);
  });
});

describe('restoring a version', () => {
  it('makes the document hold the version, whatever happened since', () => {
    const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
    const list = fc.uniqueArray(fc.record({ id, source: fc.constantFrom('', 'SELECT 1', 'SELECT 1\nFROM x', 'x') }), { selector: (c) => c.id, maxLength: 6 });
    fc.assert(
      fc.property(list, list, fc.boolean(), (now, then, titled) => {
        const doc = docOf(nb('now', now.map((c) => ({ id: asCellId(c.id), kind: 'sql', source: c.source }))));
        const version = nb(titled ? 'then' : 'now', then.map((c) => ({ id: asCellId(c.id), kind: 'sql', source: c.source })));
        const origins = new Set<unknown>();
        doc.on('afterTransaction', (tr: Y.Transaction) => origins.add(tr.origin));
        restoreNotebook(doc, version, 'restore');
        expect(plain(docToNotebook(doc))).toStrictEqual(plain(version));
        // One change, with the restore origin (so it is logged and shown as one).
        expect([...origins]).toStrictEqual(origins.size === 0 ? [] : ['restore']);
      }),
      { seed: 8, numRuns: 300 },
    );
  });

  it('touches only what differs: unchanged text keeps its items, an edit elsewhere in a cell survives', () => {
    const version = nb('Calls', cells(['a', 'SELECT 1'], ['b', 'SELECT *\nFROM calls\nWHERE d > 60'], ['c', 'SELECT 3']));
    const doc = docOf(version);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    // Since the version: b's last line changed, c moved first.
    const b = cellSource(cellMap(doc, 'b')!);
    b.delete(b.length - 2, 2);
    b.insert(b.length, '300');
    moveCell(doc, asCellId('c'), 0);
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
    // Someone else types at the start of b while the restore happens.
    cellSource(cellMap(other, 'b')!).insert(0, '-- note\n');
    const firstItem = (d: Y.Doc, cell: string) => cellSource(cellMap(d, cell)!)._start!.id;
    const aItem = firstItem(doc, 'a');
    const summary = restoreNotebook(doc, version, 'restore');
    expect(summary).toStrictEqual({ added: 0, removed: 0, changed: 1, moved: 1 });
    expect(firstItem(doc, 'a')).toStrictEqual(aItem);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
    for (const d of [doc, other]) {
      expect(docToNotebook(d).cells.map((c) => [c.id, c.source])).toStrictEqual([
        ['a', 'SELECT 1'],
        ['b', '-- note\nSELECT *\nFROM calls\nWHERE d > 60'],
        ['c', 'SELECT 3'],
      ]);
    }
  });

  it('brings back deleted cells with their ids, and comment threads the version had', () => {
    const version = nb('Calls', cells(['a', 'SELECT 1'], ['b', 'SELECT 2']));
    const doc = docOf(version);
    const text = cellSource(cellMap(doc, 'b')!);
    addThread(doc, { id: 't1', cellId: 'b', anchor: { from: 0, to: 6 }, message: { id: 'm1', author: 'Ana', at: '2026-03-12T10:00:00.000Z', text: 'why?' } }, text, 'ui');
    const withThread = docToNotebook(doc);
    deleteThread(doc, 't1', 'ui');
    doc.transact(() => doc.getArray('cells').delete(1, 1));
    addThread(doc, { id: 't2', cellId: 'a', message: { id: 'm2', author: 'Paul', at: '2026-03-12T11:00:00.000Z', text: 'later' } }, undefined, 'ui');
    restoreNotebook(doc, withThread, 'restore');
    const textOf = (id: string) => (cellMap(doc, id) ? cellSource(cellMap(doc, id)!) : undefined);
    expect(docToNotebook(doc).cells.map((c) => c.id)).toStrictEqual(['a', 'b']);
    // The old thread is back on the restored cell (same range); the later one stays.
    expect(readComments(doc, textOf).map((t) => [t.id, t.cellId, t.anchor ?? null])).toStrictEqual([
      ['t1', 'b', { from: 0, to: 6 }],
      ['t2', 'a', null],
    ]);
  });
});
