/**
 * Notebook sharing with accounts on (issue 6): what each role may do through the HTTP API,
 * shares to a group and to everyone, validation of a new sharing, its audit record, and
 * the collaboration websocket, where a viewer's edits and a commenter's cell edits never
 * reach the server's document while a commenter's comment does (and only as herself: she
 * deletes her own messages only, and no one posts in someone else's name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { makeTestApp, type TestApp } from '../helpers/test-app.js';
import { WebsocketProvider } from 'y-websocket';
import { rawClient, synced, waitFor, withTimeout } from '../helpers/ws-client.js';
import { workspacePaths } from '../../server/workspace.js';
import { addReply, addThread, deleteMessage, deleteThread, getComments } from '../../core/notebook/comments.js';
import type { CommentMessage } from '../../core/notebook/model.js';
import { cellMap, cellSource, deleteCell } from '../../core/notebook/ydoc.js';
import { bearerCaller, jsonOf, errorMessage } from '../helpers/api-calls.js';

const PASSWORD = 'correct horse battery staple';
const NB = 'shared';
const NB_FILE = '---\ntitle: Shared one\n---\n\n```sql name=k id=c1\nSELECT count(*) AS n FROM calls\n```\n\n```sql name=p id=c2\nSELECT count(*) AS n FROM people\n```\n';

type Who = 'root' | 'olga' | 'ed' | 'cara' | 'vic' | 'nora' | 'gina';
const ACCOUNTS: Array<[Who, 'admin' | 'analyst', string[]]> = [
  ['root', 'admin', []],
  ['olga', 'analyst', []],
  ['ed', 'analyst', []],
  ['cara', 'analyst', []],
  ['vic', 'analyst', []],
  ['nora', 'analyst', []],
  ['gina', 'analyst', ['field-team']],
];

describe('notebook sharing', () => {
  let t: TestApp;
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;

  const call = bearerCaller(() => t.app, tokens);
  const json = jsonOf;
  const message = errorMessage;
  const share = (who: Who, shares: unknown, owner?: string) => call(who, 'PUT', `/api/notebooks/${NB}/sharing`, { shares, ...(owner ? { owner } : {}) });

  beforeAll(async () => {
    t = await makeTestApp({ authRequired: true });
    for (const [name, role, groups] of ACCOUNTS) {
      ids[name] = (await t.services.auth.users.add({ name, role, password: PASSWORD })).id;
      if (groups.length) await t.services.auth.users.setGroups(name, groups);
      tokens[name] = (await t.services.auth.createToken({ name: 'test' }, name, 'test')).token;
    }
    await writeFile(join(workspacePaths(t.home).notebooksDir, `${NB}.md`), NB_FILE);
  });
  afterAll(() => t.close());

  it('a notebook nobody owns is reached by administrators only', async () => {
    expect((await call('root', 'GET', `/api/notebooks/${NB}/runs`)).status).toBe(200);
    const refused = await call('olga', 'GET', `/api/notebooks/${NB}/runs`);
    expect(refused.status).toBe(403);
    expect(await message(refused)).toMatch(/not shared with you/);
    const listed = await json<{ notebooks: Array<{ id: string; role: string; owner: string | null }> }>(call('olga', 'GET', '/api/notebooks'));
    expect(listed.notebooks.map((n) => n.id)).not.toContain(NB);
    const forAdmin = await json<{ notebooks: Array<{ id: string; role: string; owner: string | null }> }>(call('root', 'GET', '/api/notebooks'));
    expect(forAdmin.notebooks.find((n) => n.id === NB)).toMatchObject({ role: 'owner', owner: null });
  });

  it('an administrator gives it an owner and shares; the change is audited as "share"', async () => {
    const shares = [
      { kind: 'user', name: 'ed', role: 'editor' },
      { kind: 'user', name: 'Cara', role: 'commenter' },
      { kind: 'user', name: 'vic', role: 'viewer' },
    ];
    const res = await share('root', shares, 'olga');
    expect(res.status).toBe(200);
    const body = await json<{ owner: string; shares: unknown[]; role: string; canShare: boolean }>(res);
    expect(body).toEqual({ owner: 'olga', shares: shares.map((s) => ({ ...s, name: s.name.toLowerCase() })), role: 'owner', canShare: true });
    const page = await t.deps.audit.search({ action: 'share', target: NB, offset: 0, limit: 50 });
    expect(page.records.length).toBe(1);
    expect(page.records[0]!.actor.name).toBe('root');
    expect(page.records[0]!.details).toEqual({ owner: 'olga', shares: body.shares });
  });

  it('each role may do what it allows and is refused the rest, naming its role', async () => {
    const ranks = { owner: 3, editor: 2, commenter: 1, viewer: 0 } as const;
    const users: Array<[Who, keyof typeof ranks | null]> = [['olga', 'owner'], ['ed', 'editor'], ['cara', 'commenter'], ['vic', 'viewer'], ['nora', null]];
    const routes: Array<[string, string, keyof typeof ranks, unknown?]> = [
      ['GET', `/api/notebooks/${NB}/runs`, 'viewer'],
      ['GET', `/api/notebooks/${NB}/sharing`, 'viewer'],
      ['GET', `/api/notebooks/${NB}/versions`, 'viewer'],
      ['GET', `/api/notebooks/${NB}/briefing`, 'viewer'],
      ['GET', `/api/access/notebooks/${NB}`, 'viewer'],
      ['POST', `/api/notebooks/${NB}/cells/c1/run`, 'editor', {}],
      ['PATCH', `/api/notebooks/${NB}`, 'editor', { title: 'Shared one' }],
      ['POST', `/api/notebooks/${NB}/versions`, 'editor', { name: 'checkpoint' }],
      ['PUT', `/api/notebooks/${NB}/sharing`, 'owner', null],
    ];
    const current = await json<{ shares: unknown[] }>(call('olga', 'GET', `/api/notebooks/${NB}/sharing`));
    for (const [who, role] of users) {
      for (const [method, path, needed, body] of routes) {
        const res = await call(who, method, path, body === null ? { shares: current.shares } : body);
        const allowed = role !== null && ranks[role] >= ranks[needed];
        expect(res.status, `${who} (${role}) ${method} ${path}`).toBe(allowed ? (method === 'POST' && path.endsWith('/versions') ? 201 : 200) : 403);
        if (!allowed) expect(await message(res)).toMatch(role === null ? /not shared with you/ : new RegExp(`needs the ${needed} role.*you are a ${role}`));
      }
    }
    const run = await call('vic', 'POST', `/api/notebooks/${NB}/cells/c1/run`, {});
    expect(await message(run)).toBe(`notebook "${NB}": running a cell needs the editor role or higher; you are a viewer`);
  });

  it('a viewer reads the runs an editor made, and sees the notebook in the list with its role and owner', async () => {
    expect((await call('ed', 'POST', `/api/notebooks/${NB}/cells/c1/run`, {})).status).toBe(200);
    const runs = await json<{ runs: Record<string, { resultId?: string; rowCount?: number }> }>(call('vic', 'GET', `/api/notebooks/${NB}/runs`));
    expect(runs.runs.c1?.rowCount).toBe(1);
    expect((await call('vic', 'GET', `/api/results/${runs.runs.c1!.resultId}`)).status).toBe(200);
    const list = await json<{ notebooks: Array<{ id: string; role: string; owner: string | null }> }>(call('vic', 'GET', '/api/notebooks'));
    expect(list.notebooks.find((n) => n.id === NB)).toMatchObject({ role: 'viewer', owner: 'olga' });
    expect((await json<{ notebooks: Array<{ id: string }> }>(call('nora', 'GET', '/api/notebooks'))).notebooks).toEqual([]);
  });

  it('a group share reaches the group’s members, an everyone share reaches every account', async () => {
    const base = (await json<{ shares: Array<Record<string, string>> }>(call('olga', 'GET', `/api/notebooks/${NB}/sharing`))).shares;
    expect((await call('gina', 'GET', `/api/notebooks/${NB}/runs`)).status).toBe(403);
    expect((await share('olga', [...base, { kind: 'group', name: 'field-team', role: 'editor' }])).status).toBe(200);
    expect((await call('gina', 'POST', `/api/notebooks/${NB}/cells/c1/run`, {})).status).toBe(200);
    expect((await call('nora', 'GET', `/api/notebooks/${NB}/runs`)).status).toBe(403);
    expect((await share('olga', [...base, { kind: 'everyone', name: '*', role: 'viewer' }])).status).toBe(200);
    expect((await call('gina', 'POST', `/api/notebooks/${NB}/cells/c1/run`, {})).status).toBe(403);
    expect((await call('nora', 'GET', `/api/notebooks/${NB}/runs`)).status).toBe(200);
    // The highest matching share wins: vic is named as a viewer and everyone is a viewer.
    const view = await json<{ role: string; canShare: boolean }>(call('vic', 'GET', `/api/notebooks/${NB}/sharing`));
    expect(view).toMatchObject({ role: 'viewer', canShare: false });
    expect((await share('olga', base)).status).toBe(200);
    expect((await call('nora', 'GET', `/api/notebooks/${NB}/runs`)).status).toBe(403);
  });

  it('a new sharing is validated field by field; unknown accounts are refused by name', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [[{ kind: 'team', name: 'ed', role: 'viewer' }], /shares\[0\]: "kind" must be one of user, group, everyone/],
      [[{ kind: 'user', name: 'ed', role: 'owner' }], /shares\[0\]: "role" must be one of editor, commenter, viewer \(ownership is given by "owner"\)/],
      [[{ kind: 'user', name: 'ed', role: 'viewer', extra: 1 }], /shares\[0\]: unknown field "extra"/],
      [[{ kind: 'everyone', name: 'all', role: 'viewer' }], /shares\[0\]: "name" of an everyone share must be "\*"/],
      [[{ kind: 'group', name: 'bad group!', role: 'viewer' }], /shares\[0\]: "name" "bad group!" is not a group name/],
      [[{ kind: 'user', name: 'ed', role: 'viewer' }, { kind: 'user', name: 'ED', role: 'editor' }], /shares\[1\]: user "ed" is shared with twice/],
      [[{ kind: 'user', name: 'ghost', role: 'viewer' }, { kind: 'user', name: 'phantom', role: 'viewer' }], /no account "ghost", "phantom"/],
      ['everyone', /"shares" must be a list/],
    ];
    for (const [shares, expected] of cases) {
      const res = await share('olga', shares);
      expect(res.status, JSON.stringify(shares)).toBe(400);
      expect(await message(res)).toMatch(expected);
    }
    const unknownOwner = await share('olga', [], 'ghost');
    expect(await message(unknownOwner)).toMatch(/"owner": no account "ghost"/);
    const extra = await call('olga', 'PUT', `/api/notebooks/${NB}/sharing`, { shares: [], public: true });
    expect(await message(extra)).toMatch(/unknown field "public"/);
    // Nothing of the refused requests was kept.
    expect((await json<{ shares: unknown[] }>(call('olga', 'GET', `/api/notebooks/${NB}/sharing`))).shares.length).toBe(3);
  });

  it('creating or duplicating a notebook makes the creator its owner; only the owner deletes it', async () => {
    const created = await json<{ id: string }>(call('vic', 'POST', '/api/notebooks', { title: 'Mine' }));
    expect(await json(call('vic', 'GET', `/api/notebooks/${created.id}/sharing`))).toEqual({ owner: 'vic', shares: [], role: 'owner', canShare: true });
    expect((await call('olga', 'GET', `/api/notebooks/${created.id}/runs`)).status).toBe(403);
    const copy = await json<{ id: string }>(call('cara', 'POST', `/api/notebooks/${NB}/duplicate`, {}));
    expect((await json<{ owner: string }>(call('cara', 'GET', `/api/notebooks/${copy.id}/sharing`))).owner).toBe('cara');
    expect((await call('nora', 'POST', `/api/notebooks/${NB}/duplicate`, {})).status).toBe(403);
    expect((await call('ed', 'DELETE', `/api/notebooks/${NB}`)).status).toBe(403);
    expect((await call('vic', 'DELETE', `/api/notebooks/${created.id}`)).status).toBe(200);
  });

  it('the directory lists active accounts and their groups', async () => {
    const dir = await json<{ users: Array<{ id: string; name: string; displayName: string }>; groups: string[] }>(call('nora', 'GET', '/api/directory'));
    expect(dir.users.map((u) => u.name)).toEqual(['cara', 'ed', 'gina', 'nora', 'olga', 'root', 'vic']);
    // Ids, so that pages name a comment's author by the account that wrote it.
    expect(dir.users.find((u) => u.name === 'ed')!.id).toBe(ids.ed);
    expect(dir.groups).toEqual(['field-team']);
  });

  describe('the collaboration websocket', () => {
    let server: Awaited<ReturnType<TestApp['listen']>>;
    beforeAll(async () => {
      server = await t.listen();
    });
    afterAll(() => server.stop());

    /** A websocket class that signs in with `who`'s token, for y-websocket. */
    const signedIn = (who: Who) =>
      class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { authorization: `Bearer ${tokens[who]}` } });
        }
      };
    const serverText = async (cellId: string) => {
      const doc = await t.services.collab.open(NB);
      try {
        return cellSource(cellMap(doc, cellId)!).toString();
      } finally {
        t.services.collab.release(NB);
      }
    };
    const frame = (kind: 1 | 2, update: Uint8Array) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, kind);
      encoding.writeVarUint8Array(e, update);
      return encoding.toUint8Array(e);
    };
    /** A valid update made on a replica of the server's document. */
    const edit = async (change: (doc: Y.Doc) => void) => {
      const doc = await t.services.collab.open(NB);
      try {
        const replica = new Y.Doc();
        Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
        change(replica);
        return Y.encodeStateAsUpdate(replica, Y.encodeStateVector(doc));
      } finally {
        t.services.collab.release(NB);
      }
    };

    it('refuses an anonymous upgrade (401) and an account without a share (403)', async () => {
      await expect(rawClient(server.wsUrl, NB).opened).rejects.toThrow('HTTP 401');
      await expect(rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.nora}` }).opened).rejects.toThrow('HTTP 403');
    });

    it('a hostile viewer’s updates and sync step 2 change nothing on the server', async () => {
      const before = await serverText('c1');
      const c = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.vic}` });
      await c.opened;
      const update = await edit((doc) => cellSource(cellMap(doc, 'c1')!).insert(0, '-- hacked\n'));
      c.ws.send(frame(2, update));
      c.ws.send(frame(1, update));
      c.ws.send(frame(2, await edit((doc) => deleteCell(doc, 'c2' as never))));
      // The permission-denied answer comes once, after the first refused update.
      await waitFor(() => c.received.some((f) => f[0] === 2), 'permission denied');
      await new Promise((r) => setTimeout(r, 100));
      expect(await serverText('c1')).toBe(before);
      expect(await serverText('c2')).toContain('people');
      expect(c.received.filter((f) => f[0] === 2).length).toBe(1);
      c.ws.close();
    });

    it('takes a commenter’s comment and drops their cell edit, and a mixed update as a whole', async () => {
      const cara = new WebsocketProvider(server.wsUrl, NB, new Y.Doc(), {
        WebSocketPolyfill: signedIn('cara') as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        maxBackoffTime: 200,
      });
      await synced(cara);
      addThread(cara.doc, { id: 'tcara', cellId: 'c1', message: { id: 'm1', author: 'Cara', authorId: ids.cara, at: '2025-03-01T09:00:00Z', text: 'Why calls?' } }, undefined);
      const serverThread = async () => {
        const doc = await t.services.collab.open(NB);
        try {
          return getComments(doc).has('tcara');
        } finally {
          t.services.collab.release(NB);
        }
      };
      const deadline = Date.now() + 5000;
      while (!(await serverThread()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await serverThread()).toBe(true);

      const before = await serverText('c1');
      cellSource(cellMap(cara.doc, 'c1')!).insert(0, '-- commenter edit\n');
      await new Promise((r) => setTimeout(r, 150));
      expect(await serverText('c1')).toBe(before);
      cara.destroy();

      // A hand-made update adding a thread and deleting a cell is refused entirely.
      const c = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.cara}` });
      await c.opened;
      const mixed = await edit((doc) => {
        addThread(doc, { id: 'tmixed', cellId: 'c1', message: { id: 'm2', author: 'Cara', authorId: ids.cara, at: '2025-03-01T09:00:00Z', text: 'and this' } }, undefined);
        deleteCell(doc, 'c2' as never);
      });
      c.ws.send(frame(2, mixed));
      await waitFor(() => c.received.some((f) => f[0] === 2), 'permission denied');
      expect(await serverText('c2')).toContain('people');
      const doc = await t.services.collab.open(NB);
      expect(getComments(doc).has('tmixed')).toBe(false);
      t.services.collab.release(NB);
      c.ws.close();
    });

    it('a hostile commenter deletes and posts as herself only: others’ messages stay, impersonation is dropped', async () => {
      const at = '2025-03-02T09:00:00Z';
      /** The server's messages of `threadId`, as "id:authorId". */
      const serverMessages = async (threadId: string) => {
        const doc = await t.services.collab.open(NB);
        try {
          const messages = getComments(doc).get(threadId)?.get('messages') as Y.Array<CommentMessage> | undefined;
          return (messages?.toArray() ?? []).map((m) => `${m.id}:${m.authorId ?? ''}`);
        } finally {
          t.services.collab.release(NB);
        }
      };
      const until = async (check: () => Promise<boolean>, what: string) => {
        const deadline = Date.now() + 5000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      // Olga, the owner, starts a thread through the websocket as the browser does.
      const o = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.olga}` });
      await o.opened;
      o.ws.send(frame(2, await edit((doc) => addThread(doc, { id: 'tolga', cellId: 'c2', message: { id: 'o1', author: 'Olga', authorId: ids.olga, at, text: 'People?' } }, undefined))));
      await until(async () => (await serverMessages('tolga')).length === 1, 'Olga’s thread');
      o.ws.close();

      const c = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.cara}` });
      await c.opened;
      // Her own reply is taken.
      c.ws.send(frame(2, await edit((doc) => addReply(doc, 'tolga', { id: 'r1', author: 'Cara', authorId: ids.cara, at, text: 'Yes, people.' }))));
      await until(async () => (await serverMessages('tolga')).length === 2, 'Cara’s reply');
      // Deleting Olga's message, and posting as Olga, are dropped; the first tells her once.
      c.ws.send(frame(2, await edit((doc) => deleteMessage(doc, 'tolga', 'o1'))));
      c.ws.send(frame(2, await edit((doc) => addReply(doc, 'tolga', { id: 'fake', author: 'Olga', authorId: ids.olga, at, text: 'Ignore my question.' }))));
      c.ws.send(frame(2, await edit((doc) => deleteThread(doc, 'tolga'))));
      await waitFor(() => c.received.some((f) => f[0] === 2), 'permission denied');
      // Her own message goes when she deletes it.
      c.ws.send(frame(2, await edit((doc) => deleteMessage(doc, 'tolga', 'r1'))));
      await until(async () => (await serverMessages('tolga')).length === 1, 'Cara’s deletion');
      expect(await serverMessages('tolga')).toEqual([`o1:${ids.olga}`]);
      expect(c.received.filter((f) => f[0] === 2).length).toBe(1);
      c.ws.close();

      // An editor may not post as someone else either.
      const e = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.ed}` });
      await e.opened;
      e.ws.send(frame(2, await edit((doc) => addReply(doc, 'tolga', { id: 'fake2', author: 'Olga', authorId: ids.olga, at, text: 'Never mind.' }))));
      e.ws.send(frame(2, await edit((doc) => addReply(doc, 'tolga', { id: 'e1', author: 'Ed', authorId: ids.ed, at, text: 'Ed here.' }))));
      await until(async () => (await serverMessages('tolga')).length === 2, 'Ed’s reply');
      expect(await serverMessages('tolga')).toEqual([`o1:${ids.olga}`, `e1:${ids.ed}`]);
      e.ws.close();
    });

    it('an editor’s edit is taken', async () => {
      const c = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.ed}` });
      await c.opened;
      c.ws.send(frame(2, await edit((doc) => cellSource(cellMap(doc, 'c1')!).insert(0, '-- ed\n'))));
      const deadline = Date.now() + 5000;
      while (!(await serverText('c1')).startsWith('-- ed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await serverText('c1')).toMatch(/^-- ed\n/);
      c.ws.close();
    });

    describe('open connections follow later access changes', () => {
      const LIVE = 'live-access';
      const shareLive = (shares: unknown) => call('olga', 'PUT', `/api/notebooks/${LIVE}/sharing`, { shares });
      const liveText = async () => {
        const doc = await t.services.collab.open(LIVE);
        try {
          return cellSource(cellMap(doc, 'c1')!).toString();
        } finally {
          t.services.collab.release(LIVE);
        }
      };
      const liveEdit = async (change: (doc: Y.Doc) => void) => {
        const doc = await t.services.collab.open(LIVE);
        try {
          const replica = new Y.Doc();
          Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
          change(replica);
          return Y.encodeStateAsUpdate(replica, Y.encodeStateVector(doc));
        } finally {
          t.services.collab.release(LIVE);
        }
      };
      const prepend = (line: string) => liveEdit((doc) => cellSource(cellMap(doc, 'c1')!).insert(0, line));
      const until = async (check: () => Promise<boolean>, what: string) => {
        const deadline = Date.now() + 5000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const stillOpen = (c: ReturnType<typeof rawClient>) => c.ws.readyState === WebSocket.OPEN;

      beforeAll(async () => {
        await writeFile(join(workspacePaths(t.home).notebooksDir, `${LIVE}.md`), '---\ntitle: Live one\n---\n\n```sql name=k id=c1\nSELECT 1 AS n\n```\n');
        expect((await call('root', 'PUT', `/api/notebooks/${LIVE}/sharing`, { owner: 'olga', shares: [] })).status).toBe(200);
      });

      it('a viewer whose share is withdrawn is disconnected (4403), hears no more edits, and is told on the run stream', async () => {
        expect((await shareLive([{ kind: 'user', name: 'vic', role: 'viewer' }, { kind: 'user', name: 'ed', role: 'editor' }])).status).toBe(200);
        const vic = new WebsocketProvider(server.wsUrl, LIVE, new Y.Doc(), {
          WebSocketPolyfill: signedIn('vic') as unknown as typeof globalThis.WebSocket,
          disableBc: true,
          maxBackoffTime: 200,
        });
        const closed = new Promise<{ code: number; reason: string }>((resolve) => vic.on('closed', (e: { code: number; reason: string }) => resolve(e)));
        await synced(vic);
        const stream = await call('vic', 'GET', `/api/notebooks/${LIVE}/events`);
        expect(stream.status).toBe(200);

        // Olga withdraws Vic's share; Ed keeps his.
        expect((await shareLive([{ kind: 'user', name: 'ed', role: 'editor' }])).status).toBe(200);
        const how = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
        expect(how).toMatchObject({ code: 4403 });
        expect(how?.reason).toMatch(/not shared with you/);

        // Ed's next edit reaches the server, never Vic's replica.
        const ed = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.ed}` });
        await ed.opened;
        ed.ws.send(frame(2, await prepend('-- after vic left\n')));
        await until(async () => (await liveText()).startsWith('-- after vic left'), 'Ed’s edit');
        await new Promise((r) => setTimeout(r, 100));
        expect(cellSource(cellMap(vic.doc, 'c1')!).toString()).not.toContain('after vic left');
        ed.ws.close();
        vic.destroy();

        // The run stream said the access changed, then ended.
        const reader = stream.body!.getReader();
        const decoder = new TextDecoder();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value);
        }
        expect(text).toContain('data: {"type":"access"}');
        // And reconnecting is refused.
        await expect(rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.vic}` }).opened).rejects.toThrow('HTTP 403');
      });

      it('an editor lowered to viewer stays connected but their next edit is dropped; raised again, they edit', async () => {
        expect((await shareLive([{ kind: 'user', name: 'ed', role: 'editor' }])).status).toBe(200);
        const ed = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.ed}` });
        await ed.opened;
        ed.ws.send(frame(2, await prepend('-- ed one\n')));
        await until(async () => (await liveText()).startsWith('-- ed one'), 'Ed’s first edit');

        expect((await shareLive([{ kind: 'user', name: 'ed', role: 'viewer' }])).status).toBe(200);
        const before = await liveText();
        ed.ws.send(frame(2, await prepend('-- ed as viewer\n')));
        // The permission-denied answer arrives; the edit does not.
        await waitFor(() => ed.received.some((f) => f[0] === 2), 'permission denied');
        await new Promise((r) => setTimeout(r, 100));
        expect(await liveText()).toBe(before);
        expect(stillOpen(ed)).toBe(true);

        expect((await shareLive([{ kind: 'user', name: 'ed', role: 'editor' }])).status).toBe(200);
        ed.ws.send(frame(2, await prepend('-- ed editor again\n')));
        await until(async () => (await liveText()).startsWith('-- ed editor again'), 'Ed’s edit once an editor again');
        ed.ws.close();
      });

      it('an account an administrator disables is disconnected from every notebook', async () => {
        expect((await shareLive([{ kind: 'group', name: 'field-team', role: 'editor' }])).status).toBe(200);
        const gina = rawClient(server.wsUrl, LIVE, { authorization: `Bearer ${tokens.gina}` });
        await gina.opened;
        const vicElsewhere = rawClient(server.wsUrl, NB, { authorization: `Bearer ${tokens.vic}` });
        await vicElsewhere.opened;
        try {
          expect((await call('root', 'PATCH', '/api/admin/users/gina', { disabled: true })).status).toBe(200);
          expect(await withTimeout(gina.closed, 5000, 'gina disconnected')).toMatchObject({ code: 4403 });
          // Others' connections stay.
          expect(stillOpen(vicElsewhere)).toBe(true);
        } finally {
          expect((await call('root', 'PATCH', '/api/admin/users/gina', { disabled: false })).status).toBe(200);
          vicElsewhere.ws.close();
        }
      });
    });
  });
  // Last: marking a dataset SECRET raises the notebook above most accounts' clearance.
  it('run events reach a viewer only as the viewer may see them: no result id above their clearance', async () => {
    expect((await call('root', 'PUT', '/api/access/datasets/people', { level: 'SECRET' })).status).toBe(200);
    expect((await call('root', 'PUT', '/api/access/clearances/ed', { level: 'SECRET' })).status).toBe(200);
    expect((await call('nora', 'GET', `/api/notebooks/${NB}/events`)).status).toBe(403);
    const stream = await call('vic', 'GET', `/api/notebooks/${NB}/events`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect((await call('ed', 'POST', `/api/notebooks/${NB}/cells/c2/run`, {})).status).toBe(200);
    let text = '';
    const decoder = new TextDecoder();
    const deadline = Date.now() + 5000;
    while (!/"type":"finished"/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    const finished = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { type: string; run?: Record<string, unknown> }).find((e) => e.type === 'finished');
    expect(finished?.run).toMatchObject({ cellId: 'c2', status: 'ok', marking: { level: 'SECRET' } });
    expect(finished?.run).not.toHaveProperty('resultId');
    expect(finished?.run).not.toHaveProperty('rowCount');
    // The editor who ran it sees the result in the listing.
    const runs = await json<{ runs: Record<string, { resultId?: string }> }>(call('ed', 'GET', `/api/notebooks/${NB}/runs`));
    expect(runs.runs.c2?.resultId).toBeDefined();
  });
});
