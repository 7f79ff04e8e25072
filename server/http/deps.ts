import type { Engine } from '../engine/types.js';
import type { ResultStore } from '../notebooks/results.js';
import type { RunLog, RunRecord } from '../notebooks/runs.js';
import type { RunEvents } from '../notebooks/run-events.js';
import type { InFlight } from '../notebooks/in-flight.js';
import type { StoredResult } from '../notebooks/results.js';
import type { NotebookStore } from '../notebooks/store.js';
import type { NotebookData } from '../../core/notebook/model.js';
import type { NotebookId } from '../../core/ids.js';
import type { Catalog, DatasetInfo } from '../datasets/index.js';
import type { Auth } from '../auth/index.js';
import type { AuditLog } from '../audit/index.js';
import type { Access, Sharing } from '../access/index.js';
import type { History } from '../history/index.js';
import type { OidcLogin } from '../auth/oidc.js';

/** Live notebook documents (server/collab), as the HTTP layer needs them. */
export interface LiveDocs {
  /** The notebook as it is now: the open document's content, or the file loaded into one. */
  read(id: NotebookId): Promise<NotebookData>;
  /** Changes the title through the document, so open clients see it at once. */
  setTitle(id: NotebookId, title: string): Promise<void>;
  /** The notebook was deleted: disconnect its clients and stop saving it. */
  close(id: NotebookId): Promise<void>;
}

/**
 * Open websockets re-checked after an access change (issue 6): the upgrade decided once, so a
 * withdrawn share, a raised marking or a disabled account must reach connections already open.
 */
export interface LiveAccess {
  /**
   * Re-decides every open connection of notebook `id` (null: of every open notebook), by the
   * upgrade's rules: those refused now are closed, the others get the access their role gives.
   */
  recheck(id: NotebookId | null): Promise<void>;
}

export interface ImportRequest {
  bytesPath: string;
  filename: string;
  name: string;
}

/** Everything the routes call. Built once by server/wire.ts, for the server and the tests alike. */
export interface AppDeps {
  catalog: Catalog;
  auth: Auth;
  audit: AuditLog;
  /** Dataset clearance and markings (issue 6); absent: everything readable, nothing marked. */
  access?: Access;
  /** Owners and shares of notebooks (issue 6): every /api/notebooks/:id route asks it for the user's role. */
  sharing: Sharing;
  /** Single sign-on (issue 6); null/absent: password accounts only. */
  oidc?: OidcLogin | null;
  importFile(req: ImportRequest): Promise<DatasetInfo>;
  engine: Engine;
  results: ResultStore;
  runs: RunLog;
  events: RunEvents;
  inFlight: InFlight<{ result: StoredResult; run: RunRecord }>;
  notebooks: NotebookStore;
  docs: LiveDocs;
  /** Re-checks open websockets after an access change; absent (hand-built test deps): nothing to re-check. */
  liveAccess?: LiveAccess;
  /** Notebook versions (issue 5); absent: no history routes. */
  history?: History;
  vocabulary(): Promise<{ functions: string[]; keywords: string[] }>;
  config: {
    rowCap: number;
    timeoutMs: number;
    uploadDir: string;
    maxUploadBytes: number;
    /** Built client (index.html and assets); absent in API-only tests. */
    clientDir?: string;
  };
}
