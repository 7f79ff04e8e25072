/**
 * Starting and stopping worker processes: the OS memory limit, how the TypeScript entry is run, and
 * the guarantee that no worker outlives the server.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MEMORY_MESSAGE } from './errors.js';
import { QueryError } from './types.js';

const PRLIMIT = '/usr/bin/prlimit';
const STDERR_TAIL = 8192;

/** A running worker process and the last bytes it wrote to stderr (to explain a crash). */
export interface WorkerProcess {
  child: ChildProcess;
  stderrTail(): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
let warnedNoPrlimit = false;

/**
 * Spawns a worker (worker.ts, or worker.js once compiled) under an OS memory limit.
 *
 * The limit is RLIMIT_DATA (`prlimit --data`), not RLIMIT_AS: V8 and tsx's loader thread reserve
 * more than 8 GiB of address space they never use, so `--as` stops Node from starting at all, while
 * DATA counts only writable memory actually mapped. Under it, `SELECT len(range(200000000))` — which
 * reached 18 GB despite memory_limit=1GB — fails in 0.5 s with DuckDB's own Out of Memory error.
 * Without prlimit (not Linux) workers run unlimited and one warning is logged.
 */
export function spawnWorker(memoryBytes: number): WorkerProcess {
  installExitHook();
  const entry = workerEntry();
  const node = [...(extname(entry) === '.ts' ? ['--import', tsxLoader()] : []), entry];
  const limited = existsSync(PRLIMIT);
  if (!limited && !warnedNoPrlimit) {
    warnedNoPrlimit = true;
    console.warn(`carnet engine: ${PRLIMIT} not found; query workers run without an OS memory limit`);
  }
  const child: ChildProcess = limited
    ? spawn(PRLIMIT, [`--data=${Math.floor(memoryBytes)}`, '--', process.execPath, ...node], options())
    : spawn(process.execPath, node, options());
  live.add(child);
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  child.once('exit', () => live.delete(child));
  return { child, stderrTail: () => tail };
}

function options(): SpawnOptions {
  // stderr is piped (and forwarded) rather than inherited so that an out-of-memory death can be told
  // apart from other crashes.
  return { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced' };
}

/** The error for a query whose worker died under it. */
export function exitError(code: number | null, signal: NodeJS.Signals | null, stderr: string): QueryError {
  // SIGKILL that we did not send is, on Linux, almost always the kernel's OOM killer.
  if (signal === 'SIGKILL' || /out of memory|bad_alloc|allocation failed|heap limit/i.test(stderr)) {
    return new QueryError(MEMORY_MESSAGE, 'memory');
  }
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  return new QueryError(`the query engine stopped unexpectedly (${how}); the query did not finish`, 'crashed');
}

function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./worker${extname(here)}`, import.meta.url));
}

/** tsx's loader as a file URL, so the child finds it whatever its working directory. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // On a normal exit; if the server is killed outright, each worker sees its IPC channel close and
  // exits by itself (worker.ts, 'disconnect').
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}
