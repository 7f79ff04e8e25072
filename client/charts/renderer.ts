/**
 * The chart renderer (core/chart's renderChart: Observable Plot and the world outline), loaded
 * on first use: a notebook without charts never downloads it. Plot is imported only through
 * core/chart, which pins the pixel ratio while Plot loads (see core/chart/plot.ts).
 */
export type RenderModule = typeof import('../../core/chart/render.js');

let loading: Promise<RenderModule> | null = null;

/** The renderer module; one download, shared by every chart of the page. A failed load is retried next time. */
export function loadRenderer(): Promise<RenderModule> {
  loading ??= import('../../core/chart/render.js').catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}
