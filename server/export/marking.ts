/**
 * Classification markings as exports need them: the ordered levels, the colour of a
 * banner, and the rule that an export above a configured level must be confirmed. Pure.
 *
 * Issue 6 brings a configurable list of levels and compartments; until then the default
 * list below is the only one, and a label outside it counts as above every level (an
 * unknown marking is never waved through).
 */
/** Default levels, lowest first. */
export const MARKING_LEVELS = ['NON PROTÉGÉ', 'DIFFUSION RESTREINTE', 'SECRET', 'TRÈS SECRET'] as const;

/** Exports of notebooks marked above this level need `confirm: true` unless configured otherwise. */
export const DEFAULT_CONFIRM_ABOVE = 'DIFFUSION RESTREINTE';

/** Banner colours per level (text on a coloured band); unknown labels get the highest one's. */
const COLOURS: Record<string, { background: string; text: string }> = {
  'NON PROTEGE': { background: '#2f6b3a', text: '#ffffff' },
  'DIFFUSION RESTREINTE': { background: '#8a4b00', text: '#ffffff' },
  SECRET: { background: '#a1161d', text: '#ffffff' },
  'TRES SECRET': { background: '#5b1a78', text: '#ffffff' },
};

/** Comparison key: case, accents and runs of spaces do not matter ("Très  secret" = "TRÈS SECRET"). */
function key(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const RANKS = new Map(MARKING_LEVELS.map((l, i) => [key(l), i]));

/** A marking given in a notebook: absent, empty or blank means unmarked. */
export function markingOf(classification: string | undefined): string | undefined {
  const label = classification?.replace(/\s+/g, ' ').trim();
  return label ? label : undefined;
}

/** Position of `label` among the levels (0 = lowest), or null for a label not in the list. */
export function markingRank(label: string): number | null {
  return RANKS.get(key(label)) ?? null;
}

/**
 * True when exporting a notebook marked `marking` needs an explicit confirmation: its level
 * is above `confirmAbove`, or it is not a known level at all. Unmarked notebooks never do.
 */
export function needsConfirmation(marking: string | undefined, confirmAbove: string): boolean {
  if (marking === undefined) return false;
  const rank = markingRank(marking);
  const limit = markingRank(confirmAbove);
  if (limit === null) throw new Error(`export confirmation level "${confirmAbove}" is not one of ${MARKING_LEVELS.join(', ')}`);
  return rank === null || rank > limit;
}

/** The configured level (CARNET_EXPORT_CONFIRM_ABOVE), checked against the known levels. */
export function confirmAboveFrom(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.CARNET_EXPORT_CONFIRM_ABOVE?.trim();
  if (!raw) return DEFAULT_CONFIRM_ABOVE;
  const rank = markingRank(raw);
  if (rank === null) throw new Error(`CARNET_EXPORT_CONFIRM_ABOVE=${raw}: expected one of ${MARKING_LEVELS.join(', ')}`);
  return MARKING_LEVELS[rank]!;
}

/** Banner colours for `marking`. */
export function markingColours(marking: string): { background: string; text: string } {
  return COLOURS[key(marking)] ?? COLOURS['TRES SECRET']!;
}

/**
 * The marking an export carries, given the notebook's marking as the server computes it
 * (the highest of the file's classification, the owner's raise and the results read;
 * `lowest`: it is the lowest level with no compartment). A notebook whose file names no
 * classification and that nothing lifted above the lowest level stays unmarked, as it
 * always was; anything else is exported at the notebook's marking, never below it.
 */
export function exportMarking(classification: string | undefined, notebook: { text: string; lowest: boolean }): string | undefined {
  const fromFile = markingOf(classification);
  if (fromFile === undefined && notebook.lowest) return undefined;
  return notebook.text;
}
