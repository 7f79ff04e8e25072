/**
 * `carnet run <notebook> [--export html|pdf|md --out FILE]`: runs every SQL cell of a
 * notebook in dependency order without a browser — the same runs, run records and audit
 * records as in the app — prints each cell's status, and exits 1 naming each cell that
 * failed and why, so a scheduled job can refresh a briefing and notice when it cannot.
 */
import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { scopeOf } from '../notebooks/scope.js';
import { runNotebook, exportNotebook, EXPORT_FORMATS, type CellOutcome, type ExportFormat } from '../export/index.js';
import { cliActor, consoleIo, type CliIo } from './user.js';
import { withHeadless } from './headless.js';

export interface RunCommandOptions {
  /** Export after a run where every cell succeeded. */
  export?: string;
  out?: string;
  code?: boolean;
  provenance?: boolean;
  confirm?: boolean;
}

/** Exit codes: 0 every cell ran; 1 a cell failed (or the export was refused); 2 bad usage. */
export async function runCommand(config: Config, notebook: string, opts: RunCommandOptions = {}, io: CliIo = consoleIo): Promise<number> {
  if ((opts.export === undefined) !== (opts.out === undefined)) {
    io.err('carnet: run --export needs --out FILE, and --out needs --export html|pdf|md');
    return 2;
  }
  if (opts.export !== undefined && !(EXPORT_FORMATS as readonly string[]).includes(opts.export)) {
    io.err(`carnet: --export must be one of ${EXPORT_FORMATS.join(', ')}, not "${opts.export}"`);
    return 2;
  }
  return withHeadless(config, io, async (h) => {
    const id = await h.notebookId(notebook);
    const actor = cliActor();
    const scope = scopeOf(await h.deps.catalog.list());
    const started = Date.now();
    const run = await runNotebook(h.deps, scope, id, actor, { onCell: (o) => io.out(formatOutcome(o)) });
    const ran = run.outcomes.length;
    if (run.failures.length > 0) {
      io.err(`\n${run.failures.length} of ${ran} cell${ran === 1 ? '' : 's'} of "${id}" failed:`);
      for (const f of run.failures) io.err(`  ${f.label}: ${f.message ?? 'failed'}`);
      if (opts.export !== undefined) io.err(`not exported: ${opts.out} is left as it was`);
      return 1;
    }
    io.out(`${ran} cell${ran === 1 ? '' : 's'} of "${id}" ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (opts.export === undefined) return 0;
    const file = await exportNotebook(h.deps, id, { format: opts.export as ExportFormat, code: opts.code === true, provenance: opts.provenance !== false, confirm: opts.confirm === true }, actor);
    await writeFile(opts.out!, file.bytes);
    io.out(`wrote ${opts.out} (${opts.export}, ${file.bytes.byteLength.toLocaleString('en-US')} bytes, export ${file.exportId})`);
    return 0;
  });
}

/** One line per cell: status, name, rows and time, or why it failed. */
export function formatOutcome(o: CellOutcome): string {
  const status = { ok: 'ok', error: 'FAILED', skipped: 'SKIPPED', kept: 'kept' }[o.status].padEnd(7);
  const what = o.label.padEnd(28);
  if (o.status === 'ok') {
    const rows = `${(o.rowCount ?? 0).toLocaleString('en-US')}${o.truncated ? '+' : ''} row${o.rowCount === 1 ? '' : 's'}`;
    return `${status} ${what} ${rows.padStart(12)} ${`${Math.round(o.elapsedMs ?? 0)} ms`.padStart(9)}`;
  }
  if (o.status === 'kept') return `${status} ${what} (stored result is current)`;
  return `${status} ${what} ${o.message ?? ''}`;
}
