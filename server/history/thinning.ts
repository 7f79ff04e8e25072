/**
 * Which saved versions a notebook's history keeps as it ages, the way backup tools thin their
 * snapshots: every automatic version of the last day, then the newest of each hour for a week,
 * of each day for 90 days, and of each week beyond. Versions someone named, versions saved just
 * before a restore and the latest version are always kept. A version thinned away hands its
 * authors to the next version kept, so each kept version still credits everyone who edited
 * since the one before it. Pure: the caller writes the index and removes the files.
 */
import type { VersionInfo } from './version-store.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** [age limit, bucket width]: within `age` of now, the newest version per `width` stays. */
const TIERS: ReadonlyArray<[number, number]> = [
  [DAY, 0],
  [7 * DAY, HOUR],
  [90 * DAY, DAY],
  [Infinity, 7 * DAY],
];

/**
 * `versions` oldest first, as the index holds them; returns the index to write (oldest first,
 * authors merged forward) and the ids whose files may go.
 */
export function thinVersions(versions: readonly VersionInfo[], now: Date): { kept: VersionInfo[]; dropped: string[] } {
  const t = now.getTime();
  const bucketOf = (v: VersionInfo): string | null => {
    if (!v.auto || v.name !== undefined || v.beforeRestore !== undefined) return null;
    const at = new Date(v.at).getTime();
    const age = t - at;
    const tier = TIERS.findIndex(([limit]) => age < limit);
    const width = TIERS[tier]![1];
    return width === 0 ? null : `${tier}:${Math.floor(at / width)}`;
  };
  // Newest first, so the first version seen in a bucket is the one it keeps.
  const seen = new Set<string>();
  const keep = new Set<number>([versions.length - 1]);
  for (let i = versions.length - 1; i >= 0; i--) {
    const bucket = bucketOf(versions[i]!);
    if (bucket === null || !seen.has(bucket)) keep.add(i);
    if (bucket !== null) seen.add(bucket);
  }
  const kept: VersionInfo[] = [];
  const dropped: string[] = [];
  let carried = new Set<string>();
  versions.forEach((v, i) => {
    if (!keep.has(i)) {
      for (const a of v.authors) carried.add(a);
      dropped.push(v.id);
      return;
    }
    kept.push(carried.size === 0 ? v : { ...v, authors: [...new Set([...carried, ...v.authors])].sort((a, b) => a.localeCompare(b)) });
    carried = new Set();
  });
  return { kept, dropped };
}
