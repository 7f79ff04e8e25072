/**
 * Charts whose data depends on the width they were computed for (M4 lines, map grids) are
 * computed again when their container's width changes much: a debounced decision, pure
 * apart from its timer.
 */
import { widthResolution } from '../../core/chart/compile.js';
import type { NormalisedChart } from '../../core/chart/normalised.js';

/** A change of the resolved columns by more than this fraction re-computes the data. */
export const RESIZE_THRESHOLD = 0.2;
const DEBOUNCE_MS = 400;

/** True when data computed `fromWidth` wide would be coarser or finer than it should at `toWidth`. Pure. */
export function resizeNeedsRerun(spec: NormalisedChart, fromWidth: number, toWidth: number): boolean {
  const before = widthResolution(spec, fromWidth);
  const after = widthResolution(spec, toWidth);
  if (before === null || after === null) return false;
  return Math.abs(after - before) > RESIZE_THRESHOLD * before;
}

/** Waits for the width to settle, then asks `decide` whether to re-run. */
export class ResizeRerun {
  private timer = 0;

  constructor(private readonly decide: (width: number) => void) {}

  widthChanged(width: number): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.decide(width), DEBOUNCE_MS);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
