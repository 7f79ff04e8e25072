/**
 * `npm run bench [-- core|charts|export|collab]`: speed and memory goals, measured side by
 * side (medians; API and DuckDB timed in alternation). Not part of `npm test`:
 * figures, not pass/fail. The first run generates a 50M-row Parquet file and a
 * full-size demo workspace under .bench/ (kept).
 */
import { printTable } from './common.js';
import { serverCoreBench } from './server-core.js';
import { chartsBench } from './charts.js';
import { exportBench } from './export.js';
import { collabBench } from './collab.js';

const SECTIONS: Record<string, [string, () => Promise<string[][]>]> = {
  core: ['Server core (median of 5, 2 DuckDB threads)', serverCoreBench],
  charts: ['Charts over 50M rows (median of 5)', chartsBench],
  export: ['Briefings (median of 3)', exportBench],
  collab: ['Collaboration (server and clients in separate processes)', collabBench],
};

const wanted = process.argv.slice(2).filter((a) => a in SECTIONS);
for (const key of wanted.length ? wanted : Object.keys(SECTIONS)) {
  const [title, run] = SECTIONS[key]!;
  try {
    printTable(title, await run());
  } catch (e) {
    console.error(`${key}: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  }
}
