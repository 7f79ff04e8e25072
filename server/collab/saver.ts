/**
 * Debounced, serial saving of one notebook to its file.
 *
 * The first change after a save starts a timer of `delayMs`; later changes ride on it, so
 * under continuous typing the file still trails the document by at most about `delayMs`
 * (a pure debounce would postpone the save for as long as someone types). Saves never
 * overlap; a change during a save schedules the next one. A failed save is retried with
 * a growing delay, and `flush()` (unload, shutdown) always tries once more.
 */
export class DebouncedSaver {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private cancelled = false;
  private failures = 0;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Notes a change; the save follows within about `delayMs`. */
  schedule(): void {
    if (this.cancelled) return;
    this.dirty = true;
    this.arm(this.delayMs);
  }

  /** True while a change has not reached a completed save. */
  get pending(): boolean {
    return this.dirty || this.running !== null;
  }

  /** Saves now if anything is unsaved, and waits for it (and for a save in flight). */
  async flush(): Promise<void> {
    this.disarm();
    await this.running;
    if (this.dirty && !this.cancelled) await this.start();
  }

  /** No more saves, including a pending one (the notebook was deleted). */
  cancel(): void {
    this.cancelled = true;
    this.dirty = false;
    this.disarm();
  }

  private arm(delay: number): void {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.start();
    }, delay);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): Promise<void> {
    if (this.running) return this.running;
    this.disarm();
    this.dirty = false;
    this.running = this.run()
      .then(
        () => {
          this.failures = 0;
        },
        (e: unknown) => {
          this.failures++;
          this.dirty = true;
          this.onError(e);
        },
      )
      .finally(() => {
        this.running = null;
        if (this.dirty && !this.cancelled) {
          this.arm(Math.min(this.delayMs * 2 ** this.failures, 30_000));
        }
      });
    return this.running;
  }
}
