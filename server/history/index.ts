export { History, RESTORE_ORIGIN } from './history.js';
export type { HistoryOptions, LiveDocuments, VersionWithDiff } from './history.js';
export { VersionStore, contentHash } from './version-store.js';
export type { VersionInfo } from './version-store.js';
