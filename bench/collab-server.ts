/**
 * The collaboration server alone, in its own process, for `npm run bench -- collab`: notebooks
 * are the Markdown files of `<home>/notebooks`. Prints "PORT <n>"; answers "stats" messages on
 * its IPC channel with its CPU time and memory (after a full GC when asked).
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCollab } from '../server/collab/index.js';
import { NotebookStore } from '../server/notebooks/store.js';

const home = process.argv[2]!;
const notebooks = new NotebookStore(join(home, 'notebooks'), join(home, 'trash'));
const collab = createCollab({
  stateDir: join(home, 'state'),
  load: async (id) => ((await notebooks.exists(id as never)) ? notebooks.read(id as never) : null),
  save: (id, data) => notebooks.write(id as never, data),
  // Many clients of one host: the per-connection limits are for the open network.
  connectionLimits: { burst: 1000, perSecond: 1000 },
  unloadDelayMs: 60_000,
  onError: (e) => console.error('collab:', e),
  warn: () => undefined,
});
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));

// How long messages wait for the event loop: the server's share of the latency.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

process.on('message', (m: { type: string; gc?: boolean; reset?: boolean }) => {
  if (m.type === 'stats') {
    const delay = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6 };
    if (m.reset) loopDelay.reset();
    if (m.gc) for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    process.send!({ type: 'stats', cpu: process.cpuUsage(), at: performance.now(), rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, delay });
  } else if (m.type === 'stop') {
    void collab.shutdown().then(() => process.exit(0));
  }
});
