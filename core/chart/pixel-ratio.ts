/**
 * Plot and d3-axis shift lines by half a pixel when `window.devicePixelRatio` is at most 1
 * (crisper on old screens), and not on high-density screens or in Node. Plot decides once,
 * when its module loads; d3-axis each time it draws a legend's axis. So the same chart
 * would differ by half pixels between two screens, and between a screen and Node.
 *
 * Carnet pins the answer to "high density" (no shift) everywhere: while Plot loads (see
 * plot.ts) and while a chart is drawn (render.ts), `devicePixelRatio` reads 2. Both are
 * synchronous, so no other code sees the pinned value.
 */

const PINNED = 2;

/** Makes `devicePixelRatio` read 2 (defining a bare `window` in Node); returns the undo. */
export function pinPixelRatio(): () => void {
  const g = globalThis as { window?: { devicePixelRatio?: number } };
  if (g.window === undefined) {
    Object.defineProperty(g, 'window', { value: { devicePixelRatio: PINNED }, configurable: true, writable: true });
    return () => {
      delete g.window;
    };
  }
  const w = g.window;
  if ((w.devicePixelRatio ?? 1) > 1) return () => {};
  const own = Object.getOwnPropertyDescriptor(w, 'devicePixelRatio');
  Object.defineProperty(w, 'devicePixelRatio', { get: () => PINNED, configurable: true });
  return () => {
    if (own) Object.defineProperty(w, 'devicePixelRatio', own);
    else delete w.devicePixelRatio;
  };
}

/** Runs `f` with the pixel ratio pinned. */
export function withPinnedPixelRatio<T>(f: () => T): T {
  const restore = pinPixelRatio();
  try {
    return f();
  } finally {
    restore();
  }
}
