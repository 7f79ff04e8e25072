/**
 * Exporting a notebook, the one path the HTTP route and the CLI share: check the marking
 * rule, bring every result up to date (cells never run, failed, or run on older sources are
 * run first), lay out the briefing, render the format, and write the audit record before
 * the file is handed over.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { CellId, NotebookId } from '../../core/ids.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { CarnetError } from '../errors.js';
import type { AuditActor } from '../audit/index.js';
import type { Catalog } from '../datasets/index.js';
import { scopeOf, type DatasetScope } from '../notebooks/scope.js';
import type { RunCellDeps } from '../notebooks/run-cell.js';
import { buildBriefing, DEFAULT_OPTIONS, type Briefing, type BriefingOptions } from './briefing.js';
import { collectEvidence, datasetFacts } from './collect.js';
import { engineVersion } from './engine-version.js';
import { renderHtml } from './html.js';
import { renderMarkdownZip } from './markdown.js';
import { confirmAboveFrom, markingOf, needsConfirmation } from './marking.js';
import { chromiumPath, renderPdf } from './pdf.js';
import { runNotebook, staleCells, type CellOutcome } from './run-notebook.js';
import { carnetVersion } from './version.js';

export const EXPORT_FORMATS = ['html', 'pdf', 'md'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  format: ExportFormat;
  /** Show each cell's SQL above its table. Default false. */
  code?: boolean;
  /** Add the provenance appendix. Default true. */
  provenance?: boolean;
  /** The exporter confirms a notebook marked above the configured level. */
  confirm?: boolean;
}

/** What exporting needs: what running a cell needs, plus the catalog. */
export interface ExportDeps extends RunCellDeps {
  catalog: Catalog;
  /** Level above which an export must be confirmed; default CARNET_EXPORT_CONFIRM_ABOVE or DIFFUSION RESTREINTE. */
  confirmAbove?: string;
  /** Clock and export ids (tests). */
  now?: () => Date;
  newId?: () => string;
  /** Chromium for PDFs; default CARNET_CHROMIUM or /usr/bin/chromium. */
  chromium?: string;
  /** The datasets `actor` may read (server/access); default all of them. */
  scopeFor?: (actor: AuditActor, datasets: Awaited<ReturnType<Catalog['list']>>) => Promise<DatasetScope>;
  /**
   * The notebook's marking as text (file classification, owner's raise, results; server/access
   * exportMarkingHook); undefined: unmarked. Default: the file's classification alone.
   */
  notebookMarking?: (id: NotebookId) => Promise<string | undefined>;
}

export interface ExportedFile {
  exportId: string;
  /** ASCII file name, e.g. `shell-company-network.pdf`. */
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  marking?: string;
  confirmed: boolean;
  /** Cells run (or found failing) to bring the export up to date. */
  refreshed: CellOutcome[];
}

export interface PreparedBriefing {
  briefing: Briefing;
  notebook: NotebookData;
  refreshed: CellOutcome[];
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  md: 'application/zip',
};
const EXTENSIONS: Record<ExportFormat, string> = { html: 'html', pdf: 'pdf', md: 'zip' };

/**
 * The notebook as a briefing. With `refresh`, cells whose stored result cannot stand (never
 * run, failed, stale) are run first, as `actor`; without it (the in-app view) results are
 * shown as they are, stale ones flagged.
 */
export async function prepareBriefing(
  deps: ExportDeps,
  notebookId: NotebookId,
  actor: AuditActor,
  opts: { options?: Partial<BriefingOptions>; refresh: boolean; onCell?: (o: CellOutcome) => void },
): Promise<PreparedBriefing> {
  const options = { ...DEFAULT_OPTIONS, ...opts.options };
  const now = deps.now ?? (() => new Date());
  const datasets = await deps.catalog.list();
  const scope = deps.scopeFor ? await deps.scopeFor(actor, datasets) : scopeOf(datasets);
  const modified = new Map(datasets.map((d) => [d.name.toLowerCase(), d.modified]));
  const staleNow = async (data: NotebookData) => {
    const runs = await deps.runs.latest(notebookId);
    const stale = staleCells(data, runs, scope.relations, modified);
    for (const cell of data.cells) {
      const id = runs[cell.id]?.resultId;
      if (cell.kind === 'sql' && id && !stale.has(cell.id) && !(await deps.results.get(id))) stale.add(cell.id);
    }
    return { runs, stale };
  };

  let data = await deps.read(notebookId);
  let { runs, stale } = await staleNow(data);
  let refreshed: CellOutcome[] = [];
  // Charts are always drawn afresh at the briefing's width, so the appendix shows the very
  // statement behind each figure (a line chart's statement depends on its width).
  const charts = data.cells.filter((c) => c.kind === 'chart').map((c) => c.id);
  if (opts.refresh && stale.size + charts.length > 0) {
    const wanted: ReadonlySet<CellId> = new Set([...stale, ...charts]);
    const run = await runNotebook(deps, scope, notebookId, actor, { select: (id) => wanted.has(id), ...(opts.onCell ? { onCell: opts.onCell } : {}) });
    refreshed = run.outcomes.filter((o) => o.status !== 'kept');
    data = await deps.read(notebookId);
    ({ runs, stale } = await staleNow(data));
  }

  const evidence = await collectEvidence(deps, scope, data, runs, { maxRows: options.maxRows, dataDir: deps.catalog.dataDir, stale });
  // The briefing is laid out at the notebook's marking, which may stand above its file's.
  const marking = deps.notebookMarking ? await deps.notebookMarking(notebookId) : undefined;
  const briefing = buildBriefing({
    notebookId,
    notebook: marking === undefined ? data : { ...data, meta: { ...data.meta, classification: marking } },
    evidence,
    datasets: datasetFacts(datasets),
    export: {
      id: (deps.newId ?? randomUUID)(),
      at: now().toISOString(),
      by: actor.name ?? actor.userId ?? 'unknown',
      carnetVersion: carnetVersion(),
      engineVersion: await engineVersion(),
    },
    options,
  });
  return { briefing, notebook: data, refreshed };
}

/**
 * Exports the notebook as `req.format`. Refuses (409) a notebook marked above the configured
 * level unless `req.confirm`; audits the export (with the confirmation) before returning.
 * `refresh` (default true) first runs the cells whose results cannot stand; false (a reader,
 * who may not run cells) exports the stored results as they are, runs nothing, and says so
 * in the audit record.
 */
export async function exportNotebook(
  deps: ExportDeps,
  notebookId: NotebookId,
  req: ExportRequest,
  actor: AuditActor,
  opts: { onCell?: (o: CellOutcome) => void; refresh?: boolean } = {},
): Promise<ExportedFile> {
  const refresh = opts.refresh !== false;
  const confirmAbove = deps.confirmAbove ?? confirmAboveFrom();
  const confirmed = req.confirm === true;
  const check = (marking: string | undefined) => {
    if (needsConfirmation(marking, confirmAbove) && !confirmed) {
      throw new CarnetError(
        `notebook "${notebookId}" is marked ${marking}, above ${confirmAbove}: confirm that this export may leave Carnet (send "confirm": true, or --confirm)`,
        409,
        { marking, confirmAbove, confirmationRequired: true },
      );
    }
  };
  check(deps.notebookMarking ? await deps.notebookMarking(notebookId) : markingOf((await deps.read(notebookId)).meta.classification));
  const chromium = req.format === 'pdf' ? (deps.chromium ?? chromiumPath()) : undefined;

  const options: Partial<BriefingOptions> = { code: req.code === true, provenance: req.provenance !== false };
  const { briefing, refreshed } = await prepareBriefing(deps, notebookId, actor, { options, refresh, ...(opts.onCell ? { onCell: opts.onCell } : {}) });
  // The marking may have been raised while cells ran: the rule applies to what is exported.
  check(briefing.marking);

  let bytes: Uint8Array;
  if (req.format === 'html') bytes = new TextEncoder().encode(renderHtml(briefing));
  else if (req.format === 'md') bytes = renderMarkdownZip(briefing);
  else {
    const printed = await renderPdf(renderHtml(briefing, { pageMargins: false }), {
      title: briefing.title,
      date: briefing.date,
      ...(briefing.marking ? { marking: briefing.marking } : {}),
      executablePath: chromium!,
    });
    bytes = printed.pdf;
  }

  const tables = briefing.blocks.filter((b) => b.kind === 'table').length;
  const figures = briefing.blocks.filter((b) => b.kind === 'figure').length;
  await deps.audit.append({
    actor,
    action: 'export',
    target: notebookId,
    details: {
      format: req.format,
      exportId: briefing.export.id,
      notebook: notebookId,
      title: briefing.title,
      marking: briefing.marking ?? null,
      confirmationRequired: needsConfirmation(briefing.marking, confirmAbove),
      confirmed,
      code: options.code,
      provenance: options.provenance,
      tables,
      figures,
      refreshedCells: refreshed.map((o) => o.cellId),
      // false: from the stored results only (a reader's export), nothing was run.
      refresh,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  });
  return {
    exportId: briefing.export.id,
    filename: `${fileSlug(briefing.title)}.${EXTENSIONS[req.format]}`,
    contentType: CONTENT_TYPES[req.format],
    bytes,
    ...(briefing.marking ? { marking: briefing.marking } : {}),
    confirmed,
    refreshed,
  };
}

/** A title as a portable ASCII file name. */
export function fileSlug(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'briefing';
}
