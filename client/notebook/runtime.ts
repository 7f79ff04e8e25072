/** Runtime state of every cell, observable per cell. The only mutation is `dispatch`. */
import { IDLE, transition, type CellEvent, type CellState } from './cell-state.js';

type Listener = (state: CellState) => void;

export class RuntimeStore {
  private readonly states = new Map<string, CellState>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly anyListeners = new Set<() => void>();

  get(cellId: string): CellState {
    return this.states.get(cellId) ?? IDLE;
  }

  dispatch(cellId: string, event: CellEvent): CellState {
    const next = transition(this.get(cellId), event);
    this.states.set(cellId, next);
    for (const l of this.listeners.get(cellId) ?? []) l(next);
    for (const l of this.anyListeners) l();
    return next;
  }

  /** Calls `listener` on every change of the cell; returns the unsubscribe function. */
  subscribe(cellId: string, listener: Listener): () => void {
    let set = this.listeners.get(cellId);
    if (!set) this.listeners.set(cellId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Called after any cell's change (toolbar state, completions from result columns). */
  onAny(listener: () => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Notifies a cell's listeners without a change (e.g. its inputs' sources changed: staleness). */
  touch(cellId: string): void {
    const state = this.get(cellId);
    for (const l of this.listeners.get(cellId) ?? []) l(state);
  }

  isRunning(): boolean {
    for (const s of this.states.values()) if (s.running) return true;
    return false;
  }
}
