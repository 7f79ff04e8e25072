import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { openWorkspace } from './workspace.js';
import { createApp } from './http/app.js';
import { buildServices } from './wire.js';

export const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'client');

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Opens the workspace and serves the API, the collaboration websocket and the built client. */
export async function startServer(config: Config, log: (msg: string) => void = console.log): Promise<Running> {
  const ws = await openWorkspace(config.home, { demoScale: config.demoScale, log });
  const clientBuilt = await stat(join(CLIENT_DIR, 'index.html')).then(() => true, () => false);
  if (!clientBuilt) log('the client is not built (dist/client): the API works, the pages do not. `npm start` builds it.');
  const services = await buildServices({
    workspace: ws,
    authRequired: config.authRequired,
    engine: { workers: config.workers, threadsPerWorker: config.threadsPerWorker, memoryLimit: config.memoryLimit, workerMemoryBytes: config.workerMemoryBytes },
    rowCap: config.rowCap,
    timeoutMs: config.timeoutMs,
    maxUploadBytes: config.maxUploadBytes,
    clientDir: CLIENT_DIR,
    oidc: config.oidc,
    tokenRatePerMinute: config.tokenRatePerMinute,
    log,
  });
  const { auth, collab } = services;
  const app = createApp(services.deps);

  const server = createServer(getRequestListener(app.fetch));
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith('/collab/')) collab.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shown === '127.0.0.1' ? 'localhost' : shown}:${port}`;

  const setup = await auth.ensureSetup(url);
  if (setup) log(`No account yet. Within an hour, open this link to create the first administrator:\n  ${setup.link}`);

  const close = () =>
    services.close(async () => {
      server.closeAllConnections?.();
      await new Promise<void>((ok) => server.close(() => ok()));
    });
  return { url, server, close };
}
