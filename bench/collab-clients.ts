/**
 * A process holding many collaboration clients (y-websocket over ws), for
 * `npm run bench -- collab`. Driven over its IPC channel:
 *   {type:'connect', url, rooms: [{notebook, clients}]}   → {type:'synced', ms: [connect-to-synced per client]}
 *   {type:'type', seconds, perSecond}  each client types into "its" cell; every keystroke also
 *      stamps its send time (wall clock) in the 'bench' map, so receivers measure latency
 *                                                          → {type:'typed', latencies: [ms], sent}
 *   {type:'close'}
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { cellSource, orderedCells } from '../core/notebook/ydoc.js';

interface Client {
  provider: WebsocketProvider;
  doc: Y.Doc;
}

// Each provider listens for the process's exit: hundreds of them are expected here.
process.setMaxListeners(0);

const clients: Client[] = [];
const latencies: number[] = [];
const wall = () => performance.timeOrigin + performance.now();

function connect(url: string, notebook: string): Promise<number> {
  const doc = new Y.Doc();
  const started = performance.now();
  const provider = new WebsocketProvider(url, notebook, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true, maxBackoffTime: 1000 });
  clients.push({ provider, doc });
  const stamps = doc.getMap<number>('bench');
  stamps.observe((e) => {
    if (e.transaction.local) return;
    const now = wall();
    for (const key of e.keysChanged) {
      const sent = stamps.get(key);
      if (typeof sent === 'number') latencies.push(now - sent);
    }
  });
  return new Promise((resolve) => {
    const done = (synced: boolean) => {
      if (!synced) return;
      provider.off('sync', done);
      resolve(performance.now() - started);
    };
    provider.on('sync', done);
  });
}

async function type(seconds: number, perSecond: number): Promise<number> {
  let sent = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async ({ doc }, i) => {
      // A random phase, so that clients do not type in lockstep.
      await new Promise((r) => setTimeout(r, Math.random() * (1000 / perSecond)));
      const stamps = doc.getMap<number>('bench');
      const key = String(doc.clientID);
      while (performance.now() < until) {
        const cells = orderedCells(doc);
        const text = cellSource(cells[i % cells.length]!);
        doc.transact(() => {
          text.insert(text.length, String.fromCharCode(97 + (sent % 26)));
          stamps.set(key, wall());
        });
        sent++;
        await new Promise((r) => setTimeout(r, 1000 / perSecond));
      }
    }),
  );
  // Let the last keystrokes arrive.
  await new Promise((r) => setTimeout(r, 1500));
  return sent;
}

process.on('message', async (m: { type: string; url?: string; rooms?: Array<{ notebook: string; clients: number }>; seconds?: number; perSecond?: number }) => {
  if (m.type === 'connect') {
    const waits: Promise<number>[] = [];
    for (const room of m.rooms!) for (let i = 0; i < room.clients; i++) waits.push(connect(m.url!, room.notebook));
    process.send!({ type: 'synced', ms: await Promise.all(waits) });
  } else if (m.type === 'type') {
    latencies.length = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const sent = await type(m.seconds!, m.perSecond!);
    const used = process.cpuUsage(cpu);
    // This process's share of a core while typing: near 100 % it, not the server, sets the latency.
    process.send!({ type: 'typed', latencies, sent, cpuShare: (used.user + used.system) / 1000 / (performance.now() - started) });
  } else if (m.type === 'close') {
    for (const c of clients) c.provider.destroy();
    process.exit(0);
  }
});
