import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { jsonObject, onlyFields } from '../body.js';
import { requestActor, currentUser } from '../session.js';
import { parseNotebookId } from '../../notebooks/store.js';
import { canEditRole, exportMarkingHook, exportScope, markingHook, notebookGuard, requireNotebookRole } from '../../access/index.js';
import type { AuthUser } from '../../auth/index.js';
import { BadRequestError } from '../../errors.js';
import {
  exportNotebook, prepareBriefing, renderHtml, EXPORT_FORMATS,
  type ExportDeps, type ExportFormat, type ExportRequest,
} from '../../export/index.js';

/** What tests (or an operator's config) may set beyond AppDeps. */
export interface ExportRouteOptions {
  /** Default: CARNET_EXPORT_CONFIRM_ABOVE, else DIFFUSION RESTREINTE. */
  confirmAbove?: string;
  now?: () => Date;
  newId?: () => string;
  /** Default: CARNET_CHROMIUM, else /usr/bin/chromium. */
  chromium?: string;
}

/** The briefing shown inline may hold only its own styles and inline images: nothing runs, nothing loads. */
const BRIEFING_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
const BODY_KEYS = new Set(['format', 'code', 'provenance', 'confirm']);

/**
 * Briefings of a notebook: `POST /:id/export` hands over the file (audited before the answer),
 * `GET /:id/briefing` shows it in the app. Mounted under /api/notebooks.
 */
export function exportRoutes(deps: AppDeps, opts: ExportRouteOptions = {}) {
  const guard = notebookGuard(deps);
  /** The export's services for `user`: their scope is built with their account role. */
  const exportDeps = (user: AuthUser): ExportDeps => ({
    ...deps, ...deps.config, read: (n) => deps.docs.read(n),
    ...(deps.access ? { scopeFor: exportScope(deps.access, user), marking: markingHook(deps.access), notebookMarking: exportMarkingHook(deps.access, guard.source) } : {}),
    ...opts,
  });
  return new Hono()
    .post('/:id/export', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const where = `export notebook "${id}"`;
      const user = currentUser(c);
      const role = await requireNotebookRole(guard, user, id, 'viewer', 'exporting it');
      const req = parseExportRequest(await jsonObject(c, where), where);
      // Editors' exports first run the cells whose results are missing or stale; a reader may
      // not run cells, so theirs shows the stored results as they are (the cells never run as
      // "not run", stale ones flagged), exactly as the in-app briefing does.
      const refresh = canEditRole(role);
      const file = await exportNotebook(exportDeps(user), id, req, requestActor(c), { refresh });
      return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.filename}"`,
        'Content-Length': String(file.bytes.byteLength),
        'X-Carnet-Export-Id': file.exportId,
        'X-Carnet-Export-Mode': refresh ? 'refreshed' : 'stored',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
    })
    .get('/:id/briefing', async (c) => {
      const id = parseNotebookId(c.req.param('id'));
      const user = currentUser(c);
      // The in-app briefing shows results as they are (no refresh): any role may read it.
      await requireNotebookRole(guard, user, id, 'viewer', 'reading its briefing');
      const where = `briefing of notebook "${id}"`;
      const options = { code: flag(c.req.query('code'), 'code', where, false), provenance: flag(c.req.query('provenance'), 'provenance', where, true) };
      const { briefing } = await prepareBriefing(exportDeps(user), id, requestActor(c), { options, refresh: false });
      c.header('Content-Security-Policy', BRIEFING_CSP);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', 'no-store');
      return c.html(renderHtml(briefing));
    });
}

/** Validates an export body; unknown fields are refused by name, so a typo is not silently ignored. */
export function parseExportRequest(body: Record<string, unknown>, where: string): ExportRequest {
  onlyFields(body, [...BODY_KEYS], where);
  const { format, code, provenance, confirm } = body;
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new BadRequestError(`${where}: "format" must be one of ${EXPORT_FORMATS.join(', ')}`);
  }
  const req: ExportRequest = { format: format as ExportFormat };
  for (const [key, value] of [['code', code], ['provenance', provenance], ['confirm', confirm]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new BadRequestError(`${where}: "${key}" must be true or false`);
    req[key] = value;
  }
  return req;
}

function flag(raw: string | undefined, name: string, where: string, dflt: boolean): boolean {
  if (raw === undefined || raw === '') return dflt;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new BadRequestError(`${where}: "${name}" must be true or false`);
}
