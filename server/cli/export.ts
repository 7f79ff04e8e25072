/**
 * `carnet export <notebook> --format html|pdf|md --out FILE [--code] [--no-provenance]
 * [--confirm]`: writes a briefing from the latest stored results. Cells that never ran, failed,
 * or ran on older sources are run first, and the command says so. Audited like an export
 * from the app.
 */
import { writeFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { exportNotebook, EXPORT_FORMATS, type ExportFormat } from '../export/index.js';
import { formatOutcome } from './run.js';
import { cliActor, consoleIo, type CliIo } from './user.js';
import { withHeadless } from './headless.js';

export interface ExportCommandOptions {
  format?: string;
  out?: string;
  code?: boolean;
  /** Default true; `--no-provenance` sets false. */
  provenance?: boolean;
  /** Confirms exporting a notebook marked above CARNET_EXPORT_CONFIRM_ABOVE. */
  confirm?: boolean;
}

/** Exit codes: 0 written; 1 refused or failed (nothing written); 2 bad usage. */
export async function exportCommand(config: Config, notebook: string, opts: ExportCommandOptions, io: CliIo = consoleIo): Promise<number> {
  if (opts.format === undefined || !(EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
    io.err(`carnet: export needs --format ${EXPORT_FORMATS.join('|')}`);
    return 2;
  }
  const out = opts.out;
  if (!out) {
    io.err('carnet: export needs --out FILE');
    return 2;
  }
  return withHeadless(config, io, async (h) => {
    const id = await h.notebookId(notebook);
    let announced = false;
    const file = await exportNotebook(
      h.deps,
      id,
      { format: opts.format as ExportFormat, code: opts.code === true, provenance: opts.provenance !== false, confirm: opts.confirm === true },
      cliActor(),
      {
        onCell: (o) => {
          if (o.status === 'kept') return;
          if (!announced) io.out('running first the cells without a current result:');
          announced = true;
          io.out(`  ${formatOutcome(o)}`);
        },
      },
    );
    await writeFile(out, file.bytes);
    const failed = file.refreshed.filter((o) => o.status !== 'ok');
    if (failed.length > 0) io.err(`warning: ${failed.length} cell${failed.length === 1 ? '' : 's'} failed; the briefing says so where their results would be`);
    io.out(`wrote ${out} (${opts.format}, ${file.bytes.byteLength.toLocaleString('en-US')} bytes, export ${file.exportId}${file.marking ? `, marked ${file.marking}` : ''})`);
    return 0;
  });
}
