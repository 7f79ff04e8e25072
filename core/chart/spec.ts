/**
 * Reading and writing a chart spec as the body of a ```chart block. The types live in
 * spec-types.ts; the structural checks in spec-check.ts.
 */
import { parseJsonWithLines, JsonSyntaxError } from './json-lines.js';
import { checkChartSpec, ChartSpecError } from './spec-check.js';
import { CHANNELS, type ChartSpec } from './spec-types.js';

export * from './spec-types.js';
export { ChartSpecError, checkChartSpec };


/**
 * Reads the body of a ```chart block. Throws ChartSpecError with a 1-based `line` and a
 * message naming the line and the option (`line 4: x.aggregate: unknown aggregate "avg" …`).
 */
export function parseChartSpec(text: string): ChartSpec {
  let located;
  try {
    located = parseJsonWithLines(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ChartSpecError(e.detail, '', e.line);
    throw e;
  }
  try {
    return checkChartSpec(located.value);
  } catch (e) {
    if (!(e instanceof ChartSpecError)) throw e;
    throw new ChartSpecError(e.detail, e.path, lineOfPath(located.lines, e.path));
  }
}

/** The line of `path` or of its nearest recorded parent (a missing key is reported at its object). */
function lineOfPath(lines: ReadonlyMap<string, number>, path: string): number {
  for (let p = path; ; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === '') return 1;
  }
}

const TOP_ORDER: readonly string[] = [
  'source', 'mark', ...CHANNELS, 'sort', 'limit', 'map', 'title', 'subtitle', 'caption',
];
const NESTED_ORDER: readonly string[] = [
  'field', 'aggregate', 'bin', 'interval', 'thresholds', 'scale', 'label', 'by', 'order',
  'projection', 'lon', 'lat', 'fromLon', 'fromLat', 'toLon', 'toLat',
];

/**
 * The body of a ```chart block: JSON with one top-level option per line and each channel on
 * one line, keys in a fixed order, so that a change to one option is a one-line diff.
 */
export function serializeChartSpec(spec: ChartSpec): string {
  const entries = ordered(spec as unknown as Record<string, unknown>, TOP_ORDER);
  const body = entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${inline(v)}`);
  return `{\n${body.join(',\n')}\n}`;
}

function inline(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const parts = ordered(v as Record<string, unknown>, NESTED_ORDER).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`);
    return `{${parts.join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** Defined entries, known keys in `order` first, then any others alphabetically. */
function ordered(obj: Record<string, unknown>, order: readonly string[]): [string, unknown][] {
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
