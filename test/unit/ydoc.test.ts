import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asCellId, type CellId } from '../../core/ids.js';
import { parseNotebook, serializeNotebook } from '../../core/notebook/format.js';
import type { NotebookData } from '../../core/notebook/model.js';
import {
  cellMap, cellSource, deleteCell, docToNotebook, getCells, insertCell, loadNotebookIntoDoc, moveCell,
  newCellId, setCellKind, setCellName, setClassification, setTitle,
} from '../../core/notebook/ydoc.js';
import { notebookArbitrary } from './notebook-arbitrary.js';

function docOf(data: NotebookData): Y.Doc {
  const doc = new Y.Doc();
  loadNotebookIntoDoc(doc, data, 'test');
  return doc;
}

/** Sends `from`'s changes that `to` lacks, as a websocket sync would. */
function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');
}

const sample: NotebookData = {
  meta: { title: 'Appels', classification: 'SECRET' },
  cells: [
    { id: asCellId('m1'), kind: 'markdown', source: '# Intro' },
    { id: asCellId('s1'), kind: 'sql', name: 'calls', source: 'SELECT * FROM raw_calls' },
    { id: asCellId('s2'), kind: 'sql', source: 'SELECT count(*) FROM calls' },
  ],
};

describe('notebook document', () => {
  it('holds exactly the notebook it was loaded with', () => {
    fc.assert(
      fc.property(notebookArbitrary, (data) => {
        expect(docToNotebook(docOf(data))).toStrictEqual(data);
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('survives document → file text → document', () => {
    fc.assert(
      fc.property(notebookArbitrary, (data) => {
        const text = serializeNotebook(docToNotebook(docOf(data)));
        const again = docOf(parseNotebook(text));
        expect(docToNotebook(again)).toStrictEqual(data);
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('loads in one transaction with the given origin, and only into an empty document', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr) => origins.push(tr.origin));
    loadNotebookIntoDoc(doc, sample, 'loader');
    expect(origins).toStrictEqual(['loader']);
    expect(() => loadNotebookIntoDoc(doc, sample)).toThrow(/already has 3 cells/);
  });

  it('edits cells through tagged transactions', () => {
    const doc = docOf(sample);
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr) => origins.push(tr.origin));
    insertCell(doc, 1, { id: asCellId('s3'), kind: 'sql', name: 'long_calls', source: 'SELECT 1' }, 'ui');
    moveCell(doc, asCellId('s2'), 0, 'ui');
    setCellName(doc, asCellId('s1'), 'all_calls', 'ui');
    setCellKind(doc, asCellId('s3'), 'markdown', 'ui');
    expect(deleteCell(doc, asCellId('m1'), 'ui')).toBe(true);
    expect(deleteCell(doc, asCellId('nope'), 'ui')).toBe(false);
    setTitle(doc, 'Appels (v2)', 'ui');
    setClassification(doc, undefined, 'ui');
    expect(origins.every((o) => o === 'ui')).toBe(true);
    expect(docToNotebook(doc)).toStrictEqual({
      meta: { title: 'Appels (v2)' },
      cells: [
        { id: 's2', kind: 'sql', source: 'SELECT count(*) FROM calls' },
        { id: 's3', kind: 'markdown', source: 'SELECT 1' },
        { id: 's1', kind: 'sql', name: 'all_calls', source: 'SELECT * FROM raw_calls' },
      ],
    });
  });

  it('moves a cell to the end and keeps its text', () => {
    const doc = docOf(sample);
    moveCell(doc, asCellId('m1'), 99);
    expect(docToNotebook(doc).cells.map((c) => c.id)).toStrictEqual(['s1', 's2', 'm1']);
    expect(cellSource(cellMap(doc, 'm1')!).toString()).toBe('# Intro');
  });

  it('refuses invalid names and names on markdown cells', () => {
    const doc = docOf(sample);
    expect(() => setCellName(doc, asCellId('s1'), '2024-calls')).toThrow(/not a valid name/);
    expect(() => setCellName(doc, asCellId('m1'), 'intro')).toThrow(/not a SQL cell/);
    setCellName(doc, asCellId('s1'), undefined);
    expect(docToNotebook(doc).cells[1]).toStrictEqual({ id: 's1', kind: 'sql', source: 'SELECT * FROM raw_calls' });
  });

  it('makes short, URL-safe, distinct cell ids', () => {
    const ids = Array.from({ length: 2000 }, () => newCellId());
    for (const id of ids) expect(id).toMatch(/^c[0-9a-z]{9}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('merges two people typing in the same cell', () => {
    const a = docOf(sample);
    const b = new Y.Doc();
    sync(a, b);
    cellSource(cellMap(a, 's1')!).insert(0, '-- Alice\n');
    cellSource(cellMap(b, 's1')!).insert('SELECT * FROM raw_calls'.length, ' WHERE 1 = 1');
    sync(a, b);
    sync(b, a);
    const source = docToNotebook(a).cells[1]!.source;
    expect(source).toBe('-- Alice\nSELECT * FROM raw_calls WHERE 1 = 1');
    expect(docToNotebook(b)).toStrictEqual(docToNotebook(a));
  });
});

type Op =
  | { op: 'type'; who: number; cell: number; at: number; text: string }
  | { op: 'insert'; who: number; at: number; sql: boolean }
  | { op: 'delete'; who: number; cell: number }
  | { op: 'move'; who: number; cell: number; to: number }
  | { op: 'rename'; who: number; cell: number; name: string }
  | { op: 'sync'; from: number; to: number };

const REPLICAS = 3;
const who = fc.nat({ max: REPLICAS - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('type' as const), who, cell: fc.nat(), at: fc.nat(), text: fc.constantFrom('a', 'é', '\n', 'SELECT ', '🙂') }),
  fc.record({ op: fc.constant('insert' as const), who, at: fc.nat(), sql: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), who, cell: fc.nat() }),
  fc.record({ op: fc.constant('move' as const), who, cell: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), who, cell: fc.nat(), name: fc.constantFrom('a', 'b', 'calls') }),
  fc.record({ op: fc.constant('sync' as const), from: who, to: who }),
);

function apply(docs: Y.Doc[], op: Op, fresh: () => CellId): void {
  if (op.op === 'sync') {
    if (op.from !== op.to) sync(docs[op.from]!, docs[op.to]!);
    return;
  }
  const doc = docs[op.who]!;
  const cells = getCells(doc);
  if (op.op === 'insert') {
    insertCell(doc, op.at % (cells.length + 1), { id: fresh(), kind: op.sql ? 'sql' : 'markdown', source: '' }, 'user');
    return;
  }
  if (cells.length === 0) return;
  const cell = cells.get(op.cell % cells.length);
  const id = asCellId(cell.get('id') as string);
  if (op.op === 'type') {
    const text = cellSource(cell);
    doc.transact(() => text.insert(op.at % (text.length + 1), op.text), 'user');
  } else if (op.op === 'delete') {
    deleteCell(doc, id, 'user');
  } else if (op.op === 'move') {
    moveCell(doc, id, op.to % cells.length, 'user');
  } else if (cell.get('kind') === 'sql') {
    setCellName(doc, id, op.name, 'user');
  }
}

describe('concurrent editing', () => {
  it('replicas converge after any interleaving of edits and partial syncs', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 60 }), (ops) => {
        const docs = Array.from({ length: REPLICAS }, () => new Y.Doc());
        loadNotebookIntoDoc(docs[0]!, sample, 'load');
        for (const d of docs.slice(1)) sync(docs[0]!, d);
        let n = 0;
        for (const op of ops) apply(docs, op, () => asCellId(`n${n++}`));
        for (const from of docs) for (const to of docs) if (from !== to) sync(from, to);
        const expected = docToNotebook(docs[0]!);
        for (const d of docs.slice(1)) expect(docToNotebook(d)).toStrictEqual(expected);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
