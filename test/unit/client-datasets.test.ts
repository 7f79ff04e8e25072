import { describe, expect, it } from 'vitest';
import { datasetNameProblem, isImportable, suggestDatasetName } from '../../client/datasets/dataset-name.js';
import { parseErrorBody } from '../../client/api/http.js';

describe('dataset names for uploads', () => {
  it('suggests a valid name from a file name', () => {
    expect(suggestDatasetName('Appels 2024-03.csv')).toBe('appels_2024_03');
    expect(suggestDatasetName('2024 écoutes.parquet')).toBe('d_2024_ecoutes');
    expect(suggestDatasetName('select.json')).toBe('select_data');
    expect(suggestDatasetName('...csv')).toBe('dataset');
  });

  it('accepts only files the server imports', () => {
    expect(isImportable('a.CSV')).toBe(true);
    expect(isImportable('a.parquet')).toBe(true);
    expect(isImportable('a.xlsx')).toBe(false);
  });

  it('refuses invalid and taken names', () => {
    expect(datasetNameProblem('calls', ['persons'])).toBeNull();
    expect(datasetNameProblem('Persons', ['persons'])).toBe('taken');
    expect(datasetNameProblem('1calls', [])).toBe('invalid');
    expect(datasetNameProblem('select', [])).toBe('invalid');
  });
});

describe('server errors', () => {
  it('reads message and position, ignoring malformed fields', () => {
    expect(parseErrorBody({ error: { message: 'bad', line: 3, column: 7, cellId: 'c1', kind: 'sql' } })).toEqual({ message: 'bad', line: 3, column: 7, cellId: 'c1', kind: 'sql', cellName: undefined });
    expect(parseErrorBody({ error: { message: 'bad', line: -1, column: 'x' } })).toMatchObject({ line: undefined, column: undefined });
    expect(parseErrorBody({ nope: 1 })).toBeUndefined();
    expect(parseErrorBody('text')).toBeUndefined();
  });
});
