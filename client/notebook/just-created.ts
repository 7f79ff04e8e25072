/**
 * Remembers, for one navigation, that this browser created a notebook: only then does an
 * empty notebook get a first cell automatically (two people opening an empty notebook
 * must not each add one).
 */
const KEY = 'carnet.justCreated';

export function markJustCreated(id: string): void {
  try {
    sessionStorage.setItem(KEY, id);
  } catch {
    // Without storage the notebook simply opens empty.
  }
}

/** True once for the notebook just created; clears the mark. */
export function takeJustCreated(id: string): boolean {
  try {
    if (sessionStorage.getItem(KEY) !== id) return false;
    sessionStorage.removeItem(KEY);
    return true;
  } catch {
    return false;
  }
}
