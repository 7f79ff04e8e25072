import type { Context } from 'hono';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page may load and connect to nothing but this server: the policy is the
 * browser-enforced half of "nothing leaves the closed network".
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Serves the built client; app routes (`/`, `/n/<id>`, `/login`, `/setup`, `/admin`) get index.html (client/router.ts lists them). */
export function staticHandler(root: string) {
  return async (c: Context): Promise<Response> => {
    const path = decodeURIComponent(c.req.path);
    const file = normalize(join(root, path));
    const headers: Record<string, string> = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
    if (file.startsWith(root + sep) && extname(file) && (await isFile(file))) {
      const immutable = path.startsWith('/assets/');
      return new Response(await readFile(file), {
        headers: { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' },
      });
    }
    if (path === '/' || path.startsWith('/n/') || path === '/login' || path === '/setup' || path === '/admin' || path === '/admin/') {
      const index = join(root, 'index.html');
      if (await isFile(index)) {
        return new Response(await readFile(index), { headers: { ...headers, 'Content-Type': TYPES['.html']!, 'Cache-Control': 'no-cache' } });
      }
      return c.text('The client is not built: run `npm start` (it builds the client first) or `npx vite build`.', 503);
    }
    return c.json({ error: { message: `not found: ${path.slice(0, 200)}` } }, 404);
  };
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}
