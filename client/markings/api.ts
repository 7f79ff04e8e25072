/**
 * Classification markings from `GET /api/access/notebooks/:id`: the notebook's marking and
 * each cell's latest result marking, with banner colours. Validated here, at the boundary.
 */
import { getJson, invalid, isRecord } from '../api/http.js';

/** A marking as shown: its text (`SECRET // A`) and banner colours. */
export interface ShownMarking {
  label: string;
  colour: string;
  textColour: string;
}

export interface NotebookMarkings {
  marking: ShownMarking;
  /** By cell id; a cell without a marked run is absent. */
  cells: Map<string, ShownMarking>;
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;

function shown(v: unknown, what: string): ShownMarking {
  if (!isRecord(v) || typeof v.label !== 'string' || typeof v.colour !== 'string' || typeof v.textColour !== 'string') return invalid(what, v);
  // Colours land in style attributes: only #rrggbb gets through.
  if (!COLOUR.test(v.colour) || !COLOUR.test(v.textColour)) return invalid(what, v);
  return { label: v.label, colour: v.colour, textColour: v.textColour };
}

/** Parses the route's answer. Pure. */
export function parseNotebookMarkings(v: unknown): NotebookMarkings {
  if (!isRecord(v) || !isRecord(v.cells)) return invalid('notebook markings', v);
  const cells = new Map<string, ShownMarking>();
  for (const [id, m] of Object.entries(v.cells)) cells.set(id, shown(m, `the marking of cell ${id}`));
  return { marking: shown(v.marking, 'the notebook marking'), cells };
}

export async function getNotebookMarkings(notebookId: string): Promise<NotebookMarkings> {
  return parseNotebookMarkings(await getJson(`/api/access/notebooks/${encodeURIComponent(notebookId)}`));
}
