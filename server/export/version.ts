/** Carnet's own version, from package.json, as exports record it. */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** E.g. `0.1.0`; `unknown` when package.json cannot be read (a stripped install). */
export function carnetVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
