/**
 * The datasets one query may read, as the compiler and the engine need them:
 * relation bodies by lower-cased name, and the exact file strings behind each.
 * Built from the catalog per request; issue 6 narrows it to a user's clearance.
 */
export interface DatasetScope {
  relations: ReadonlyMap<string, string>;
  files(names: Iterable<string>): string[];
}

export function scopeOf(datasets: ReadonlyArray<{ name: string; relation: string; readPaths: string[]; error?: string }>): DatasetScope {
  const usable = datasets.filter((d) => !d.error);
  const byName = new Map(usable.map((d) => [d.name.toLowerCase(), d]));
  return {
    relations: new Map(usable.map((d) => [d.name.toLowerCase(), d.relation])),
    files(names) {
      const out: string[] = [];
      for (const n of names) out.push(...(byName.get(n.toLowerCase())?.readPaths ?? []));
      return out;
    },
  };
}
