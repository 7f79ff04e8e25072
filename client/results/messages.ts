/**
 * Strings of the result view that came with notebook sharing (a reader sorts in the
 * browser), English and French. Spread into client/i18n/en.ts and fr.ts so `t()` knows them.
 */
export const resultsEn = {
  'results.sortedHere': 'sorted by {column} on this page (the cell was not run again)',
  'results.sortedHereHeld': 'sorted by {column} among these {shown} rows only (the query had more)',
  'results.sortHereTitle': 'You can read this notebook but not run it: sorting rearranges the rows already loaded.',
} as const;

export const resultsFr: Record<keyof typeof resultsEn, string> = {
  'results.sortedHere': 'trié par {column} sur cette page (la cellule n’a pas été réexécutée)',
  'results.sortedHereHeld': 'trié par {column} parmi ces {shown} lignes seulement (la requête en avait davantage)',
  'results.sortHereTitle': 'Vous pouvez lire ce carnet mais pas l’exécuter : le tri réordonne les lignes déjà chargées.',
};
