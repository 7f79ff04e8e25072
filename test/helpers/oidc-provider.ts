/**
 * A real OpenID provider for the single sign-on tests (oidc-provider, the certified
 * implementation) on a local port, with its development login and consent pages, and
 * a small cookie-keeping "browser" that walks the redirects as a person would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  sub: string;
  preferred_username?: string;
  name?: string;
  email?: string;
  groups?: string[];
}

/** An HTTP server on 127.0.0.1 whose handler is set once its port is known. */
export async function listenLater(): Promise<{ server: Server; origin: string; handle(h: (req: IncomingMessage, res: ServerResponse) => void): void; close(): Promise<void> }> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    handle: (h) => (handler = h),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export type LaterServer = Awaited<ReturnType<typeof listenLater>>;

/**
 * Starts the provider. `accounts` is read at every login (keyed by sub, which is also
 * what the development login form takes), so a test changes someone's groups by
 * changing the map. `http`: a server from listenLater to serve it on, when its address
 * had to be known earlier (Carnet needs the issuer before the provider can know
 * Carnet's redirect URI).
 */
export async function startProvider(opts: { clientId: string; clientSecret: string; redirectUri: string; accounts: Map<string, TestAccount>; http?: LaterServer }) {
  const http = opts.http ?? (await listenLater());
  const provider = new Provider(http.origin, {
    clients: [{ client_id: opts.clientId, client_secret: opts.clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    async findAccount(_ctx: unknown, id: string) {
      const a = opts.accounts.get(id);
      return a ? { accountId: id, claims: () => ({ ...a }) } : undefined;
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    cookies: { keys: ['test-only-cookie-signing-key'] },
    pkce: { required: () => true },
  });
  // The development pages @import a web font from Google: a browser test must not go
  // out to the Internet because of the test's own provider, so the import is dropped.
  provider.use(async (ctx, next) => {
    await next();
    if (typeof ctx.body === 'string') ctx.body = ctx.body.replace(/@import url\(https?:[^)]*\);?/g, '');
  });
  http.handle(provider.callback());
  return { issuer: http.origin, provider, close: http.close };
}

/** Cookies per origin, like a browser (paths ignored: the tests never rely on them). */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects from `url`, signing in at the provider's development pages as
   * `login` and consenting, until a redirect leaves for `stopAt` (Carnet) outside the
   * single sign-on routes, or `until` says stop. Returns that redirect's target.
   */
  async walk(url: string, login: string, stopAt: string, until: (next: URL) => boolean = () => false): Promise<URL> {
    let res = await this.request(url);
    for (let hop = 0; hop < 30; hop++) {
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location')!, res.url || url);
        url = next.href;
        if (until(next)) return next;
        if (next.origin === stopAt && !next.pathname.startsWith('/api/auth/oidc/')) return next;
        res = await this.request(next.href);
        continue;
      }
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
      const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(body)?.[1];
      if (!action || !prompt) throw new Error(`${url}: no login or consent form in ${body.slice(0, 300)}`);
      const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
      res = await this.request(new URL(action.replace(/&amp;/g, '&'), url).href, { method: 'POST', form });
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
