/**
 * The columns of the workspace's datasets, for charts whose source is a dataset: fetched once
 * per page when a chart needs them, and again after a failure or on demand.
 */
import { listDatasets, type Column } from '../api/datasets.js';

let known: Map<string, Column[]> | null = null;
let loading: Promise<void> | null = null;
let retryAt = 0;
const RETRY_MS = 10_000;
const waiting = new Set<() => void>();

/**
 * The columns of dataset `name`, or null while unknown (then `onLoaded` is called once the
 * list has arrived). Names compare case-insensitively, as in SQL.
 */
export function datasetColumns(name: string, onLoaded: () => void): Column[] | null {
  if (known) return known.get(name.toLowerCase()) ?? null;
  // After a failure, wait a little: a caller asking again on every refresh must not flood the server.
  if (!loading && Date.now() < retryAt) return null;
  waiting.add(onLoaded);
  loading ??= listDatasets()
    .then((list) => {
      known = new Map(list.map((d) => [d.name.toLowerCase(), d.columns]));
    })
    .catch(() => {
      retryAt = Date.now() + RETRY_MS;
    })
    .finally(() => {
      loading = null;
      const callbacks = [...waiting];
      waiting.clear();
      for (const f of callbacks) f();
    });
  return null;
}

/** Forgets the list, e.g. after an import added a dataset. */
export function forgetDatasetColumns(): void {
  known = null;
}

/** The columns of dataset `name`, fetching the list when needed; null when there is no such dataset. */
export function loadDatasetColumns(name: string): Promise<Column[] | null> {
  return new Promise((resolve) => {
    const now = datasetColumns(name, () => resolve(known?.get(name.toLowerCase()) ?? null));
    if (now || known) resolve(now);
  });
}
