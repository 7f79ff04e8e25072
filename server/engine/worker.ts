/**
 * A query worker: a child process holding one sandboxed DuckDB. It runs one query at a time, so a
 * query that blows up kills this process, not the server. Started by pool.ts; talks protocol.ts.
 */
import { rmSync } from 'node:fs';
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { readPage } from './arrow.js';
import { byteToCharOffset, toQueryError } from './errors.js';
import { checkStatement } from './guard.js';
import { parseStatement } from './parse.js';
import { assertNever, hasMessageType, type ParentMessage, type RunJob, type WorkerMessage } from './protocol.js';
import { openSandbox, type Sandbox } from './sandbox.js';
import { QueryError, type ParamValue } from './types.js';

let sandbox: Sandbox | undefined;
let tempDir: string | undefined;
let running: number | undefined;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  if (!hasMessageType(raw)) throw new Error('engine worker: message without a type');
  const message = raw as ParentMessage;
  switch (message.type) {
    case 'init':
      void init(message.config);
      return;
    case 'run':
      void run(message.run);
      return;
    case 'cancel':
      if (sandbox && running === message.job) sandbox.connection.interrupt();
      return;
    default:
      assertNever(message);
  }
});

// The parent is gone (exit, crash, kill): a worker never outlives it. A plain exit is not enough:
// with a query running, DuckDB's teardown waits for the query's threads, and the worker lingered.
process.on('disconnect', () => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.kill(process.pid, 'SIGKILL');
});

async function init(config: Extract<ParentMessage, { type: 'init' }>['config']): Promise<void> {
  tempDir = config.tempDir;
  try {
    sandbox = await openSandbox(config);
    send({ type: 'ready' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.send?.({ type: 'init-failed', message } satisfies WorkerMessage, () => process.exit(1));
  }
}

async function run(job: RunJob): Promise<void> {
  if (!sandbox || running !== undefined) {
    send({ type: 'failed', job: job.job, error: { message: 'the query engine is not ready', kind: 'crashed' } });
    return;
  }
  running = job.job;
  const { connection } = sandbox;
  try {
    const tree = await parseStatement(connection, job.sql);
    const verdict = checkStatement(tree, job.allowedFiles);
    if (!verdict.ok) {
      const position = verdict.location === undefined ? undefined : byteToCharOffset(job.sql, verdict.location);
      throw new QueryError(verdict.message, 'refused', position);
    }
    const page = await execute(connection, job);
    send({ type: 'result', job: job.job, ...page });
  } catch (error) {
    const failure = toQueryError(error, job.sql);
    send({ type: 'failed', job: job.job, error: { message: failure.message, kind: failure.kind, position: failure.position } });
  } finally {
    running = undefined;
  }
}

async function execute(connection: DuckDBConnection, job: RunJob) {
  const prepared = await connection.prepare(job.sql);
  try {
    bindParams(prepared, job.params);
    const result = await prepared.stream();
    const page = await readPage(result, job.offset, job.limit);
    // A page may stop before the end: starting another statement closes the open stream and frees
    // what its pipeline holds (node-api has no explicit close for a streaming result).
    if (page.truncated) await connection.run('SELECT 1');
    return page;
  } finally {
    prepared.destroySync();
  }
}

/** Binds every `$name` of the statement from `params`, by name and as the value's own type. */
function bindParams(prepared: DuckDBPreparedStatement, params: Record<string, ParamValue>): void {
  for (let index = 1; index <= prepared.parameterCount; index++) {
    const name = prepared.parameterName(index);
    if (!Object.hasOwn(params, name)) throw new QueryError(`no value for parameter $${name}`, 'sql');
    const value = params[name];
    if (value === null || value === undefined) prepared.bindNull(index);
    else if (typeof value === 'boolean') prepared.bindBoolean(index, value);
    else if (typeof value === 'string') prepared.bindVarchar(index, value);
    else if (Number.isSafeInteger(value)) prepared.bindBigInt(index, BigInt(value));
    else prepared.bindDouble(index, value);
  }
}
