export { createAccess, accessDirOf, type Access, type AccessOptions, type Subject } from './access.js';
export { requestScope, markingHook, markingHeader, exportScope, exportMarkingHook } from './request.js';
export { accessRoutes } from './routes.js';
export { assertMayRead, assertMayReadResult, visibleRuns } from './result-guard.js';
export * from './levels.js';
export {
  authorizeNotebook, assertMayOpenNotebook, notebookSource, markingOfNotebook, openableNotebooks,
  type NotebookSource, type UpgradeRoles,
} from './authorize-notebook.js';
export * from './notebook-role.js';
export { createSharing, type Sharing, type SharingOptions } from './sharing.js';
export { notebookGuard, requireNotebookRole, roleRefusal, type NotebookGuardDeps } from './notebook-guard.js';
