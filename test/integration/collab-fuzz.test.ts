/**
 * Hostile clients: thousands of random and mutated frames over raw websockets, from a
 * seeded generator. The server must stay up, close each socket that broke the protocol,
 * keep an honest client on the same notebook in sync, and keep the document intact.
 */
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { asCellId } from '../../core/ids.js';
import { cellMap, insertCell } from '../../core/notebook/ydoc.js';
import {
  connectClient,
  rawClient,
  removeDir,
  startHarness,
  synced,
  waitFor,
  withTimeout,
  type Harness,
} from '../helpers/ws-client.js';

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20240611;
const ROUNDS = 1200;
const FRAMES_PER_ROUND = 16;

function frame(...parts: Array<(e: encoding.Encoder) => void>): Uint8Array {
  const e = encoding.createEncoder();
  for (const part of parts) part(e);
  return encoding.toUint8Array(e);
}
const uint = (n: number) => (e: encoding.Encoder) => encoding.writeVarUint(e, n);
const bytes = (b: Uint8Array) => (e: encoding.Encoder) => encoding.writeVarUint8Array(e, b);
const raw = (b: Uint8Array) => (e: encoding.Encoder) => encoding.writeUint8Array(e, b);

/** Valid updates a hostile editor could send: made on a replica of the notebook (`base`). */
function validUpdates(base: Uint8Array, count: number, rand: () => number): Uint8Array[] {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; out.length < count; i++) {
    if (rand() < 0.3) insertCell(doc, 0, { id: asCellId(`h${i}`), kind: 'markdown', source: `hostile ${i}` });
    else (doc.getArray<Y.Map<unknown>>('cells').get(0).get('source') as Y.Text).insert(0, 'x');
  }
  return out;
}

interface Generated {
  frame: Uint8Array | string;
  /** No reading of this frame is valid: the socket must be closed. */
  fatal: boolean;
}

function generators(rand: () => number, updates: Uint8Array[], honestId: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const validFrames = (): Uint8Array[] => [
    frame(uint(0), uint(0), bytes(Y.encodeStateVector(new Y.Doc()))),
    frame(uint(0), uint(2), bytes(pick(updates))),
    frame(uint(0), uint(1), bytes(pick(updates))),
    frame(uint(1), bytes(frame(uint(1), uint(int(2 ** 32)), uint(int(100)), (e) => encoding.writeVarString(e, '{"user":{"name":"h"}}')))),
  ];
  const list: Array<() => Generated> = [
    // random bytes: may by chance be a valid message
    () => ({ frame: randomBytes(int(64)), fatal: false }),
    // a valid message cut short: the length prefix now runs past the end
    () => {
      const f = pick(validFrames());
      return { frame: f.subarray(0, int(f.length)), fatal: true };
    },
    // a valid header, then garbage where the update should be
    () => ({ frame: frame(uint(0), uint(2), bytes(randomBytes(1 + int(200)))), fatal: false }),
    // a length far beyond the frame
    () => ({ frame: frame(uint(0), uint(pick([0, 1, 2])), uint(2 ** 31 + int(1000)), raw(randomBytes(4))), fatal: true }),
    // a varint that never ends or overflows
    () => ({ frame: Uint8Array.from([0, 2, ...Array.from({ length: 12 }, () => 0xff)]), fatal: true }),
    // unknown message and sync types
    () => ({ frame: frame(uint(4 + int(250)), raw(randomBytes(int(8)))), fatal: true }),
    () => ({ frame: frame(uint(0), uint(3 + int(100)), raw(randomBytes(int(8)))), fatal: true }),
    // a valid update with bytes flipped: may still decode (then it is a legitimate edit)
    () => {
      const u = new Uint8Array(pick(updates));
      for (let i = 0; i < 1 + int(3); i++) {
        const at = int(u.length);
        u[at] = u[at]! ^ (1 << int(8));
      }
      return { frame: frame(uint(0), uint(2), bytes(u)), fatal: false };
    },
    // trailing bytes after a valid message
    () => ({ frame: frame(raw(pick(validFrames())), raw(randomBytes(1 + int(8)))), fatal: true }),
    // oversize awareness state: dropped, not fatal
    () => ({
      frame: frame(uint(1), bytes(frame(uint(1), uint(1 + int(1000)), uint(1), (e) => encoding.writeVarString(e, JSON.stringify({ pad: 'x'.repeat(9000) }))))),
      fatal: false,
    }),
    // someone else's presence: ignored, not fatal
    () => ({
      frame: frame(uint(1), bytes(frame(uint(1), uint(honestId()), uint(10_000 + int(1000)), (e) => encoding.writeVarString(e, '{"user":{"name":"spoofed"}}')))),
      fatal: false,
    }),
    // awareness that is not JSON
    () => ({ frame: frame(uint(1), bytes(frame(uint(1), uint(int(1000)), uint(1), (e) => encoding.writeVarString(e, '{nope')))), fatal: true }),
    // a text frame
    () => ({ frame: 'hello', fatal: true }),
    // plain valid traffic mixed in
    () => ({ frame: pick(validFrames()), fatal: false }),
  ];
  return () => pick(list)();
}

describe('hostile clients', () => {
  let h: Harness;
  let honest: WebsocketProvider;
  let watcher: WebsocketProvider;

  beforeAll(async () => {
    // The honest client types at machine speed, far above any person: let it.
    h = await startHarness({ saveDebounceMs: 50, connectionLimits: { burst: 200, perSecond: 2000 } });
    honest = connectClient(h.url, 'nb1');
    watcher = connectClient(h.url, 'nb1');
    await Promise.all([synced(honest), synced(watcher)]);
    honest.awareness.setLocalStateField('user', { name: 'Honest' });
  });

  afterAll(async () => {
    honest?.destroy();
    watcher?.destroy();
    await h?.stop();
    if (h) await removeDir(h.stateDir);
  });

  it('survives thousands of bad frames and keeps the document whole', async () => {
    const rand = prng(SEED);
    const updates = validUpdates(Y.encodeStateAsUpdate(honest.doc), 40, rand);
    const next = generators(rand, updates, () => honest.doc.clientID);
    const text = () => source(honest.doc);
    let typed = text().toString();
    let sent = 0;
    let fatalSockets = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const hostile = rawClient(h.url, 'nb1');
      await hostile.opened;
      let fatal = false;
      for (let i = 0; i < FRAMES_PER_ROUND && hostile.ws.readyState === hostile.ws.OPEN; i++) {
        const g = next();
        fatal ||= g.fatal;
        hostile.ws.send(g.frame, { binary: typeof g.frame !== 'string' });
        sent++;
        if (g.fatal) break;
      }
      if (fatal) {
        fatalSockets++;
        const { code } = await withTimeout(hostile.closed, 2000, `round ${round}: hostile socket to be closed`);
        expect([1003, 1007, 1008], `round ${round}`).toContain(code);
      } else {
        hostile.ws.close();
        await hostile.closed;
      }
      // The honest client keeps typing through all of it.
      text().insert(text().length, String.fromCharCode(97 + (round % 26)));
      typed += String.fromCharCode(97 + (round % 26));
    }
    expect(sent).toBeGreaterThan(2000);
    expect(fatalSockets).toBeGreaterThan(ROUNDS / 2);

    // Nothing the honest client typed was lost, and it agrees with the server and a watcher.
    const server = await h.collab.open('nb1');
    try {
      await waitFor(() => source(server).toString().endsWith(typed), 'honest typing at the server');
      await waitFor(() => sameState(server, honest.doc) && sameState(server, watcher.doc), 'replicas to converge');
      // Nothing half-applied is kept around on the server.
      expect(server.store.pendingStructs).toBeNull();
      expect(server.store.pendingDs).toBeNull();
      // A newcomer gets the same document.
      const late = connectClient(h.url, 'nb1');
      await synced(late);
      expect(sameState(server, late.doc)).toBe(true);
      late.destroy();
      // Presence was not spoofed.
      expect((watcher.awareness.getStates().get(honest.doc.clientID) as any)?.user?.name).toBe('Honest');
    } finally {
      h.collab.release('nb1');
    }
    expect(h.errors).toEqual([]);
  }, 60_000);

  it('does not apply an update that refers to content the server lacks, and asks for a resync', async () => {
    const server = await h.collab.open('nb1');
    try {
      const replica = new Y.Doc();
      Y.applyUpdate(replica, Y.encodeStateAsUpdate(server));
      const updates: Uint8Array[] = [];
      replica.on('update', (u: Uint8Array) => updates.push(u));
      const text = cellMap(replica, 'c1')!.get('source') as Y.Text;
      text.insert(0, 'first ');
      text.insert(0, 'second ');
      const raw = rawClient(h.url, 'nb1');
      await raw.opened;
      const before = Y.encodeStateVector(server);
      raw.ws.send(frame(uint(0), uint(2), bytes(updates[1]!)));
      // The answer is our sync step 1: "send me what I lack".
      await waitFor(() => raw.received.some((f) => f[0] === 0 && f[1] === 0), 'resync request');
      expect(Y.encodeStateVector(server)).toEqual(before);
      expect(server.store.pendingStructs).toBeNull();
      raw.ws.send(frame(uint(0), uint(2), bytes(updates[0]!)));
      raw.ws.send(frame(uint(0), uint(2), bytes(updates[1]!)));
      await waitFor(() => source(server).toString().startsWith('second first '), 'both updates applied');
      expect(raw.ws.readyState).toBe(raw.ws.OPEN);
      raw.ws.close();
    } finally {
      h.collab.release('nb1');
    }
  });

  it('closes a socket that floods messages, and one that sends an oversize frame', async () => {
    const flood = rawClient(h.url, 'nb1');
    await flood.opened;
    const query = Uint8Array.from([3]);
    for (let i = 0; i < 2000; i++) flood.ws.send(query);
    expect((await withTimeout(flood.closed, 2000, 'flood closed')).code).toBe(1008);

    const big = rawClient(h.url, 'nb1');
    await big.opened;
    big.ws.send(new Uint8Array(1024 * 1024 + 16));
    expect((await withTimeout(big.closed, 2000, 'oversize closed')).code).toBe(1009);

    // Still serving.
    (cellMap(honest.doc, 'c1')!.get('source') as Y.Text).insert(0, '-- still here\n');
    await waitFor(
      () => (cellMap(watcher.doc, 'c1')!.get('source') as Y.Text).toString().startsWith('-- still here'),
      'sync after the floods',
    );
  });
});

/** Cell "c1"'s text. Hostile edits may insert cells before it: follow the cell, not an index. */
const source = (doc: Y.Doc) => cellMap(doc, 'c1')!.get('source') as Y.Text;

function sameState(a: Y.Doc, b: Y.Doc): boolean {
  const sv = (d: Y.Doc) => Buffer.from(Y.encodeStateVector(d)).toString('hex');
  const json = (d: Y.Doc) => JSON.stringify([d.getMap('meta').toJSON(), d.getArray('cells').toJSON()]);
  return sv(a) === sv(b) && json(a) === json(b);
}
