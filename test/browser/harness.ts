/**
 * Browser test harness: a real Carnet server on a free port with a temporary workspace,
 * and Debian's Chromium driven by playwright-core. Every request the page makes to a
 * host other than this server is recorded, so a test can fail on it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser tests cannot run here, or null. Under CI=true a missing Chromium is a failure, not a skip. */
export function skipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`browser tests: ${reason}`);
  console.warn(`browser tests skipped: ${reason}`);
  return reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function serverEntry(): string {
  for (const p of ['server/main.ts', 'server/cli/main.ts']) if (existsSync(join(ROOT, p))) return p;
  throw new Error('no server entry point (server/main.ts or server/cli/main.ts)');
}

export class Harness {
  readonly home = mkdtempSync(join(tmpdir(), 'carnet-browser-'));
  port = 0;
  browser!: Browser;
  /** Requests to any host but the test server (and `localOrigins`), as "METHOD url". */
  readonly external: string[] = [];
  /**
   * Console errors and uncaught exceptions of the pages, except failed HTTP answers and
   * refused connections (tests provoke those, and restart the server).
   */
  readonly pageErrors: string[] = [];
  private server: ChildProcess | null = null;
  private log = '';
  private readonly contexts: BrowserContext[] = [];

  /**
   * `env`: extra server environment, e.g. `{ CARNET_AUTH: 'required' }`.
   * `localOrigins`: other origins the test itself runs and the page may visit (a test
   * identity provider), exactly as `new URL(x).origin` spells them.
   */
  constructor(private readonly options: { env?: Record<string, string>; localOrigins?: string[] } = {}) {}

  /**
   * Whether the page may reach `url` without it counting as external: this server (on
   * 127.0.0.1 or localhost, any scheme: http or ws) or one of `localOrigins`. Another
   * port of this machine counts as external: a product URL pointing there is a bug too.
   */
  private isLocal(url: URL): boolean {
    if ((url.hostname === '127.0.0.1' || url.hostname === 'localhost') && url.port === String(this.port)) return true;
    return this.options.localOrigins?.includes(url.origin) ?? false;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(join(ROOT, 'dist/client/index.html'))) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    }
    this.port = await freePort();
    await this.startServer();
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }

  /** Starts the server process and waits until it answers. */
  async startServer(): Promise<void> {
    this.log = '';
    const child = spawn(process.execPath, ['--import', 'tsx', serverEntry(), 'serve', '--home', this.home, '--port', String(this.port)], {
      cwd: ROOT,
      // Accounts are on by default; tests that are not about them run as the one local user.
      env: { ...process.env, CARNET_DEMO_SCALE: '0.02', CARNET_AUTH: 'off', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.server = child;
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${this.log}`);
      try {
        // /api/health answers without an account, so this also works under CARNET_AUTH=required.
        const res = await fetch(`${this.baseUrl}/api/health`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server did not answer within 90 s:\n${this.log}`);
  }

  /** Stops the server by its pid (SIGTERM: it saves; SIGKILL after 15 s). */
  async stopServer(): Promise<void> {
    const child = this.server;
    if (!child || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    process.kill(child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.server = null;
  }

  async restartServer(): Promise<void> {
    await this.stopServer();
    await this.startServer();
  }

  serverLog(): string {
    return this.log;
  }

  /** A page in a fresh browser context (own storage), sized like a 1366×768 laptop. */
  async newPage(options: { colorScheme?: 'light' | 'dark'; locale?: string } = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: options.colorScheme ?? 'light', locale: options.locale ?? 'en-US' });
    this.contexts.push(context);
    context.on('request', (req) => {
      const url = new URL(req.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return;
      if (!this.isLocal(url)) this.external.push(`${req.method()} ${req.url()}`);
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => this.pageErrors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET/.test(m.text())) this.pageErrors.push(m.text());
    });
    return page;
  }

  async stop(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => {});
    await this.browser?.close().catch(() => {});
    await this.stopServer();
    rmSync(this.home, { recursive: true, force: true });
  }
}
