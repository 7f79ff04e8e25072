/**
 * The Engine: a pool of worker processes, each holding one sandboxed DuckDB and running one query
 * at a time. Queries queue FIFO when every worker is busy. A time limit or a cancel interrupts the
 * worker's query; a worker that does not answer within STOP_GRACE_MS is killed and replaced, as is
 * one that dies mid-query, so the next query always finds a working engine.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasMessageType, ignoreUnexpected, type ParentMessage, type WorkerMessage } from './protocol.js';
import { exitError, spawnWorker, type WorkerProcess } from './process.js';
import { formatSeconds, validateRequest, type ValidRequest } from './request.js';
import { QueryError, type Engine, type QueryRequest, type QueryResult } from './types.js';

export interface EngineOptions {
  /** The datasets directory: the only place a worker's DuckDB may read. */
  dataDir: string;
  /**
   * Single files outside dataDir that a query may read when its request allows them: the
   * audit log, which administrators query as the dataset `audit_log`. Default none.
   */
  readableFiles?: string[];
  /** The workspace state directory; workers spill to a private folder under it. */
  stateDir: string;
  /** Worker processes (default 2). */
  workers?: number;
  /** DuckDB threads per worker (default 2). */
  threadsPerWorker?: number;
  /** DuckDB memory_limit per worker (default "1GB"). */
  memoryLimit?: string;
  /** OS limit on a worker's memory (default 4 GiB). */
  workerMemoryBytes?: number;
  /** DuckDB max_temp_directory_size per worker (default "4GB"). */
  maxTempDirectorySize?: string;
  /** Time limit of a query that sets none (default 30 000 ms). */
  defaultTimeoutMs?: number;
}

/** The engine, plus a hook for tests and operators: the pids of the live workers. */
export interface PoolEngine extends Engine {
  workerPids(): number[];
}

/** How long a worker may take to answer an interrupt before it is killed. */
const STOP_GRACE_MS = 2000;

interface Job {
  id: number;
  request: ValidRequest;
  resolve: (result: QueryResult) => void;
  reject: (error: QueryError) => void;
  worker?: Worker;
  startedAt?: number;
  /** Set once the job is being stopped: the error its caller gets, whatever the worker says. */
  stop?: QueryError;
  timers: NodeJS.Timeout[];
}

interface Worker {
  process: WorkerProcess;
  tempDir: string;
  state: 'starting' | 'idle' | 'busy' | 'gone';
  job?: Job;
  onReady?: (error?: Error) => void;
}

/** Starts the workers and resolves once every one of them has its sandbox open. */
export async function createEngine(options: EngineOptions): Promise<PoolEngine> {
  const pool = new EnginePool(options);
  await pool.start();
  return pool;
}

class EnginePool implements PoolEngine {
  private readonly workers = new Set<Worker>();
  private readonly queue: Job[] = [];
  private readonly jobs = new Map<string, Job>();
  private nextJob = 1;
  private closed = false;
  private readonly size: number;
  private readonly defaultTimeoutMs: number;
  private readonly memoryBytes: number;
  private readonly tempRoot: string;
  private readonly config: Extract<ParentMessage, { type: 'init' }>;
  /** Replacement workers that failed to start in a row: spaces out further attempts. */
  private startFailures = 0;

  constructor(options: EngineOptions) {
    this.size = options.workers ?? 2;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.memoryBytes = options.workerMemoryBytes ?? 4 * 1024 ** 3;
    this.tempRoot = resolve(options.stateDir, 'engine-tmp');
    this.config = {
      type: 'init',
      config: {
        dataDir: resolve(options.dataDir),
        readableFiles: (options.readableFiles ?? []).map((f) => resolve(f)),
        tempDir: '',
        threads: options.threadsPerWorker ?? 2,
        memoryLimit: options.memoryLimit ?? '1GB',
        maxTempDirectorySize: options.maxTempDirectorySize ?? '4GB',
      },
    };
    if (!Number.isSafeInteger(this.size) || this.size < 1) throw new Error(`engine: workers must be ≥ 1 (got ${this.size})`);
  }

  async start(): Promise<void> {
    mkdirSync(this.tempRoot, { recursive: true });
    const starting = Array.from({ length: this.size }, () => this.spawn());
    try {
      await Promise.all(starting);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  query(request: QueryRequest): Promise<QueryResult> {
    if (this.closed) return Promise.reject(new QueryError('the query engine is closed', 'crashed'));
    let valid: ValidRequest;
    try {
      valid = validateRequest(request, this.defaultTimeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.jobs.has(valid.queryId)) {
      return Promise.reject(new QueryError(`query id "${valid.queryId}" is already running`, 'refused'));
    }
    return new Promise<QueryResult>((resolve, reject) => {
      const job: Job = { id: this.nextJob++, request: valid, resolve, reject, timers: [] };
      this.jobs.set(valid.queryId, job);
      this.queue.push(job);
      this.pump();
    });
  }

  cancel(queryId: string): boolean {
    const job = this.jobs.get(queryId);
    if (!job) return false;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, new QueryError('query cancelled', 'cancelled'));
    } else {
      this.stop(job, new QueryError('query cancelled', 'cancelled'));
    }
    return true;
  }

  workerPids(): number[] {
    return [...this.workers].filter((w) => w.state !== 'gone').flatMap((w) => w.process.child.pid ?? []);
  }

  async close(): Promise<void> {
    this.closed = true;
    const closing = () => new QueryError('the query engine is closing', 'cancelled');
    for (const job of this.queue.splice(0)) this.settle(job, closing());
    for (const job of this.jobs.values()) job.stop ??= closing();
    const exits = [...this.workers].map(
      (worker) =>
        new Promise<void>((done) => {
          const child = worker.process.child;
          if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
  }

  /** Starts one worker; resolves when its sandbox is open, rejects if it fails to start. */
  private spawn(): Promise<void> {
    let worker: Worker;
    try {
      const tempDir = mkdtempSync(join(this.tempRoot, 'worker-'));
      worker = { tempDir, process: spawnWorker(this.memoryBytes), state: 'starting' };
    } catch (error) {
      return Promise.reject(new Error(`query engine failed to start: ${error instanceof Error ? error.message : error}`));
    }
    this.workers.add(worker);
    const { child } = worker.process;
    const ready = new Promise<void>((resolve, reject) => {
      worker.onReady = (error) => (error ? reject(error) : resolve());
    });
    child.on('message', (message: unknown) => this.onMessage(worker, message));
    child.on('exit', (code, signal) => this.onExit(worker, code, signal));
    child.on('error', (error) => {
      // A process that could not be spawned at all may never emit 'exit': fail its start here.
      console.error(`carnet engine: worker process error: ${error.message}`);
      if (worker.state === 'starting') worker.onReady?.(new Error(`query engine failed to start: ${error.message}`));
    });
    this.send(worker, { ...this.config, config: { ...this.config.config, tempDir: worker.tempDir } });
    return ready;
  }

  private onMessage(worker: Worker, raw: unknown): void {
    if (!hasMessageType(raw)) return;
    const message = raw as WorkerMessage;
    switch (message.type) {
      case 'ready':
        worker.state = 'idle';
        this.startFailures = 0;
        worker.onReady?.();
        this.pump();
        return;
      case 'init-failed':
        worker.onReady?.(new Error(`query engine failed to start: ${message.message}`));
        return;
      case 'result':
      case 'failed': {
        const job = worker.job;
        if (!job || job.id !== message.job) return;
        worker.job = undefined;
        worker.state = 'idle';
        if (message.type === 'result') {
          const { arrow, columns, rowCount, truncated } = message;
          this.settle(job, { arrow, columns, rowCount, truncated, elapsedMs: elapsed(job) });
        } else {
          const { message: text, kind, position } = message.error;
          this.settle(job, new QueryError(text, kind, position));
        }
        this.pump();
        return;
      }
      default:
        // A worker bug must not take the server down: log it and carry on.
        ignoreUnexpected(message);
    }
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    const wasStarting = worker.state === 'starting';
    worker.state = 'gone';
    this.workers.delete(worker);
    rmSync(worker.tempDir, { recursive: true, force: true });
    const error = exitError(code, signal, worker.process.stderrTail());
    if (worker.job) this.settle(worker.job, error);
    worker.job = undefined;
    if (wasStarting) {
      this.startFailures++;
      worker.onReady?.(new Error(`query engine failed to start: ${error.message}`));
    }
    if (this.closed) return;
    // A replacement, later and later if replacements keep failing to start; the server stays up.
    const delay = Math.min(100 * 2 ** this.startFailures, 10_000) - 100;
    setTimeout(() => {
      if (this.closed) return;
      this.spawn()
        .then(() => this.pump())
        .catch((failure: Error) => {
          if (!this.closed) console.error(`carnet engine: ${failure.message}`);
        });
    }, delay).unref();
  }

  /** Hands queued jobs to idle workers, oldest first. */
  private pump(): void {
    for (const worker of this.workers) {
      if (this.queue.length === 0) return;
      if (worker.state !== 'idle') continue;
      const job = this.queue.shift() as Job;
      worker.state = 'busy';
      worker.job = job;
      job.worker = worker;
      job.startedAt = Date.now();
      const { sql, params, allowedFiles, offset, limit, timeoutMs } = job.request;
      this.send(worker, { type: 'run', run: { job: job.id, sql, params, allowedFiles, offset, limit } });
      job.timers.push(
        setTimeout(
          () => this.stop(job, new QueryError(`query stopped after ${formatSeconds(timeoutMs)} (time limit)`, 'timeout')),
          timeoutMs,
        ),
      );
    }
  }

  /** Interrupts a running job; kills its worker if the interrupt is not answered in time. */
  private stop(job: Job, error: QueryError): void {
    if (job.stop || !job.worker) return;
    job.stop = error;
    const worker = job.worker;
    this.send(worker, { type: 'cancel', job: job.id });
    job.timers.push(
      setTimeout(() => {
        if (worker.job === job) worker.process.child.kill('SIGKILL');
      }, STOP_GRACE_MS),
    );
  }

  private settle(job: Job, outcome: QueryResult | QueryError): void {
    for (const timer of job.timers) clearTimeout(timer);
    job.timers = [];
    if (this.jobs.get(job.request.queryId) === job) this.jobs.delete(job.request.queryId);
    if (job.stop) job.reject(job.stop);
    else if (outcome instanceof QueryError) job.reject(outcome);
    else job.resolve(outcome);
  }

  private send(worker: Worker, message: ParentMessage): void {
    const { child } = worker.process;
    if (child.connected) child.send(message);
  }
}

function elapsed(job: Job): number {
  return job.startedAt === undefined ? 0 : Date.now() - job.startedAt;
}
