import type { NotebookId } from '../../core/ids.js';
import { docToNotebook, setTitle } from '../../core/notebook/ydoc.js';
import type { LiveDocs } from '../http/deps.js';
import type { Collab } from '../collab/index.js';

/** Origin of changes the server itself makes to a document (e.g. a rename over HTTP). */
export const SERVER_ORIGIN = 'carnet-server';

/**
 * Notebooks as the HTTP layer sees them: always through the live document, so a
 * run compiles exactly what the editors see, and a rename reaches open clients.
 */
export function liveDocs(collab: Collab): LiveDocs {
  const use = async <T>(id: NotebookId, f: (doc: import('yjs').Doc) => T): Promise<T> => {
    const doc = await collab.open(id);
    try {
      return f(doc);
    } finally {
      collab.release(id);
    }
  };
  return {
    read: (id) => use(id, docToNotebook),
    setTitle: async (id, title) => {
      await use(id, (doc) => setTitle(doc, title, SERVER_ORIGIN));
      // The home page lists titles from the files: write this one now, not after the debounce.
      await collab.flush(id);
    },
    close: async (id) => {
      await collab.close(id);
    },
  };
}
