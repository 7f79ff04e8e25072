import { resolve } from 'node:path';
import { parseOidcConfig, type OidcConfig } from './auth/oidc-config.js';

/** Everything an operator can set. Flags win over environment variables, which win over defaults. */
export interface Config {
  /** Workspace folder: data/, notebooks/, state/, trash/. */
  home: string;
  port: number;
  host: string;
  /** Most rows one result may hold. */
  rowCap: number;
  /** Per-query time limit. */
  timeoutMs: number;
  /** Sandboxed DuckDB worker processes. */
  workers: number;
  threadsPerWorker: number;
  /** DuckDB's own memory_limit per worker (soft). */
  memoryLimit: string;
  /** OS address-space limit per worker process (hard). */
  workerMemoryBytes: number;
  /** Size of the generated demo data; 1 = full size. */
  demoScale: number;
  maxUploadBytes: number;
  /** Accounts and login required (the default; CARNET_AUTH=off for a single local user). */
  authRequired: boolean;
  /** Single sign-on through an OpenID Connect provider (CARNET_OIDC_*); null: password accounts only. */
  oidc: OidcConfig | null;
  /** Requests per minute allowed to each API token (CARNET_TOKEN_RATE). */
  tokenRatePerMinute: number;
}

export interface ConfigFlags {
  home?: string;
  port?: string;
  host?: string;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  return {
    home: resolve(flags.home ?? env.CARNET_HOME ?? 'workspace'),
    port: int(flags.port ?? env.PORT, 'PORT', 8787, 0, 65535),
    host: flags.host ?? env.CARNET_HOST ?? '127.0.0.1',
    rowCap: int(env.CARNET_MAX_ROWS, 'CARNET_MAX_ROWS', 100_000, 1, 10_000_000),
    timeoutMs: int(env.CARNET_QUERY_TIMEOUT_MS, 'CARNET_QUERY_TIMEOUT_MS', 30_000, 100, 24 * 3600_000),
    workers: int(env.CARNET_WORKERS, 'CARNET_WORKERS', 2, 1, 64),
    threadsPerWorker: int(env.CARNET_THREADS, 'CARNET_THREADS', 2, 1, 256),
    memoryLimit: env.CARNET_MEMORY_LIMIT ?? '2GB',
    workerMemoryBytes: int(env.CARNET_WORKER_MEMORY_MB, 'CARNET_WORKER_MEMORY_MB', 6144, 512, 1 << 20) * 1024 * 1024,
    demoScale: num(env.CARNET_DEMO_SCALE, 'CARNET_DEMO_SCALE', 1, 0.001, 10),
    maxUploadBytes: int(env.CARNET_MAX_UPLOAD_MB, 'CARNET_MAX_UPLOAD_MB', 2048, 1, 1 << 20) * 1024 * 1024,
    authRequired: authMode(env.CARNET_AUTH),
    oidc: parseOidcConfig(env),
    tokenRatePerMinute: int(env.CARNET_TOKEN_RATE, 'CARNET_TOKEN_RATE', 600, 1, 1_000_000),
  };
}

function int(raw: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${raw}: expected an integer from ${min} to ${max}`);
  return n;
}

function num(raw: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
  return n;
}

/**
 * Accounts are required unless turned off: the data is sensitive, so the first start
 * prints a setup link and nothing is reachable before an administrator exists. `off`
 * is for one person on their own machine (everyone is the local administrator).
 */
function authMode(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'required') return true;
  if (raw === 'off') return false;
  throw new Error(`CARNET_AUTH=${raw}: expected "required" or "off"`);
}
