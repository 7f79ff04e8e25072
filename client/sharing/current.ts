/**
 * The access of the notebook on screen, for parts of the page built by code that does not
 * receive it (the comments panel is created inside client/collab). The notebook view sets it
 * when it learns the role and clears it when it closes; one notebook is on screen at a time.
 */
import { FULL_ACCESS, type NotebookAccess } from './access.js';

let current: NotebookAccess = FULL_ACCESS;

/** Records the access of the notebook now on screen; returns the function that forgets it. */
export function setCurrentAccess(access: NotebookAccess): () => void {
  current = access;
  return () => {
    if (current === access) current = FULL_ACCESS;
  };
}

/** The access of the notebook on screen (full when none is, or sharing is off). */
export function currentAccess(): NotebookAccess {
  return current;
}
