/**
 * Re-checking open websockets after an access change (issue 6): the decision follows the
 * upgrade's rules (role from the sharing, clearance over the notebook's marking, account
 * still active), and the collab service closes the refused connections with 4403 while it
 * changes the others' rights in place.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { accessRecheck, decisionOf } from '../../server/access/authorize-notebook.js';
import type { Access, Sharing } from '../../server/access/index.js';
import type { Marking } from '../../server/access/levels.js';
import type { NotebookRole } from '../../server/access/notebook-role.js';
import type { CollabIdentity } from '../../server/collab/connection.js';
import { cellMap, cellSource } from '../../core/notebook/ydoc.js';
import { isAccessEvent, sameAccess } from '../../client/sharing/access-events.js';
import { accessOf } from '../../client/sharing/access.js';
import { rawClient, removeDir, startHarness, waitFor, withTimeout, type Harness } from '../helpers/ws-client.js';

const RANKS = ['LOW', 'MID', 'HIGH'];

/** An Access whose notebook marking is the raise alone, and whose clearances are given by name. */
function fakeAccess(clearances: Record<string, string>, enforced = true): Access {
  return {
    enforced,
    notebookMarking: (_c: string | undefined, _runs: unknown[], raised?: Marking) => raised ?? { level: 'LOW', compartments: [] },
    mayRead: async (who: { name: string }, m: Marking) => RANKS.indexOf(clearances[who.name] ?? 'LOW') >= RANKS.indexOf(m.level),
  } as unknown as Access;
}

/** A Sharing with fixed roles per user and a fixed raise. */
function fakeSharing(roles: Record<string, NotebookRole>, raised?: Marking, enforced = true): Sharing {
  return {
    enforced,
    roleOf: async (u: { name: string }) => roles[u.name] ?? null,
    raisedOf: async () => raised,
  } as unknown as Sharing;
}

const source = { classification: async () => undefined, latestRuns: async () => ({}) };
const who = (name: string, extra: Partial<CollabIdentity> = {}): CollabIdentity => ({ userId: `id-${name}`, name, canEdit: true, ...extra });

describe('the re-check decision', () => {
  const decide = (roles: Record<string, NotebookRole>, opts: { raised?: Marking; clearances?: Record<string, string>; disabled?: string[] } = {}) =>
    // The source carries the owner's raise, as the server's does (notebookSource with sharing).
    accessRecheck(fakeAccess(opts.clearances ?? {}), { ...source, raised: async () => opts.raised }, {
      sharing: fakeSharing(roles, opts.raised),
      userOf: async (name) => (opts.disabled?.includes(name) ? undefined : { name, role: 'analyst', groups: [] }),
    });

  it('gives each role its rights, and an editor back their edit right after a downgrade', async () => {
    const d = decide({ ed: 'editor', cara: 'commenter', vic: 'viewer', olga: 'owner' });
    expect(await d(who('ed', { canEdit: false }), 'nb')).toEqual({ canEdit: true });
    expect(await d(who('olga'), 'nb')).toEqual({ canEdit: true });
    expect(await d(who('cara'), 'nb')).toEqual({ canEdit: false, commentOnly: true });
    expect(await d(who('vic', { commentOnly: true }), 'nb')).toEqual({ canEdit: false });
  });

  it('refuses, saying why: no share, a disabled account, a marking above the clearance', async () => {
    const d = decide({ vic: 'viewer', ed: 'editor', gina: 'editor' }, { raised: { level: 'HIGH', compartments: [] }, clearances: { ed: 'HIGH', vic: 'MID' }, disabled: ['gina'] });
    expect(await d(who('nora'), 'nb')).toEqual({ refused: 'notebook "nb" is not shared with you' });
    expect(await d(who('gina'), 'nb')).toEqual({ refused: 'the account "gina" is disabled or gone' });
    expect(await d(who('vic'), 'nb')).toEqual({ refused: 'notebook "nb" is marked HIGH, above your clearance' });
    expect(await d(who('ed'), 'nb')).toEqual({ canEdit: true });
  });

  it('with sharing and clearance off, everyone keeps full access', async () => {
    const d = accessRecheck(fakeAccess({}, false), source, { sharing: fakeSharing({}, undefined, false), userOf: async () => undefined });
    expect(await d(who('local', { anonymous: true }), 'nb')).toEqual({ canEdit: true });
  });

  it('turns the upgrade check’s answer into a decision', () => {
    expect(decisionOf('why not')).toEqual({ refused: 'why not' });
    expect(decisionOf(who('cara', { canEdit: false, commentOnly: true }))).toEqual({ canEdit: false, commentOnly: true });
    expect(decisionOf(who('ed'))).toEqual({ canEdit: true });
  });
});

describe('Collab.recheck', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    if (h) await removeDir(h.stateDir);
    h = undefined;
  });

  /** An update frame prepending `line` to the first cell, made on a replica of the server's doc. */
  const prepend = async (line: string) => {
    const doc = await h!.collab.open('nb1');
    try {
      const replica = new Y.Doc();
      Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
      const first = (replica.getArray('cells').get(0) as Y.Map<unknown>).get('id') as string;
      cellSource(cellMap(replica, first)!).insert(0, line);
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(replica, Y.encodeStateVector(doc)));
      return encoding.toUint8Array(e);
    } finally {
      h!.collab.release('nb1');
    }
  };
  const firstText = async () => {
    const doc = await h!.collab.open('nb1');
    try {
      const first = (doc.getArray('cells').get(0) as Y.Map<unknown>).get('id') as string;
      return cellSource(cellMap(doc, first)!).toString();
    } finally {
      h!.collab.release('nb1');
    }
  };

  it('closes the refused with 4403 and their reason, lowers the others in place, and leaves other notebooks alone', async () => {
    h = await startHarness({ authorize: async (req) => who(String(req.headers['x-user'])) });
    const ana = rawClient(h.url, 'nb1', { 'x-user': 'ana' });
    const bob = rawClient(h.url, 'nb1', { 'x-user': 'bob' });
    await Promise.all([ana.opened, bob.opened]);

    expect(await h.collab.recheck('other', async () => null)).toEqual({ checked: 0, closed: 0, changed: 0 });
    const counts = await h.collab.recheck('nb1', async (identity) => (identity.name === 'ana' ? { refused: 'share withdrawn' } : { canEdit: false }));
    expect(counts).toEqual({ checked: 2, closed: 1, changed: 1 });
    expect(await withTimeout(ana.closed, 5000, 'ana closed')).toEqual({ code: 4403, reason: 'share withdrawn' });

    // Bob, now a viewer, stays connected; his edit is dropped and he is told.
    const before = await firstText();
    bob.ws.send(await prepend('-- bob\n'));
    await waitFor(() => bob.received.some((f) => f[0] === 2), 'permission denied');
    expect(await firstText()).toBe(before);
    expect(bob.ws.readyState).toBe(bob.ws.OPEN);

    // Raised back over every open notebook (null), his next edit is taken.
    expect(await h.collab.recheck(null, async () => ({ canEdit: true }))).toEqual({ checked: 1, closed: 0, changed: 1 });
    bob.ws.send(await prepend('-- bob again\n'));
    const deadline = Date.now() + 5000;
    while (!(await firstText()).startsWith('-- bob again') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await firstText()).toMatch(/^-- bob again\n/);
    bob.ws.close();
  });
});

describe('the page’s side', () => {
  it('tells an access event from run events and from garbage', () => {
    expect(isAccessEvent('{"type":"access"}')).toBe(true);
    expect(isAccessEvent('{"type":"started","cellId":"c1","queryId":"q"}')).toBe(false);
    expect(isAccessEvent('access')).toBe(false);
    expect(isAccessEvent('null')).toBe(false);
  });

  it('rebuilds the page only when what the role allows changed', () => {
    expect(sameAccess(accessOf('editor'), accessOf('editor'))).toBe(true);
    expect(sameAccess(accessOf('editor'), accessOf('viewer'))).toBe(false);
    expect(sameAccess(accessOf('owner', true), accessOf('owner', false))).toBe(false);
  });
});
