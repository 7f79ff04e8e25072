/**
 * A collaboration server in its own process, for kill tests: notebooks are Markdown files in
 * `<home>/notebooks`, state in `<home>/state`. On start it replays every log (rewriting files
 * that lag), then prints "PORT <n>". Run with: node --import tsx collab-child.ts <home> <log>
 * (node itself, so that SIGKILL reaches the server and not a wrapper).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCollab } from '../../server/collab/index.js';
import { NotebookStore } from '../../server/notebooks/store.js';

const [home, logFile] = process.argv.slice(2) as [string, string];
const notebooks = new NotebookStore(join(home, 'notebooks'), join(home, 'trash'));
mkdirSync(join(home, 'state'), { recursive: true });
const note = (line: string) => appendFileSync(logFile, `${line}\n`);
const collab = createCollab({
  stateDir: join(home, 'state'),
  load: async (id) => ((await notebooks.exists(id as never)) ? notebooks.read(id as never) : null),
  save: (id, data) => notebooks.write(id as never, data),
  saveDebounceMs: 200,
  compactEvery: 300,
  warn: (m) => note(`WARN ${m}`),
  onError: (e) => note(`ERROR ${e instanceof Error ? e.message : String(e)}`),
});
await collab.replayAll((await notebooks.list()).map((n) => n.id));
const server: Server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => collab.handleUpgrade(req, socket, head));
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
