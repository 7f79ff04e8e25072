/**
 * The source a chart cell names, read from its spec text without parsing the whole spec (a
 * spec being edited may be invalid elsewhere): so renaming a SQL cell can carry its charts along.
 */

const SOURCE = /"source"\s*:\s*("(?:[^"\\\n]|\\.)*")/;

/** The chart's source name and where its JSON string sits in `text`; null when not found. Pure. */
export function chartSourceOf(text: string): { name: string; from: number; to: number } | null {
  const m = SOURCE.exec(text);
  if (!m) return null;
  let name: unknown;
  try {
    name = JSON.parse(m[1]!);
  } catch {
    return null;
  }
  if (typeof name !== 'string') return null;
  const from = m.index + m[0].length - m[1]!.length;
  return { name, from, to: from + m[1]!.length };
}

/** The edit pointing a chart at `newName` when it reads `oldName` (case-insensitively); null otherwise. Pure. */
export function renameChartSource(text: string, oldName: string, newName: string): { from: number; to: number; insert: string } | null {
  const source = chartSourceOf(text);
  if (!source || source.name.toLowerCase() !== oldName.toLowerCase()) return null;
  return { from: source.from, to: source.to, insert: JSON.stringify(newName) };
}
