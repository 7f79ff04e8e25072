/**
 * Classification markings from `GET /api/access/notebooks/:id`: the notebook's marking and
 * each cell's latest result marking, with banner colours, and the owner's raise
 * (`PUT /api/access/notebooks/:id/marking`). Validated here, at the boundary.
 */
import { getJson, invalid, isRecord, requestJson } from '../api/http.js';

/** A marking as shown: its text (`SECRET // A`) and banner colours. */
export interface ShownMarking {
  label: string;
  colour: string;
  textColour: string;
}

/** A level and the compartments it needs. */
export interface Marking {
  level: string;
  compartments: string[];
}

export interface NotebookMarkings {
  marking: ShownMarking;
  /** By cell id; a cell without a marked run is absent. */
  cells: Map<string, ShownMarking>;
  /** The marking its owner raised it to; null: not raised. */
  raised: Marking | null;
  /** True for the owner and administrators, who may change the raise. */
  canRaise: boolean;
}

/** The configured levels (lowest first), compartments, and the reader's clearance. */
export interface MarkingLevels {
  levels: string[];
  compartments: string[];
  clearance: Marking;
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;

function shown(v: unknown, what: string): ShownMarking {
  if (!isRecord(v) || typeof v.label !== 'string' || typeof v.colour !== 'string' || typeof v.textColour !== 'string') return invalid(what, v);
  // Colours land in style attributes: only #rrggbb gets through.
  if (!COLOUR.test(v.colour) || !COLOUR.test(v.textColour)) return invalid(what, v);
  return { label: v.label, colour: v.colour, textColour: v.textColour };
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function marking(v: unknown, what: string): Marking {
  if (!isRecord(v) || typeof v.level !== 'string' || !strings(v.compartments)) return invalid(what, v);
  return { level: v.level, compartments: [...v.compartments] };
}

/** Parses the route's answer. Pure. */
export function parseNotebookMarkings(v: unknown): NotebookMarkings {
  if (!isRecord(v) || !isRecord(v.cells)) return invalid('notebook markings', v);
  const cells = new Map<string, ShownMarking>();
  for (const [id, m] of Object.entries(v.cells)) cells.set(id, shown(m, `the marking of cell ${id}`));
  return {
    marking: shown(v.marking, 'the notebook marking'),
    cells,
    raised: v.raised === null || v.raised === undefined ? null : marking(v.raised, 'the raised marking'),
    canRaise: v.canRaise === true,
  };
}

export async function getNotebookMarkings(notebookId: string): Promise<NotebookMarkings> {
  return parseNotebookMarkings(await getJson(`/api/access/notebooks/${encodeURIComponent(notebookId)}`));
}

/** Raises the notebook's marking to `m`, or drops the raise (null); answers the new markings. */
export async function putNotebookMarking(notebookId: string, m: Marking | null): Promise<NotebookMarkings> {
  const body = m ? { level: m.level, compartments: m.compartments } : { level: null };
  return parseNotebookMarkings(await requestJson('PUT', `/api/access/notebooks/${encodeURIComponent(notebookId)}/marking`, body));
}

/** The configured levels and the reader's clearance (`GET /api/access/levels`). */
export async function getMarkingLevels(): Promise<MarkingLevels> {
  const v = await getJson('/api/access/levels');
  if (!isRecord(v) || !Array.isArray(v.levels) || !strings(v.compartments)) return invalid('GET /api/access/levels', v);
  const levels = v.levels.map((l) => (isRecord(l) && typeof l.label === 'string' ? l.label : invalid('a level', l)));
  return { levels, compartments: [...v.compartments], clearance: marking(v.clearance, 'your clearance') };
}
