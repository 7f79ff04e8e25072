/**
 * Generated notebooks for property tests: titles and sources full of the characters and lines
 * that a file format could trip on (fences, markers, `---`, quotes, colons, unicode, blank
 * lines, trailing spaces). Sources never contain "\r" (see core/notebook/format.ts).
 */
import fc from 'fast-check';
import { asCellId } from '../../core/ids.js';
import type { CellData, CommentMessage, CommentThread, NotebookData, NotebookMeta } from '../../core/notebook/model.js';
import { isSqlIdentifier } from '../../core/sql/identifiers.js';

const TRICKY_LINES = [
  '', ' ', '  ', '\t', '```', '````', '`````', '```sql', '```SQL', '``` sql', '```sql name=x id=y',
  '```sql id=abc', '```sql name=suspects', '```markdown id=z', '```markdown', '```python',
  '   ```', ' ````', '    ```', '\t```', '~~~', '~~~sql', '<!-- cell -->', '<!-- cell id=a -->',
  '<!--cell-->', '<!-- cell phone records -->', '<!-- a comment -->', '<!--', '-->', '---', '--- ',
  'title: x', 'SELECT 1;', "WHERE name = 'O''Brien'", '"quoted"', '-- comment', '/* block */',
  '# Heading', '> quote', '- item', 'é日本🙂', '`code`', ': colon', 'a: b', 'trailing  ',
  '<!-- carnet-annotations', '<!-- carnet-annotations ', '{', '}', '"edited": {',
];
const TRICKY_CHARS = ['`', '\n', '\r', ':', '"', "'", ' ', '\t', '#', '-', '\\', '<', '>', '!', '\u2028', '\u00a0', '\ufeff', 'é', '🙂', '{', '['];

/** Any one character except line breaks, biased towards the ones formats escape. */
const lineChar = fc.oneof(
  fc.constantFrom(...TRICKY_CHARS.filter((c) => c !== '\n' && c !== '\r')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\n' && c !== '\r'),
);
const line = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY_LINES), fc.string({ unit: lineChar, maxLength: 12 })), { maxLength: 3 })
  .map((parts) => parts.join(''));

/** A cell source: lines joined by "\n", so it may be empty, start or end with blank lines. */
export const sourceArbitrary: fc.Arbitrary<string> = fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n'));

/** Any text for a front matter value, including line breaks, quotes and colons. */
const metaText = fc.string({
  unit: fc.oneof(fc.constantFrom(...TRICKY_CHARS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 24,
});

export const cellIdArbitrary = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
export const cellNameArbitrary = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).filter(isSqlIdentifier);

const timestamp = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const extraKey = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/)
  .filter((k) => !['title', 'classification', 'created', 'updated'].includes(k));

export const metaArbitrary: fc.Arbitrary<NotebookMeta> = fc.record(
  {
    title: metaText,
    classification: fc.oneof(metaText, fc.constantFrom('DIFFUSION RESTREINTE', 'SECRET', 'NON PROTÉGÉ')),
    created: timestamp,
    updated: timestamp,
    extra: fc
      .uniqueArray(fc.tuple(extraKey, metaText), { selector: ([k]) => k, minLength: 1, maxLength: 3 })
      .map((entries) => Object.fromEntries(entries)),
  },
  { requiredKeys: ['title'], noNullPrototype: true },
);

/** Who last edited a cell and when: both, either or neither. */
const attribution = fc.record(
  { editedBy: fc.oneof(metaText, fc.constantFrom('Ana', 'Jean-Marc Lévêque')), editedAt: timestamp },
  { requiredKeys: [] },
);

function withAttribution(cell: CellData, edit: { editedBy?: string; editedAt?: string }): CellData {
  return { ...cell, ...edit };
}

const sqlCell: fc.Arbitrary<CellData> = fc
  .record(
    { id: cellIdArbitrary, name: cellNameArbitrary, source: sourceArbitrary },
    { requiredKeys: ['id', 'source'] },
  )
  .map(({ id, name, source }): CellData => (name === undefined
    ? { id: asCellId(id), kind: 'sql', source }
    : { id: asCellId(id), kind: 'sql', name, source }));

const markdownCell: fc.Arbitrary<CellData> = fc
  .record({ id: cellIdArbitrary, source: sourceArbitrary })
  .map(({ id, source }): CellData => ({ id: asCellId(id), kind: 'markdown', source }));

const chartCell: fc.Arbitrary<CellData> = fc
  .record({ id: cellIdArbitrary, source: sourceArbitrary })
  .map(({ id, source }): CellData => ({ id: asCellId(id), kind: 'chart', source }));

const anyCell: fc.Arbitrary<CellData> = fc
  .tuple(fc.oneof(sqlCell, markdownCell, chartCell), attribution)
  .map(([cell, edit]) => withAttribution(cell, edit));

const messageArbitrary: fc.Arbitrary<CommentMessage> = fc.record(
  {
    id: cellIdArbitrary,
    author: fc.oneof(metaText, fc.constantFrom('Ana', 'Paul')),
    authorId: fc.constantFrom('u1', 'local', 'ana'),
    at: timestamp,
    text: fc.oneof(sourceArbitrary, fc.constantFrom('-->', '<!-- x -->', 'a & b < c > d', '\u003e')),
  },
  { requiredKeys: ['id', 'author', 'at', 'text'], noNullPrototype: true },
);

/** A thread on one of `cells` (index drawn modulo their count), anchored inside its source. */
const threadSeed = fc.record(
  {
    id: cellIdArbitrary,
    cell: fc.nat(),
    anchor: fc.tuple(fc.nat(), fc.nat()),
    resolved: fc.record({ by: fc.constantFrom('Ana', 'Paul'), byId: fc.constantFrom('u-ana', 'u-paul'), at: timestamp }, { requiredKeys: ['by', 'at'], noNullPrototype: true }),
    messages: fc.array(messageArbitrary, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['id', 'cell', 'messages'], noNullPrototype: true },
);

type ThreadSeed = typeof threadSeed extends fc.Arbitrary<infer T> ? T : never;

function threadsFor(cells: readonly CellData[], seeds: readonly ThreadSeed[]): CommentThread[] {
  if (cells.length === 0) return [];
  const threads = seeds.map((seed) => {
    const cell = cells[seed.cell % cells.length]!;
    const thread: CommentThread = { id: seed.id, cellId: cell.id, messages: seed.messages };
    if (seed.anchor) {
      const length = cell.source.length;
      const [a, b] = seed.anchor.map((n: number) => n % (length + 1));
      thread.anchor = { from: Math.min(a!, b!), to: Math.max(a!, b!) };
    }
    if (seed.resolved) thread.resolved = seed.resolved;
    return thread;
  });
  // The live document lists threads by their first message's time, then id.
  const key = (t: CommentThread) => t.messages[0]!.at;
  return threads.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/**
 * A notebook with unique cell ids and any mix of SQL, chart and markdown cells, some with
 * attribution, and comment threads (sorted as the live document lists them) on its cells.
 */
export const notebookArbitrary: fc.Arbitrary<NotebookData> = fc
  .record(
    {
      meta: metaArbitrary,
      cells: fc.uniqueArray(anyCell, { selector: (c) => c.id, maxLength: 8 }),
      threads: fc.uniqueArray(threadSeed, { selector: (t) => t.id, maxLength: 3 }),
    },
    { noNullPrototype: true },
  )
  .map(({ meta, cells, threads }) => {
    const comments = threadsFor(cells, threads);
    return comments.length > 0 ? { meta, cells, comments } : { meta, cells };
  });
