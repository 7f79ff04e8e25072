/**
 * When a chart cell runs on its own: a pause after a change of its data (a burst of builder
 * changes runs once), or at once when nothing is on screen for its spec. Runs of its own are
 * bounded between two changes of the text, so a chart whose runs fail cannot loop.
 */

/** A change of the chart's data runs it after this pause. */
export const RUN_DELAY_MS = 350;
const MAX_AUTO_RUNS = 3;

export class RunSchedule {
  private timer = 0;
  private autoRuns = 0;

  constructor(private readonly run: () => void) {}

  /** Runs after `ms`, replacing a run already waiting. */
  after(ms: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      this.run();
    }, ms);
  }

  /**
   * Nothing is on screen for the spec and nobody is at work on it: runs at once, unless a run
   * already waits (a change's pause is kept) or enough runs started on their own already.
   */
  auto(): void {
    if (this.timer !== 0 || this.autoRuns >= MAX_AUTO_RUNS) return;
    this.autoRuns++;
    this.after(0);
  }

  /** The spec text changed: runs on its own may start again. */
  textChanged(): void {
    this.autoRuns = 0;
  }

  /** A run starts now (by hand or from here): nothing waits any more. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = 0;
  }
}
