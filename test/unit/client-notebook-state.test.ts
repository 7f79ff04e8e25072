import { describe, expect, it } from 'vitest';
import { tableFromArrays } from 'apache-arrow';
import { IDLE, isStale, needsFetch, transition, type CellState } from '../../client/notebook/cell-state.js';
import { commandFor } from '../../client/notebook/command-mode.js';
import { dropIndex } from '../../client/notebook/cell-list.js';
import { parseRoute } from '../../client/router.js';
import type { RunRecord } from '../../client/api/notebooks.js';
import type { ResultPage } from '../../client/api/query.js';

const page = (resultId: string): ResultPage => ({ table: tableFromArrays({ a: new Int32Array([1]) }), columns: [{ name: 'a', type: 'INTEGER' }], resultId, rowCount: 1, truncated: false });
const record = (over: Partial<RunRecord> = {}): RunRecord => ({ cellId: 'c1', status: 'ok', resultId: 'r1', inputs: { c1: 'aaaa', c0: 'bbbb' }, ranAt: '2024-01-01T00:00:00Z', ...over });

describe('cell runtime transitions', () => {
  it('goes running → result, keeping the previous result visible while running', () => {
    let s: CellState = transition(IDLE, { type: 'succeeded', page: page('r0') });
    s = transition(s, { type: 'start', queryId: 'q', startedAt: 0 });
    expect(s.running?.queryId).toBe('q');
    expect(s.output?.page.resultId).toBe('r0');
    s = transition(s, { type: 'succeeded', page: page('r1') });
    expect(s.running).toBeUndefined();
    expect(s.output?.page.resultId).toBe('r1');
  });

  it('an error replaces the result; a cancel keeps it', () => {
    const ran = transition(transition(IDLE, { type: 'succeeded', page: page('r0') }), { type: 'start', queryId: 'q', startedAt: 0 });
    expect(transition(ran, { type: 'failed', error: { message: 'boom', kind: 'sql' } }).output).toBeUndefined();
    const cancelled = transition(ran, { type: 'failed', error: { message: 'cancelled', kind: 'cancelled' } });
    expect(cancelled.output?.page.resultId).toBe('r0');
    expect(cancelled.running).toBeUndefined();
  });

  it('a fetched result never overwrites a run in progress', () => {
    const running = transition(IDLE, { type: 'start', queryId: 'q', startedAt: 0 });
    expect(transition(running, { type: 'loaded', page: page('old') }).output).toBeUndefined();
  });

  it('fetches a recorded result only when it is not already shown', () => {
    expect(needsFetch(IDLE, record())).toBe(true);
    expect(needsFetch(transition(IDLE, { type: 'succeeded', page: page('r1') }), record())).toBe(false);
    expect(needsFetch(IDLE, record({ status: 'error', resultId: undefined }))).toBe(false);
    expect(needsFetch(transition(IDLE, { type: 'start', queryId: 'q', startedAt: 0 }), record())).toBe(false);
  });

  it('is stale when a cell that fed the run changed or is gone', () => {
    const hashes: Record<string, string> = { c1: 'aaaa', c0: 'bbbb' };
    expect(isStale(record(), (id) => hashes[id])).toBe(false);
    expect(isStale(record(), (id) => ({ ...hashes, c0: 'cccc' })[id])).toBe(true);
    expect(isStale(record(), (id) => (id === 'c0' ? undefined : hashes[id]))).toBe(true);
    expect(isStale(undefined, () => undefined)).toBe(false);
  });
});

describe('command mode keys', () => {
  const key = (k: string, mods: Partial<{ shift: boolean; mod: boolean; alt: boolean }> = {}) => ({ key: k, shift: false, mod: false, alt: false, ...mods });

  it('maps single keys like Jupyter', () => {
    expect(commandFor(key('a'), false).command).toBe('addAbove');
    expect(commandFor(key('B'), false).command).toBe('addBelow');
    expect(commandFor(key('m'), false).command).toBe('toMarkdown');
    expect(commandFor(key('y'), false).command).toBe('toSql');
    expect(commandFor(key('j'), false).command).toBe('next');
    expect(commandFor(key('ArrowUp'), false).command).toBe('previous');
    expect(commandFor(key('Enter'), false).command).toBe('edit');
    expect(commandFor(key('Enter', { shift: true }), false).command).toBe('runAdvance');
    expect(commandFor(key('Enter', { mod: true }), false).command).toBe('runInPlace');
    expect(commandFor(key('?', { shift: true }), false).command).toBe('help');
    expect(commandFor(key('x'), false).command).toBeNull();
  });

  it('deletes only on D pressed twice', () => {
    const first = commandFor(key('d'), false);
    expect(first).toEqual({ command: null, pendingD: true });
    expect(commandFor(key('d'), first.pendingD).command).toBe('delete');
    expect(commandFor(key('j'), true).pendingD).toBe(false);
  });
});

describe('routing and drag positions', () => {
  it('parses app paths', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/n/shell-company-network')).toEqual({ name: 'notebook', id: 'shell-company-network' });
    expect(parseRoute('/n/a/b').name).toBe('notFound');
    expect(parseRoute('/n/../etc').name).toBe('notFound');
  });

  it('turns a drop slot into the moved cell’s final index', () => {
    expect(dropIndex(0, 3)).toBe(2); // first cell dropped after the third
    expect(dropIndex(3, 0)).toBe(0);
    expect(dropIndex(2, 2)).toBe(2);
    expect(dropIndex(2, 3)).toBe(2);
  });
});
