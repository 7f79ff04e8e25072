import { Hono } from 'hono';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppDeps } from '../deps.js';
import type { DatasetInfo } from '../../datasets/index.js';
import { BadRequestError, NotFoundError, CarnetError } from '../../errors.js';
import { identifierProblem } from '../../../core/sql/identifiers.js';
import { requestActor, currentUser } from '../session.js';

/** What a client may see of a dataset: never its absolute path on the server. */
export function publicDataset(d: DatasetInfo) {
  const { name, kind, files, columns, rowCount, bytes, modified, version, error } = d;
  return { name, kind, files, columns, rowCount, bytes, modified, version, ...(error ? { error } : {}) };
}

export function datasetRoutes(deps: AppDeps) {
  return new Hono()
    .get('/', async (c) => {
      const list = await deps.catalog.list();
      // A dataset the user may not read is not listed: its name alone can be sensitive.
      const shown = deps.access ? await deps.access.readable(currentUser(c), list) : list;
      return c.json({ datasets: shown.map(publicDataset) });
    })
    .get('/:name', async (c) => {
      const name = c.req.param('name');
      const info = await deps.catalog.get(name);
      const hidden = info && deps.access && !(await deps.access.readable(currentUser(c), [info])).length;
      if (!info || hidden) throw new NotFoundError(`dataset "${name.slice(0, 80)}" not found`);
      if (info.error) return c.json({ ...publicDataset(info), sample: null, profile: null });
      const detail = await deps.catalog.detail(name);
      return c.json({ ...publicDataset(detail), sample: detail.sample, profile: detail.profile });
    })
    .post('/import', async (c) => {
      const name = c.req.query('name') ?? '';
      const filename = basename(c.req.query('filename') ?? '');
      const problem = identifierProblem(name);
      if (problem) throw new BadRequestError(`import: ${problem}`);
      if (!/\.(csv|tsv|json|jsonl|ndjson|parquet)$/i.test(filename)) {
        throw new BadRequestError(`import: "${filename || '(no file name)'}" is not a CSV, JSON or Parquet file name (use ?filename=data.csv)`);
      }
      const body = c.req.raw.body;
      if (!body) throw new BadRequestError('import: the request has no body (send the file bytes)');
      const declared = Number(c.req.header('content-length') ?? 0);
      if (declared > deps.config.maxUploadBytes) {
        throw new CarnetError(`import: file too large (${declared} bytes; at most ${deps.config.maxUploadBytes})`, 413);
      }
      await mkdir(deps.config.uploadDir, { recursive: true });
      const tmp = join(deps.config.uploadDir, `${randomBytes(6).toString('hex')}-${filename}`);
      try {
        let seen = 0;
        const cap = new Transform({
          transform(chunk: Buffer, _enc, done) {
            seen += chunk.length;
            if (seen > deps.config.maxUploadBytes) done(new CarnetError(`import: file too large (more than ${deps.config.maxUploadBytes} bytes)`, 413));
            else done(null, chunk);
          },
        });
        await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), cap, createWriteStream(tmp));
        const dataset = await deps.importFile({ bytesPath: tmp, filename, name });
        await deps.audit.append({ actor: requestActor(c), action: 'dataset_import', target: dataset.name, details: { filename, rows: dataset.rowCount, bytes: dataset.bytes, version: dataset.version } });
        return c.json({ dataset: publicDataset(dataset) }, 201);
      } finally {
        await rm(tmp, { force: true });
      }
    });
}
