/**
 * Identical runs share one execution: when two people press Run on the same cell
 * with the same inputs, the second joins the first. Each caller keeps its own query
 * id for cancelling; `engineId` maps it to the run that is really under way.
 */
export class InFlight<T> {
  private readonly runs = new Map<string, { promise: Promise<T>; queryId: string; joined: number }>();
  private readonly aliases = new Map<string, string>();

  run(key: string, queryId: string, start: () => Promise<T>): Promise<T> {
    const current = this.runs.get(key);
    if (current) {
      current.joined++;
      this.aliases.set(queryId, current.queryId);
      return current.promise.finally(() => this.aliases.delete(queryId));
    }
    const promise = start().finally(() => this.runs.delete(key));
    this.runs.set(key, { promise, queryId, joined: 0 });
    return promise;
  }

  engineId(queryId: string): string {
    return this.aliases.get(queryId) ?? queryId;
  }
}
