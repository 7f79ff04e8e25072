/**
 * Jupyter-like command mode: when a cell is selected but not being edited, single
 * keys act on cells. The key → command mapping is pure; the view carries it out.
 */
export type Command =
  | 'edit'
  | 'addAbove'
  | 'addBelow'
  | 'delete'
  | 'toMarkdown'
  | 'toSql'
  | 'previous'
  | 'next'
  | 'runAdvance'
  | 'runInPlace'
  | 'help'
  | 'undo'
  | 'redo'
  | 'leave';

export interface KeyInput {
  key: string;
  shift: boolean;
  mod: boolean;
  alt: boolean;
}

/** A pending first D waits this long for the second. */
export const DOUBLE_KEY_MS = 800;

/**
 * The command for a key press in command mode, or null. `pendingD` says whether the
 * previous key was a D within DOUBLE_KEY_MS; the result tells whether this D is pending.
 */
export function commandFor(input: KeyInput, pendingD: boolean): { command: Command | null; pendingD: boolean } {
  const { key, shift, mod, alt } = input;
  if (alt) return { command: null, pendingD: false };
  if (mod) {
    if (key === 'Enter') return { command: 'runInPlace', pendingD: false };
    if (key.toLowerCase() === 'z') return { command: shift ? 'redo' : 'undo', pendingD: false };
    if (key.toLowerCase() === 'y') return { command: 'redo', pendingD: false };
    return { command: null, pendingD: false };
  }
  if (key === 'Enter') return { command: shift ? 'runAdvance' : 'edit', pendingD: false };
  if (key === 'd' || key === 'D') return pendingD ? { command: 'delete', pendingD: false } : { command: null, pendingD: true };
  const simple: Record<string, Command> = {
    a: 'addAbove',
    b: 'addBelow',
    m: 'toMarkdown',
    y: 'toSql',
    j: 'next',
    k: 'previous',
    ArrowDown: 'next',
    ArrowUp: 'previous',
    '?': 'help',
    Escape: 'leave',
  };
  return { command: simple[key.length === 1 ? key.toLowerCase() : key] ?? null, pendingD: false };
}
