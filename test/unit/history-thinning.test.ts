/**
 * How a notebook's history thins as it ages: all automatic versions of the last day, then the
 * newest per hour for a week, per day for 90 days, per week after; named versions, versions
 * saved before a restore and the latest are kept; authors of a dropped version move to the next
 * kept one. On disk, the dropped versions' files go and the kept ones still read.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thinVersions } from '../../server/history/thinning.js';
import { VersionStore, type VersionInfo } from '../../server/history/version-store.js';
import type { NotebookData } from '../../core/notebook/model.js';
import { removeDir } from '../helpers/ws-client.js';

const NOW = new Date('2026-06-30T12:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let n = 0;
function version(ageMs: number, extra: Partial<VersionInfo> = {}): VersionInfo {
  n++;
  return { id: `v${n}`, at: new Date(NOW.getTime() - ageMs).toISOString(), auto: true, authors: [`u${n}`], cells: 1, hash: `h${n}`, ...extra };
}
const oldestFirst = (vs: VersionInfo[]) => [...vs].sort((a, b) => a.at.localeCompare(b.at));

describe('thinVersions', () => {
  it('keeps every automatic version of the last day', () => {
    const vs = oldestFirst([version(23 * HOUR), version(5 * 60_000), version(6 * 60_000), version(10 * HOUR)]);
    const { kept, dropped } = thinVersions(vs, NOW);
    expect(dropped).toEqual([]);
    expect(kept).toEqual(vs);
  });

  it('keeps the newest per hour for a week, per day for 90 days, per week beyond', () => {
    // Three versions in one clock hour two days ago, two on one day 30 days ago, two in one week a year ago.
    const hourAgo2d = Math.floor((NOW.getTime() - 2 * DAY) / HOUR) * HOUR;
    const dayAgo30 = Math.floor((NOW.getTime() - 30 * DAY) / DAY) * DAY;
    const weekAgo1y = Math.floor((NOW.getTime() - 365 * DAY) / (7 * DAY)) * 7 * DAY;
    const at = (t: number) => NOW.getTime() - t;
    const inHour = [version(at(hourAgo2d + 5 * 60_000)), version(at(hourAgo2d + 20 * 60_000)), version(at(hourAgo2d + 50 * 60_000))];
    const inDay = [version(at(dayAgo30 + 2 * HOUR)), version(at(dayAgo30 + 20 * HOUR))];
    const inWeek = [version(at(weekAgo1y + DAY)), version(at(weekAgo1y + 5 * DAY))];
    const latest = version(60_000);
    const { kept, dropped } = thinVersions(oldestFirst([...inHour, ...inDay, ...inWeek, latest]), NOW);
    expect(kept.map((v) => v.id)).toEqual([inWeek[1]!.id, inDay[1]!.id, inHour[2]!.id, latest.id]);
    expect(new Set(dropped)).toEqual(new Set([inHour[0]!.id, inHour[1]!.id, inDay[0]!.id, inWeek[0]!.id]));
    // Each kept version credits the authors of the versions thinned away before it.
    expect(kept.find((v) => v.id === inHour[2]!.id)!.authors).toEqual([inHour[0]!.authors[0], inHour[1]!.authors[0], inHour[2]!.authors[0]].sort());
    expect(kept.find((v) => v.id === inWeek[1]!.id)!.authors).toEqual([inWeek[0]!.authors[0], inWeek[1]!.authors[0]].sort());
  });

  it('never drops a named version, a version saved before a restore, or the latest', () => {
    const named = version(200 * DAY + HOUR, { name: 'before the briefing', auto: false });
    const beforeRestore = version(200 * DAY + 2 * HOUR, { beforeRestore: 'v0' });
    const sameWeek = version(200 * DAY);
    const { kept } = thinVersions(oldestFirst([named, beforeRestore, sameWeek]), NOW);
    expect(kept.map((v) => v.id).sort()).toEqual([named.id, beforeRestore.id, sameWeek.id].sort());
    const alone = version(400 * DAY);
    expect(thinVersions([alone], NOW).kept).toEqual([alone]);
  });

  it('leaves a history of many months at a bounded size', () => {
    // One version every 5 minutes, eight hours a day, today and the 200 days before: 19,296 versions.
    const vs: VersionInfo[] = [];
    for (let d = 200; d >= 0; d--) for (let m = 0; m < 96; m++) vs.push(version(d * DAY + 8 * HOUR - m * 5 * 60_000));
    const { kept } = thinVersions(oldestFirst(vs), NOW);
    // A day of everything (~96), a week of hours (~48), 90 days (~83), ~16 weeks.
    expect(kept.length).toBeLessThan(260);
    expect(kept.length).toBeGreaterThan(200);
    // Everyone who ever edited is still credited somewhere.
    expect(new Set(kept.flatMap((v) => v.authors)).size).toBe(vs.length);
  });
});

describe('the version store thins on disk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it('removes the files of thinned versions and keeps the rest readable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'carnet-thin-'));
    dirs.push(dir);
    const store = new VersionStore(dir);
    const data = (i: number): NotebookData => ({ meta: { title: `Take ${i}` }, cells: [{ id: 'c1' as never, kind: 'sql', name: 'k', source: `SELECT ${i}` }] } as unknown as NotebookData);
    // Four versions in one hour ten days ago, then one now.
    const base = NOW.getTime() - 10 * DAY;
    for (let i = 0; i < 4; i++) await store.add('nb', data(i), { at: new Date(Math.floor(base / HOUR) * HOUR + i * 60_000), auto: true, authors: [`a${i}`] });
    const latest = await store.add('nb', data(9), { at: NOW, auto: true, authors: ['now'] });
    const listed = await store.list('nb');
    expect(listed.map((v) => v.id)).toEqual([listed[0]!.id, latest.id]);
    expect(listed[0]!.authors).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect((await store.read('nb', listed[0]!.id)).data.meta.title).toBe('Take 3');
    expect((await readdir(join(dir, 'nb'))).filter((f) => f.endsWith('.md')).sort()).toEqual([`${listed[0]!.id}.md`, `${latest.id}.md`].sort());
  });
});
