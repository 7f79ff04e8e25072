/** Sharing in the browser: what a typed name means, editing the share list, what a role allows, the home filter. */
import { describe, expect, it } from 'vitest';
import { parseDirectory, parseSharing, type Share } from '../../client/sharing/api.js';
import { accessOf } from '../../client/sharing/access.js';
import { removeShare, resolveEntry, sameShares, setShareRole, upsertShare } from '../../client/sharing/draft.js';
import { hasOwners, matchesFilter } from '../../client/home/filter.js';

const directory = { users: [{ name: 'bob', displayName: 'Bob Analyst' }, { name: 'ada', displayName: 'Ada Admin' }], groups: ['analysts', 'bob'] };
const EVERYONE = 'Anyone signed in';

describe('client sharing', () => {
  it('resolves a typed entry to a person, a group or everyone, and names what it cannot find', () => {
    expect(resolveEntry(' BOB ', 'viewer', directory, 'ada', EVERYONE)).toEqual({ ok: true, share: { kind: 'user', name: 'bob', role: 'viewer' } });
    expect(resolveEntry('bob analyst', 'editor', directory, 'ada', EVERYONE)).toEqual({ ok: true, share: { kind: 'user', name: 'bob', role: 'editor' } });
    // A group that has a person's name is reached through its prefix.
    expect(resolveEntry('group:bob', 'viewer', directory, 'ada', EVERYONE)).toEqual({ ok: true, share: { kind: 'group', name: 'bob', role: 'viewer' } });
    expect(resolveEntry('Analysts', 'commenter', directory, 'ada', EVERYONE)).toEqual({ ok: true, share: { kind: 'group', name: 'analysts', role: 'commenter' } });
    expect(resolveEntry('anyone signed in', 'viewer', directory, null, EVERYONE)).toEqual({ ok: true, share: { kind: 'everyone', name: '*', role: 'viewer' } });
    expect(resolveEntry('*', 'viewer', directory, null, EVERYONE)).toMatchObject({ ok: true, share: { kind: 'everyone' } });
    expect(resolveEntry('carol', 'viewer', directory, 'ada', EVERYONE)).toEqual({ ok: false, problem: 'unknown', name: 'carol' });
    expect(resolveEntry('group:nope', 'viewer', directory, 'ada', EVERYONE)).toEqual({ ok: false, problem: 'unknown', name: 'nope' });
    expect(resolveEntry('  ', 'viewer', directory, 'ada', EVERYONE)).toMatchObject({ ok: false, problem: 'empty' });
    expect(resolveEntry('Ada', 'viewer', directory, 'ada', EVERYONE)).toEqual({ ok: false, problem: 'owner', name: 'ada' });
  });

  it('edits the list: one entry per person, roles changed in place, removal by position', () => {
    const start: Share[] = [{ kind: 'user', name: 'bob', role: 'viewer' }, { kind: 'everyone', name: '*', role: 'viewer' }];
    const again = upsertShare(start, { kind: 'user', name: 'BOB', role: 'editor' });
    expect(again).toEqual([{ kind: 'user', name: 'BOB', role: 'editor' }, start[1]]);
    expect(upsertShare(start, { kind: 'group', name: 'bob', role: 'viewer' })).toHaveLength(3);
    expect(setShareRole(start, 1, 'commenter')[1]).toEqual({ kind: 'everyone', name: '*', role: 'commenter' });
    expect(removeShare(start, 0)).toEqual([start[1]]);
    expect(sameShares(start, [...start].reverse())).toBe(true);
    expect(sameShares(start, setShareRole(start, 0, 'editor'))).toBe(false);
  });

  it('validates the server answers', () => {
    expect(parseSharing({ owner: 'ada', shares: [{ kind: 'user', name: 'bob', role: 'viewer' }], role: 'owner', canShare: true })).toEqual({ owner: 'ada', shares: [{ kind: 'user', name: 'bob', role: 'viewer' }], role: 'owner', canShare: true });
    expect(parseSharing({ owner: null, shares: [], role: 'viewer' }).canShare).toBe(false);
    expect(() => parseSharing({ owner: null, shares: [{ kind: 'user', name: 'bob', role: 'owner' }], role: 'viewer' })).toThrow(/unexpected answer.*a share/);
    expect(() => parseSharing({ owner: 3, shares: [], role: 'viewer' })).toThrow(/sharing/);
    expect(parseDirectory({ users: [{ name: 'bob' }, { displayName: 'x' }], groups: ['a', 2, ''] })).toEqual({ users: [{ name: 'bob', displayName: 'bob' }], groups: ['a'] });
    expect(parseDirectory({ users: [{ id: 'u1', name: 'ana', displayName: 'Ana Lima' }, { id: 7, name: 'cy' }], groups: [] }).users).toEqual([
      { id: 'u1', name: 'ana', displayName: 'Ana Lima' },
      { name: 'cy', displayName: 'cy' },
    ]);
  });

  it('lets owners and editors change and run, commenters comment, viewers only read', () => {
    expect(accessOf('owner')).toEqual({ role: 'owner', canEdit: true, canComment: true, canShare: true });
    expect(accessOf('editor')).toMatchObject({ canEdit: true, canComment: true, canShare: false });
    expect(accessOf('commenter')).toMatchObject({ canEdit: false, canComment: true });
    expect(accessOf('viewer')).toMatchObject({ canEdit: false, canComment: false });
  });

  it('filters the home list by owner', () => {
    const mine = { id: 'a', title: 'A', owner: 'Ada', role: 'owner' as const };
    const shared = { id: 'b', title: 'B', owner: 'bob', role: 'viewer' as const };
    const nobody = { id: 'c', title: 'C', owner: null, role: 'owner' as const };
    const all = [mine, shared, nobody];
    expect(all.filter((n) => matchesFilter(n, 'mine', 'ada')).map((n) => n.id)).toEqual(['a']);
    expect(all.filter((n) => matchesFilter(n, 'shared', 'ada')).map((n) => n.id)).toEqual(['b', 'c']);
    expect(all.filter((n) => matchesFilter(n, 'all', 'ada'))).toHaveLength(3);
    expect(hasOwners(all)).toBe(true);
    expect(hasOwners([{ id: 'x', title: 'X' }])).toBe(false);
  });
});
