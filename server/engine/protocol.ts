/**
 * Messages between the engine pool (parent) and a query worker (child process), over Node's IPC
 * channel with `serialization: 'advanced'` so Arrow bytes travel as a Uint8Array. Defined once;
 * both sides switch over `type` exhaustively (see {@link assertNever}).
 */
import type { ParamValue, QueryErrorKind } from './types.js';

/** What a worker needs to open its sandboxed DuckDB. */
export interface WorkerConfig {
  dataDir: string;
  /** Single files outside dataDir that queries may read (the audit log); the guard still decides per query. */
  readableFiles: string[];
  tempDir: string;
  threads: number;
  memoryLimit: string;
  maxTempDirectorySize: string;
}

/** One query for a worker; `job` is the pool's id for it (never reused by a pool). */
export interface RunJob {
  job: number;
  sql: string;
  params: Record<string, ParamValue>;
  allowedFiles: string[];
  offset: number;
  limit: number;
}

export type ParentMessage =
  | { type: 'init'; config: WorkerConfig }
  | { type: 'run'; run: RunJob }
  /** Interrupt the running job (time limit or the user's cancel). */
  | { type: 'cancel'; job: number };

export interface WireError {
  message: string;
  kind: QueryErrorKind;
  position?: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | {
      type: 'result';
      job: number;
      arrow: Uint8Array;
      columns: { name: string; type: string }[];
      rowCount: number;
      truncated: boolean;
    }
  | { type: 'failed'; job: number; error: WireError };

/** Makes a missing case of a message switch a type error, and a malformed message a runtime one. */
export function assertNever(value: never): never {
  throw new Error(`unexpected engine message: ${JSON.stringify(value)}`);
}

/** The parent's counterpart of {@link assertNever}: exhaustive at compile time, logs at run time. */
export function ignoreUnexpected(value: never): void {
  console.error(`carnet engine: unexpected message from a worker: ${JSON.stringify(value)}`);
}

/** True when a value received on the IPC channel has the shape of some message (`type` string). */
export function hasMessageType(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
