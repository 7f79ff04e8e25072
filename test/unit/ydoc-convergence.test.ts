/**
 * Convergence of the notebook document under concurrency: simulated clients around a server
 * replica, with a seeded random generator choosing edits (typing, deleting text, adding,
 * deleting and moving cells, renaming, comments), message delivery in random order with
 * delays, and disconnects that drop messages in flight. At the end every replica must hold
 * the same encoded state and the same ordered cells, no cell twice, every cell nobody
 * deleted exactly once, and no update left pending.
 *
 * "The same encoded state" is compared in a canonical form: Yjs may store the same items
 * split or merged differently on two replicas (and garbage-collect deleted ones at different
 * moments), so encodeStateAsUpdate bytes can differ while the states are equal. The canonical
 * form lists every clock of every client once: deleted, or the live item unit there with its
 * origins, parent and content.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asCellId, type CellId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import {
  cellMap, cellSource, deleteCell, docToNotebook, getCells, insertCell, loadNotebookIntoDoc, moveCell, orderedCells, setCellName,
} from '../../core/notebook/ydoc.js';
import { addReply, addThread, deleteMessage, getComments, readComments, setResolved } from '../../core/notebook/comments.js';

/** A seeded [0, 1) generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Message = { kind: 'update'; data: Uint8Array } | { kind: 'step1'; stateVector: Uint8Array };
/** A message in flight, delivered no earlier than `due` (simulated time). */
interface Flight {
  message: Message;
  due: number;
}

const REMOTE = 'remote';

/**
 * One client and its two channels with the server. Each channel delivers in random order
 * among the messages that are due; a disconnect empties both.
 */
class Peer {
  readonly doc: Y.Doc;
  readonly toServer: Flight[] = [];
  readonly toClient: Flight[] = [];
  online = true;
  constructor(
    readonly name: string,
    clientId: number,
    private readonly send: (peer: Peer, update: Uint8Array) => void,
  ) {
    this.doc = docWithClient(clientId);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE && this.online) this.send(this, update);
    });
  }
}

interface World {
  random: () => number;
  server: Y.Doc;
  peers: Peer[];
  now: number;
  created: Set<string>;
  deleted: Set<string>;
  nextId: number;
}

/** A doc with a fixed client id, so a seed replays the same run (Yjs breaks ties by client id). */
function docWithClient(clientId: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  return doc;
}

function setup(seed: number, clients: number, initial: NotebookData): World {
  const random = prng(seed);
  const server = docWithClient(1);
  loadNotebookIntoDoc(server, initial, 'file');
  const world: World = { random, server, peers: [], now: 0, created: new Set(initial.cells.map((c) => c.id)), deleted: new Set(), nextId: 0 };
  const delay = () => world.now + Math.floor(random() * 20);
  for (let i = 0; i < clients; i++) {
    const peer = new Peer(`p${i}`, 100 + i * 7, (p, update) => p.toServer.push({ message: { kind: 'update', data: update }, due: delay() }));
    world.peers.push(peer);
  }
  // The server forwards every change it integrates to the other connected clients.
  server.on('update', (update: Uint8Array, origin: unknown) => {
    for (const p of world.peers) {
      if (p.online && p !== origin) p.toClient.push({ message: { kind: 'update', data: update }, due: delay() });
    }
  });
  for (const p of world.peers) connect(world, p);
  return world;
}

/** A (re)connection: both sides send sync step 1, as y-websocket does. */
function connect(world: World, peer: Peer): void {
  peer.online = true;
  const due = world.now + Math.floor(world.random() * 10);
  peer.toServer.push({ message: { kind: 'step1', stateVector: Y.encodeStateVector(peer.doc) }, due });
  peer.toClient.push({ message: { kind: 'step1', stateVector: Y.encodeStateVector(world.server) }, due });
}

function disconnect(peer: Peer): void {
  peer.online = false;
  peer.toServer.length = 0;
  peer.toClient.length = 0;
}

/** Delivers one due message picked at random from `queue`; false when none is due. */
function deliverOne(world: World, peer: Peer, toServer: boolean): boolean {
  const queue = toServer ? peer.toServer : peer.toClient;
  const due = queue.map((f, i) => [f, i] as const).filter(([f]) => f.due <= world.now);
  if (due.length === 0) return false;
  const [flight, index] = due[Math.floor(world.random() * due.length)]!;
  queue.splice(index, 1);
  const target = toServer ? world.server : peer.doc;
  const source = toServer ? peer.doc : world.server;
  const m = flight.message;
  if (m.kind === 'update') {
    Y.applyUpdate(target, m.data, toServer ? peer : REMOTE);
  } else {
    // Step 1 asks for what the sender lacks; the answer travels back like any message.
    const answer = Y.encodeStateAsUpdate(target, m.stateVector);
    const back = toServer ? peer.toClient : peer.toServer;
    back.push({ message: { kind: 'update', data: answer }, due: world.now + Math.floor(world.random() * 10) });
    void source;
  }
  return true;
}

const textOf = (doc: Y.Doc) => (id: string) => {
  const map = cellMap(doc, id);
  return map ? cellSource(map) : undefined;
};

/** One random local action of `peer`. */
function edit(world: World, peer: Peer): void {
  const { random } = world;
  const doc = peer.doc;
  const cells = orderedCells(doc);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const roll = random();
  const origin = peer.name;
  if (cells.length === 0 || roll < 0.12) {
    const id = asCellId(`n${world.nextId++}`);
    world.created.add(id);
    insertCell(doc, Math.floor(random() * (cells.length + 1)), { id, kind: random() < 0.5 ? 'sql' : 'markdown', source: '' }, origin, random);
    return;
  }
  const cell = pick(cells);
  const id = cell.get('id') as CellId;
  const text = cellSource(cell);
  if (roll < 0.5) {
    doc.transact(() => text.insert(Math.floor(random() * (text.length + 1)), pick(['a', 'é', '\n', 'SELECT ', '🙂', 'x'])), origin);
  } else if (roll < 0.58 && text.length > 0) {
    const at = Math.floor(random() * text.length);
    doc.transact(() => text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 3))), origin);
  } else if (roll < 0.64) {
    if (deleteCell(doc, id, origin)) world.deleted.add(id);
  } else if (roll < 0.8) {
    moveCell(doc, id, Math.floor(random() * cells.length), origin, random);
  } else if (roll < 0.84) {
    if (cell.get('kind') === 'sql') setCellName(doc, id, pick(['a', 'b', 'calls']), origin);
  } else {
    commentAction(world, peer, id, text);
  }
}

function commentAction(world: World, peer: Peer, cellId: CellId, text: Y.Text): void {
  const { random, doc } = { random: world.random, doc: peer.doc };
  const origin = peer.name;
  const message = (n: number) => ({ id: `m${world.nextId}-${n}`, author: peer.name, authorId: peer.name, at: `2026-03-12T10:00:${String(n % 60).padStart(2, '0')}.000Z`, text: `note ${n}` });
  const threads = [...getComments(doc).keys()];
  const roll = random();
  if (threads.length === 0 || roll < 0.4) {
    const from = Math.floor(random() * (text.length + 1));
    const to = from + Math.floor(random() * (text.length - from + 1));
    addThread(doc, { id: `t${world.nextId++}`, cellId, anchor: { from, to }, message: message(world.nextId) }, text, origin);
    return;
  }
  const thread = threads[Math.floor(random() * threads.length)]!;
  if (roll < 0.7) addReply(doc, thread, message(world.nextId++), origin);
  else if (roll < 0.85) setResolved(doc, thread, random() < 0.5 ? { by: peer.name, at: '2026-03-12T11:00:00.000Z' } : null, origin);
  else {
    const messages = getComments(doc).get(thread)?.get('messages');
    if (messages instanceof Y.Array && messages.length > 0) {
      const m = messages.get(Math.floor(random() * messages.length)) as { id: string };
      deleteMessage(doc, thread, m.id, origin);
    }
  }
}

/** Runs `steps` random steps, then reconnects everyone and delivers until quiet. */
function run(world: World, steps: number): void {
  const { random, peers } = world;
  for (let step = 0; step < steps; step++) {
    world.now++;
    const roll = random();
    const peer = peers[Math.floor(random() * peers.length)]!;
    if (roll < 0.45) edit(world, peer);
    else if (roll < 0.9) deliverOne(world, peer, random() < 0.5);
    else if (roll < 0.95) {
      if (peer.online) disconnect(peer);
    } else if (!peer.online) connect(world, peer);
  }
  for (const p of peers) if (!p.online) connect(world, p);
  for (let quiet = false; !quiet; ) {
    world.now += 100;
    quiet = true;
    for (const p of peers) {
      while (deliverOne(world, p, true) || deliverOne(world, p, false)) quiet = false;
    }
  }
}

const initial: NotebookData = {
  meta: { title: 'Convergence' },
  cells: [
    { id: asCellId('m1'), kind: 'markdown', source: '# Notes' },
    { id: asCellId('c1'), kind: 'sql', name: 'suspects', source: 'SELECT 1' },
    { id: asCellId('c2'), kind: 'sql', source: 'SELECT * FROM suspects' },
  ],
};

/** The encoded state in canonical form (see the file comment), as one string. */
function canonicalState(doc: Y.Doc): string {
  const { structs, ds } = Y.decodeUpdate(Y.encodeStateAsUpdate(doc));
  const deleted = (client: number, clock: number) => (ds.clients.get(client) ?? []).some((d) => clock >= d.clock && clock < d.clock + d.len);
  const id = (x: Y.ID | null) => (x ? `${x.client}:${x.clock}` : null);
  const out: string[] = [];
  for (const s of structs) {
    for (let k = 0; k < s.length; k++) {
      const clock = s.id.clock + k;
      const at = `${s.id.client}:${clock}`;
      if (s instanceof Y.Skip) out.push(`${at} skip`);
      else if (s instanceof Y.GC || deleted(s.id.client, clock)) out.push(`${at} deleted`);
      else {
        const item = s as Y.Item;
        const first = k === 0;
        const parent = !first ? null : item.parent instanceof Y.ID ? id(item.parent) : (item.parent as string | null);
        const origin = first ? id(item.origin) : `${s.id.client}:${clock - 1}`;
        out.push(JSON.stringify([at, origin, id(item.rightOrigin), parent, first ? item.parentSub : null, unitContent(item.content, k)]));
      }
    }
  }
  return out.join('\n');
}

function unitContent(content: Y.Item["content"], k: number): unknown {
  if (content instanceof Y.ContentString) return ['s', content.str[k]];
  if (content instanceof Y.ContentAny) return ['a', content.arr[k]];
  if (content instanceof Y.ContentJSON) return ['j', content.arr[k]];
  if (content instanceof Y.ContentBinary) return ['b', Buffer.from(content.content).toString('hex')];
  if (content instanceof Y.ContentType) {
    const t = content.type;
    return ['t', t instanceof Y.Text ? 'text' : t instanceof Y.Map ? 'map' : t instanceof Y.Array ? 'array' : 'other'];
  }
  return ['?', content.constructor.name, JSON.stringify(content.getContent())];
}

function checkConverged(world: World): void {
  const replicas = [world.server, ...world.peers.map((p) => p.doc)];
  const states = replicas.map((d) => Buffer.from(Y.encodeStateVector(d)).toString('hex'));
  for (const s of states) expect(s).toBe(states[0]);
  const canonical = replicas.map(canonicalState);
  for (const c of canonical) expect(c === canonical[0], 'canonical encoded state').toBe(true);
  const orders = replicas.map((d) => orderedCells(d).map((m) => m.get('id') as string));
  for (const o of orders) expect(o).toStrictEqual(orders[0]);
  const ids = orders[0]!;
  expect(new Set(ids).size).toBe(ids.length);
  const expected = [...world.created].filter((id) => !world.deleted.has(id)).sort();
  expect([...ids].sort()).toStrictEqual(expected);
  for (const d of replicas) {
    expect(d.store.pendingStructs).toBeNull();
    expect(d.store.pendingDs).toBeNull();
    expect(docToNotebook(d)).toStrictEqual(docToNotebook(world.server));
    expect(readComments(d, textOf(d))).toStrictEqual(readComments(world.server, textOf(world.server)));
  }
}

/** A document as written before cells had positions: the array order is the order. */
function legacyDoc(): Y.Doc {
  const doc = docWithClient(9);
  doc.transact(() => {
    doc.getMap('meta').set('title', 'Old');
    getCells(doc).insert(0, initial.cells.map((c) => {
      const map = new Y.Map<unknown>();
      map.set('id', c.id);
      map.set('kind', c.kind);
      if (c.name) map.set('name', c.name);
      map.set('source', new Y.Text(c.source));
      return map;
    }));
  });
  return doc;
}

describe('notebook document convergence', () => {
  it('reads a document from before positions in its array order, and numbers it on the first change', () => {
    const a = legacyDoc();
    expect(docToNotebook(a).cells.map((c) => c.id)).toStrictEqual(['m1', 'c1', 'c2']);
    const b = docWithClient(10);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    moveCell(a, asCellId('c2'), 0, 'a', prng(1));
    expect(docToNotebook(a).cells.map((c) => c.id)).toStrictEqual(['c2', 'm1', 'c1']);
    expect(orderedCells(a).every((m) => typeof m.get('pos') === 'string')).toBe(true);
    // Another client numbers the same cells at the same time (the same keys) and inserts.
    insertCell(b, 1, { id: asCellId('n1'), kind: 'sql', source: '' }, 'b', prng(3));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    const ids = docToNotebook(a).cells.map((c) => c.id);
    expect(docToNotebook(b).cells.map((c) => c.id)).toStrictEqual(ids);
    expect([...ids].sort()).toStrictEqual(['c1', 'c2', 'm1', 'n1']);
    expect(ids.indexOf(asCellId('n1'))).toBe(ids.indexOf(asCellId('m1')) + 1);
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`6 clients, random edits, delays, reordering and disconnects converge (seed ${seed})`, () => {
      const world = setup(seed, 6, initial);
      run(world, 2500);
      checkConverged(world);
      // The run exercised what it claims to.
      expect(world.deleted.size).toBeGreaterThan(0);
      expect(world.created.size).toBeGreaterThan(initial.cells.length + 10);
      expect(getComments(world.server).size).toBeGreaterThan(0);
    });
  }

  it('keeps an edit made while another person moves the cell, and never copies the cell', () => {
    const a = new Y.Doc();
    loadNotebookIntoDoc(a, initial, 'file');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    moveCell(a, asCellId('c2'), 0, 'a');
    moveCell(b, asCellId('c2'), 1, 'b');
    cellSource(cellMap(b, 'c2')!).insert(0, '-- checked\n');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    for (const d of [a, b]) {
      const cells = docToNotebook(d).cells;
      expect(cells.filter((c) => c.id === 'c2')).toHaveLength(1);
      expect(cells.find((c) => c.id === 'c2')!.source).toBe('-- checked\nSELECT * FROM suspects');
      expect(getCells(d).length).toBe(3);
    }
    expect(docToNotebook(a)).toStrictEqual(docToNotebook(b));
  });

  it('puts two cells inserted at the same place at once both there, in a shared order', () => {
    const a = new Y.Doc();
    loadNotebookIntoDoc(a, initial, 'file');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    insertCell(a, 1, { id: asCellId('xa'), kind: 'sql', source: '' }, 'a', prng(1));
    insertCell(b, 1, { id: asCellId('xb'), kind: 'sql', source: '' }, 'b', prng(2));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const ids = docToNotebook(a).cells.map((c) => c.id);
    expect(ids.slice(0, 1)).toStrictEqual(['m1']);
    expect(new Set(ids.slice(1, 3))).toStrictEqual(new Set(['xa', 'xb']));
    expect(docToNotebook(b).cells.map((c) => c.id)).toStrictEqual(ids);
    // Inserting between the two still works (no room is ever missing).
    insertCell(a, 2, { id: asCellId('xc'), kind: 'markdown', source: '' }, 'a');
    expect(docToNotebook(a).cells.map((c) => c.id)[2]).toBe('xc');
  });
});
