import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asCellId } from '../../core/ids.js';
import { NotebookFormatError, parseNotebook, serializeNotebook } from '../../core/notebook/format.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { notebookArbitrary } from './notebook-arbitrary.js';

/** The error parseNotebook throws for `text`, so tests can check its line and message. */
function formatError(text: string): NotebookFormatError {
  try {
    parseNotebook(text);
  } catch (e) {
    if (e instanceof NotebookFormatError) return e;
    throw e;
  }
  throw new Error('expected a NotebookFormatError, but the file parsed');
}

describe('notebook file round trip', () => {
  it('parse(serialize(d)) equals d for generated notebooks', () => {
    fc.assert(
      fc.property(notebookArbitrary, (data) => {
        const text = serializeNotebook(data);
        expect(parseNotebook(text)).toStrictEqual(data);
        expect(text.endsWith('\n')).toBe(true);
      }),
      { seed: 20261129, numRuns: 1500 },
    );
  });

  it('serializing is stable: serialize(parse(serialize(d))) is the same text', () => {
    fc.assert(
      fc.property(notebookArbitrary, (data) => {
        const text = serializeNotebook(data);
        expect(serializeNotebook(parseNotebook(text))).toBe(text);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('writes the documented layout', () => {
    const data: NotebookData = {
      meta: { title: 'Réseau de la société écran', classification: 'DIFFUSION RESTREINTE', created: '2026-11-29T10:00:00.000Z' },
      cells: [
        { id: asCellId('m8a1c3'), kind: 'markdown', source: '# Narrative\n\nText.' },
        { id: asCellId('c4f2a9'), kind: 'sql', name: 'suspects', source: "SELECT * FROM persons WHERE city = 'Lyon'" },
        { id: asCellId('c5'), kind: 'sql', source: 'SELECT 1' },
      ],
    };
    expect(serializeNotebook(data)).toBe(
      [
        '---',
        'title: Réseau de la société écran',
        'classification: DIFFUSION RESTREINTE',
        'created: 2026-11-29T10:00:00.000Z',
        '---',
        '',
        '<!-- cell id=m8a1c3 -->',
        '# Narrative',
        '',
        'Text.',
        '',
        '```sql name=suspects id=c4f2a9',
        "SELECT * FROM persons WHERE city = 'Lyon'",
        '```',
        '',
        '```sql id=c5',
        'SELECT 1',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('lengthens the fence when a source holds backticks, and quotes awkward titles', () => {
    const data: NotebookData = {
      meta: { title: ' Note: "draft" ' },
      cells: [{ id: asCellId('a'), kind: 'sql', source: "SELECT 1\n```\n````x" }],
    };
    const text = serializeNotebook(data);
    expect(text).toContain('title: " Note: \\"draft\\" "\n');
    expect(text).toContain('`````sql id=a\nSELECT 1\n```\n````x\n`````\n');
    expect(parseNotebook(text)).toStrictEqual(data);
  });

  it('writes a markdown cell that holds a cell fence as a fenced markdown cell', () => {
    const source = 'Example:\n```sql name=x id=y\nSELECT 1\n```';
    const data: NotebookData = { meta: { title: 't' }, cells: [{ id: asCellId('m'), kind: 'markdown', source }] };
    const text = serializeNotebook(data);
    expect(text).toContain('````markdown id=m\n');
    expect(parseNotebook(text)).toStrictEqual(data);
  });

  it('keeps empty and adjacent markdown cells apart', () => {
    const data: NotebookData = {
      meta: { title: 't' },
      cells: [
        { id: asCellId('a'), kind: 'markdown', source: '' },
        { id: asCellId('b'), kind: 'markdown', source: 'one' },
        { id: asCellId('c'), kind: 'markdown', source: 'two\n' },
        { id: asCellId('d'), kind: 'markdown', source: '' },
      ],
    };
    expect(parseNotebook(serializeNotebook(data))).toStrictEqual(data);
  });

  it('refuses to write what it could not read back', () => {
    const bad = (cells: NotebookData['cells']) => () => serializeNotebook({ meta: { title: 't' }, cells });
    expect(bad([{ id: asCellId('a b'), kind: 'sql', source: '' }])).toThrow(/cell 1: id "a b" is not valid/);
    expect(bad([{ id: asCellId('a'), kind: 'sql', name: 'select', source: '' }])).toThrow(/reserved/);
    expect(bad([
      { id: asCellId('a'), kind: 'sql', source: '' },
      { id: asCellId('a'), kind: 'markdown', source: '' },
    ])).toThrow(/cell 2: id "a" is used by two cells/);
    expect(bad([{ id: asCellId('a'), kind: 'markdown', name: 'x', source: '' }])).toThrow(/only SQL cells have names/);
  });
});

describe('hand-written notebook files', () => {
  const handWritten = [
    '---',
    'title: Appels de mars',
    "classification: 'DIFFUSION RESTREINTE'",
    'owner: "Équipe 3: analyse"',
    '# a comment line',
    '---',
    '# Calls in March',
    '',
    'We look at calls.',
    '',
    '```sql',
    'SELECT * FROM calls',
    '```',
    '   ',
    '```SQL name=long_calls',
    'SELECT * FROM calls WHERE seconds > 600',
    '```',
    'Conclusion, with an example:',
    '~~~sql',
    'SELECT 1',
    '~~~',
    '',
  ].join('\r\n');

  it('reads cells without markers or ids', () => {
    const data = parseNotebook(handWritten);
    expect(data.meta).toStrictEqual({
      title: 'Appels de mars',
      classification: 'DIFFUSION RESTREINTE',
      extra: { owner: 'Équipe 3: analyse' },
    });
    expect(data.cells.map(({ kind, name, source }) => ({ kind, name, source }))).toStrictEqual([
      { kind: 'markdown', name: undefined, source: '# Calls in March\n\nWe look at calls.' },
      { kind: 'sql', name: undefined, source: 'SELECT * FROM calls' },
      { kind: 'sql', name: 'long_calls', source: 'SELECT * FROM calls WHERE seconds > 600' },
      { kind: 'markdown', name: undefined, source: 'Conclusion, with an example:\n~~~sql\nSELECT 1\n~~~' },
    ]);
  });

  it('gives cells without ids the same short URL-safe ids on every parse', () => {
    const first = parseNotebook(handWritten).cells.map((c) => c.id);
    const second = parseNotebook(handWritten).cells.map((c) => c.id);
    expect(second).toStrictEqual(first);
    expect(new Set(first).size).toBe(4);
    for (const id of first) expect(id).toMatch(/^[A-Za-z0-9_-]{1,16}$/);
  });

  it('avoids derived ids that collide with ids written in the file', () => {
    const once = parseNotebook('---\ntitle: t\n---\n```sql\nSELECT 1\n```\n');
    const derived = once.cells[0]!.id;
    const text = `---\ntitle: t\n---\n\`\`\`sql\nSELECT 1\n\`\`\`\n\n\`\`\`sql id=${derived}\nSELECT 2\n\`\`\`\n`;
    const ids = parseNotebook(text).cells.map((c) => c.id);
    expect(ids[1]).toBe(derived);
    expect(ids[0]).not.toBe(derived);
  });

  it('treats whitespace-only text between cells as no cell, and a file with no cells as empty', () => {
    expect(parseNotebook('---\ntitle: t\n---\n\n  \n\t\n').cells).toStrictEqual([]);
    expect(parseNotebook('---\ntitle: t\n---').cells).toStrictEqual([]);
  });
});

describe('malformed notebook files', () => {
  it('reports an unterminated cell at the line that opened it', () => {
    const text = '---\ntitle: t\n---\n\nIntro\n\n```sql name=suspects id=c1\nSELECT 1\n``\n';
    const e = formatError(text);
    expect(e.line).toBe(7);
    expect(e.message).toBe('line 7: unterminated sql cell "suspects" (opened here, never closed)');
  });

  it('requires a closing fence at least as long as the opening one', () => {
    expect(formatError('---\ntitle: t\n---\n````sql id=a\nSELECT 1\n```\n').line).toBe(4);
  });

  it('reports front matter problems with their line', () => {
    expect(formatError('# no front matter\n').message).toMatch(/^line 1: a notebook file starts with front matter/);
    expect(formatError('---\ntitle: t\n').message).toBe('line 1: unterminated front matter (opened here, never closed by ---)');
    expect(formatError('---\nclassification: x\n---\n').message).toBe('line 1: the front matter has no title');
    const noColon = formatError('---\ntitle: t\njust words\n---\n');
    expect(noColon.line).toBe(3);
    expect(noColon.message).toMatch(/expected 'key: value'/);
    expect(formatError('---\ntitle: t\ntitle: u\n---\n').message).toBe('line 3: front matter key "title" appears twice');
    expect(formatError('---\ntitle: "open\n---\n').line).toBe(2);
    expect(formatError("---\ntitle: 'it's'\n---\n").line).toBe(2);
    expect(formatError('---\ntitle: t\n\ncreated: yesterday\n---\n').message).toBe(
      'line 4: created: "yesterday" is not an ISO 8601 timestamp',
    );
  });

  it('reports a bad cell name or id on the fence line', () => {
    const badName = formatError('---\ntitle: t\n---\n\n```sql name=2024-calls id=a\nSELECT 1\n```\n');
    expect(badName.line).toBe(5);
    expect(badName.message).toBe(
      'line 5: "2024-calls" is not a valid name: use letters, digits and _, not starting with a digit',
    );
    expect(formatError('---\ntitle: t\n---\n```sql name=select\n```\n').message).toMatch(/^line 4: .*reserved/);
    expect(formatError('---\ntitle: t\n---\n<!-- cell id=a/b -->\n').message).toMatch(/^line 4: cell id "a\/b" is not valid/);
    expect(formatError('---\ntitle: t\n---\n```sql nom=x\n```\n').message).toBe(
      'line 4: unknown sql cell attribute "nom" (allowed: name, id)',
    );
    expect(formatError('---\ntitle: t\n---\n```markdown id=a name=b\n```\n').line).toBe(4);
  });

  it('reports a duplicate id at its second use', () => {
    const text = '---\ntitle: t\n---\n\n<!-- cell id=a -->\nText\n\n```sql id=a\nSELECT 1\n```\n';
    const e = formatError(text);
    expect(e.line).toBe(8);
    expect(e.message).toBe('line 8: cell id "a" is already used by the cell on line 5');
  });
});
