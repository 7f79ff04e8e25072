/**
 * One export as the user lives it: ask the server, confirm a marked notebook when the server
 * asks for it (the confirmation is audited there), then save the file. Effects only; the
 * wire format is in api.ts.
 */
import { t } from '../i18n/index.js';
import { confirmDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { ConfirmationNeeded, exportFile, type BriefingOptions, type ExportFormat } from './api.js';

const FORMAT_NAMES: Record<ExportFormat, string> = { html: 'HTML', pdf: 'PDF', md: 'Markdown' };

/** How an export ended: saved, declined at the confirmation, or failed (already shown to the user). */
export type ExportOutcome = { saved: string } | { declined: true } | { failed: string };

/** Exports notebook `id` as `format` and saves it; never throws, shows errors as toasts. */
export async function exportAndSave(id: string, format: ExportFormat, opts: BriefingOptions): Promise<ExportOutcome> {
  toast(t('export.busy', { format: FORMAT_NAMES[format] }));
  try {
    let file;
    try {
      file = await exportFile(id, format, opts);
    } catch (err) {
      if (!(err instanceof ConfirmationNeeded)) throw err;
      const yes = await confirmDialog({
        title: t('export.confirmTitle'),
        message: t('export.confirmMessage', { marking: err.marking, level: err.confirmAbove }),
        confirm: t('export.confirm'),
        danger: true,
      });
      if (!yes) return { declined: true };
      file = await exportFile(id, format, { ...opts, confirm: true });
    }
    saveBlob(file.blob, file.filename);
    toast(file.mode === 'stored' ? t('export.doneStored', { filename: file.filename }) : t('export.done', { filename: file.filename }));
    return { saved: file.filename };
  } catch (err) {
    const message = (err as Error).message;
    toast(t('export.failed', { message }), 'error');
    return { failed: message };
  }
}

/** Hands a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started by the next task; revoking later keeps slow browsers safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
