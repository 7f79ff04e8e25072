import { describe, expect, it } from 'vitest';
import { relationsIn, resolveQualifier } from '../../client/cells/sql-scope.js';
import { applyEdits, renameEdits } from '../../client/notebook/rename.js';

describe('relations a cell reads (for completion)', () => {
  it('finds FROM and JOIN relations with their aliases', () => {
    const refs = relationsIn('SELECT p.name FROM persons p JOIN phone_calls AS c ON c.caller = p.id, travel t WHERE 1');
    expect(refs).toEqual([
      { name: 'persons', alias: 'p' },
      { name: 'phone_calls', alias: 'c' },
    ]);
    expect(relationsIn('SELECT * FROM a, b x WHERE 1')).toEqual([{ name: 'a' }, { name: 'b', alias: 'x' }]);
  });

  it('ignores table functions and subqueries and words after the relation', () => {
    expect(relationsIn('SELECT * FROM range(10) r')).toEqual([]);
    expect(relationsIn('SELECT * FROM (SELECT 1) s')).toEqual([]);
    expect(relationsIn('SELECT * FROM persons WHERE x = 1')).toEqual([{ name: 'persons' }]);
    expect(relationsIn('SELECT * FROM persons ORDER BY 1')).toEqual([{ name: 'persons' }]);
    expect(relationsIn("SELECT 'FROM fake' FROM real")).toEqual([{ name: 'real' }]);
  });

  it('resolves a qualifier by alias, then by name', () => {
    const refs = relationsIn('SELECT * FROM persons p JOIN accounts ON true');
    expect(resolveQualifier('P', refs)).toBe('persons');
    expect(resolveQualifier('accounts', refs)).toBe('accounts');
    expect(resolveQualifier('other', refs)).toBe('other');
  });
});

describe('renaming a cell updates the cells that read it', () => {
  const rename = (sql: string) => applyEdits(sql, renameEdits(sql, 'suspects', 'persons_of_interest'));

  it('replaces the relation and its qualifiers', () => {
    expect(rename('SELECT suspects.name FROM suspects JOIN calls ON calls.a = suspects.id')).toBe(
      'SELECT persons_of_interest.name FROM persons_of_interest JOIN calls ON calls.a = persons_of_interest.id',
    );
    expect(rename('SELECT * FROM "Suspects"')).toBe('SELECT * FROM persons_of_interest');
  });

  it('leaves strings, comments, columns, functions and aliases alone', () => {
    const sql = "SELECT x.suspects, suspects(1), 'suspects' AS suspects -- suspects\nFROM t x";
    expect(rename(sql)).toBe(sql);
  });

  it('leaves a cell that defines its own CTE of that name alone', () => {
    const sql = 'WITH suspects AS (SELECT 1) SELECT * FROM suspects';
    expect(renameEdits(sql, 'suspects', 'other')).toEqual([]);
  });
});
