import type { CellId, NotebookId } from '../../core/ids.js';
import type { RunRecord } from './runs.js';

/** What participants of a notebook hear about runs: small records, never rows. */
export type RunEvent =
  | { type: 'started'; cellId: CellId; queryId: string; ranBy?: string; startedAt: string }
  | { type: 'finished'; run: RunRecord }
  /** The notebook's sharing or marking changed: pages re-read the role and the banner. */
  | { type: 'access' };

type Listener = (event: RunEvent) => void;

/** In-process publish/subscribe of run events, per notebook. */
export class RunEvents {
  private readonly listeners = new Map<NotebookId, Set<Listener>>();
  private readonly running = new Map<NotebookId, Map<CellId, RunEvent & { type: 'started' }>>();

  subscribe(id: NotebookId, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** Runs under way now, so a newcomer sees "Ana is running…" too. */
  inProgress(id: NotebookId): RunEvent[] {
    return [...(this.running.get(id)?.values() ?? [])];
  }

  publish(id: NotebookId, event: RunEvent): void {
    let now = this.running.get(id);
    if (event.type === 'started') {
      if (!now) this.running.set(id, (now = new Map()));
      now.set(event.cellId, event);
    } else if (event.type === 'finished') {
      now?.delete(event.run.cellId);
      if (now?.size === 0) this.running.delete(id);
    }
    for (const l of this.listeners.get(id) ?? []) {
      try {
        l(event);
      } catch {
        // A broken subscriber (a closed stream) must not stop the others.
      }
    }
  }
}
