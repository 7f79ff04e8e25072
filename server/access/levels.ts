/**
 * Classification levels and compartments: the ordered list (lowest first) with a label and
 * banner colours per level, read from CARNET_LEVELS (JSON) or `<stateDir>/access/levels.json`,
 * else the default French list. Pure except `loadLevels`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Level {
  label: string;
  /** Banner background, `#rrggbb`. */
  colour: string;
  /** Banner text, `#rrggbb`. */
  text: string;
}

export interface LevelsConfig {
  /** Lowest first. */
  levels: Level[];
  /** Need-to-know groups a dataset may require (names as given, compared case-insensitively). */
  compartments: string[];
}

/** A marking: the level and the compartments a result or notebook needs. */
export interface Marking {
  level: string;
  compartments: string[];
}

export const DEFAULT_LEVELS: LevelsConfig = {
  levels: [
    { label: 'NON PROTÉGÉ', colour: '#2f6b3a', text: '#ffffff' },
    { label: 'DIFFUSION RESTREINTE', colour: '#8a4b00', text: '#ffffff' },
    { label: 'SECRET', colour: '#a1161d', text: '#ffffff' },
    { label: 'TRÈS SECRET', colour: '#5b1a78', text: '#ffffff' },
  ],
  compartments: [],
};

const COLOUR = /^#[0-9a-fA-F]{6}$/;

/** Comparison key: case, accents and runs of spaces do not matter ("Très  secret" = "TRÈS SECRET"). */
export function labelKey(label: string): string {
  return label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/\s+/g, ' ').trim();
}

/** Validates a levels document; errors name `where` and the entry. */
export function parseLevels(raw: unknown, where: string): LevelsConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}: expected {"levels": [...], "compartments": [...]}`);
  const o = raw as Record<string, unknown>;
  if (!Array.isArray(o.levels) || o.levels.length === 0) throw new Error(`${where}: "levels" must be a non-empty list, lowest first`);
  const seen = new Set<string>();
  const levels = o.levels.map((l, i): Level => {
    const at = `${where}: levels[${i}]`;
    if (typeof l !== 'object' || l === null) throw new Error(`${at}: expected {"label", "colour", "text"?}`);
    const { label, colour, text } = l as Record<string, unknown>;
    if (typeof label !== 'string' || !label.trim() || label.length > 60) throw new Error(`${at}: "label" must be 1 to 60 characters`);
    if (typeof colour !== 'string' || !COLOUR.test(colour)) throw new Error(`${at} (${label}): "colour" must be #rrggbb`);
    if (text !== undefined && (typeof text !== 'string' || !COLOUR.test(text))) throw new Error(`${at} (${label}): "text" must be #rrggbb`);
    const key = labelKey(label);
    if (seen.has(key)) throw new Error(`${at}: the label "${label}" appears twice`);
    seen.add(key);
    return { label: label.replace(/\s+/g, ' ').trim(), colour, text: (text as string | undefined) ?? '#ffffff' };
  });
  const comps = o.compartments ?? [];
  if (!Array.isArray(comps) || comps.some((c) => typeof c !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(c))) {
    throw new Error(`${where}: "compartments" must be a list of names of 1 to 40 letters, digits, "_" or "-"`);
  }
  return { levels, compartments: comps as string[] };
}

/** The configured levels: CARNET_LEVELS, else levels.json in the access state folder, else the defaults. */
export async function loadLevels(accessDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LevelsConfig> {
  const fromEnv = env.CARNET_LEVELS?.trim();
  if (fromEnv) return parseLevels(parseJson(fromEnv, 'CARNET_LEVELS'), 'CARNET_LEVELS');
  const path = join(accessDir, 'levels.json');
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  return text === null ? DEFAULT_LEVELS : parseLevels(parseJson(text, path), path);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** Position of `label` (0 = lowest), or null when it is not a configured level. */
export function rankOf(config: LevelsConfig, label: string): number | null {
  const key = labelKey(label);
  const i = config.levels.findIndex((l) => labelKey(l.label) === key);
  return i < 0 ? null : i;
}

/** The configured spelling of a level, or an error naming the known ones. */
export function canonicalLevel(config: LevelsConfig, label: string, where: string): string {
  const r = rankOf(config, label);
  if (r === null) throw new Error(`${where}: "${label.slice(0, 60)}" is not a level (expected one of ${config.levels.map((l) => l.label).join(', ')})`);
  return config.levels[r]!.label;
}

/** The configured spelling of compartments; unknown ones are refused by name. */
export function canonicalCompartments(config: LevelsConfig, names: readonly string[], where: string): string[] {
  const known = new Map(config.compartments.map((c) => [c.toLowerCase(), c]));
  const out = new Set<string>();
  for (const n of names) {
    const c = known.get(n.trim().toLowerCase());
    if (!c) throw new Error(`${where}: "${n.slice(0, 40)}" is not a compartment (configured: ${config.compartments.join(', ') || 'none'})`);
    out.add(c);
  }
  return [...out].sort();
}

/**
 * The highest of some markings: the highest level (an unknown label counts above every
 * level, so it is never waved through) and the union of compartments. Undefined for none.
 */
export function highest(config: LevelsConfig, markings: Iterable<Marking | undefined>): Marking | undefined {
  let best: Marking | undefined;
  let bestRank = -1;
  const comps = new Set<string>();
  for (const m of markings) {
    if (!m) continue;
    const r = rankOf(config, m.level) ?? config.levels.length;
    if (r > bestRank) {
      best = m;
      bestRank = r;
    }
    for (const c of m.compartments) comps.add(c);
  }
  return best ? { level: best.level, compartments: [...comps].sort() } : undefined;
}

/** True when a clearance covers a marking: level at least as high, and every compartment held. */
export function covers(config: LevelsConfig, clearance: Marking, marking: Marking): boolean {
  const need = rankOf(config, marking.level);
  const have = rankOf(config, clearance.level);
  if (need === null || have === null || have < need) return false;
  const held = new Set(clearance.compartments.map((c) => c.toLowerCase()));
  return marking.compartments.every((c) => held.has(c.toLowerCase()));
}

/** A marking as one line: `SECRET // A, B`. Used in headers, banners and exports. */
export function markingText(m: Marking): string {
  return m.compartments.length ? `${m.level} // ${m.compartments.join(', ')}` : m.level;
}

/** Banner colours of a level; an unknown label gets the highest level's. */
export function levelColours(config: LevelsConfig, label: string): { colour: string; text: string } {
  const r = rankOf(config, label);
  const l = config.levels[r ?? config.levels.length - 1]!;
  return { colour: l.colour, text: l.text };
}
