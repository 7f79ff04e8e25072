/**
 * Chart cells this page just created (with "Chart this"): they open with the builder shown,
 * while charts of an opened notebook show just the chart.
 */
const fresh = new Set<string>();

export function markFreshChart(cellId: string): void {
  fresh.add(cellId);
}

/** True once for a chart just created by this page. */
export function takeFreshChart(cellId: string): boolean {
  return fresh.delete(cellId);
}
