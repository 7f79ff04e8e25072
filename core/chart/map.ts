/**
 * Map charts: points or links over the bundled world outline, in a projection zoomed to the
 * data's extent. No tiles, no requests.
 */
import { Plot } from './plot.js';
import type { Geometry } from 'geojson';
import type { ChartRow } from './data.js';
import type { NormalisedChart } from './normalised.js';
import type { ThemeColors } from './theme.js';
import { worldOutline } from './world.js';

const LINK_ENDS = [['from_lon', 'from_lat'], ['to_lon', 'to_lat']] as const;

/** Outline, then the data: dots sized by `size`, or great-circle links weighted by `size`. */
export function mapMarks(spec: NormalisedChart, rows: ChartRow[], theme: ThemeColors, tip: Plot.TipOptions): Plot.Markish[] {
  const world = worldOutline();
  const outline: Plot.Markish[] = [
    Plot.geo(world.land, { fill: 'currentColor', fillOpacity: 0.07, stroke: 'currentColor', strokeOpacity: 0.35, strokeWidth: 0.5 }),
    Plot.geo(world.borders, { stroke: 'currentColor', strokeOpacity: 0.2, strokeWidth: 0.5 }),
  ];
  if (rows.length === 0) outline.push(Plot.sphere({ stroke: 'currentColor', strokeOpacity: 0.3 }));
  const color = spec.channels.color ? 'color' : theme.accent;
  if (spec.mark === 'map-points') {
    return [...outline, Plot.dot(rows, { x: 'lon', y: 'lat', r: 'size', fill: color, fillOpacity: 0.6, stroke: color, strokeWidth: 0.5, tip })];
  }
  const max = Math.max(1e-9, ...rows.map((r) => Math.abs(Number(r['size']) || 0)));
  const width = (d: ChartRow) => 0.75 + 4.25 * Math.sqrt(Math.abs(Number(d['size']) || 0) / max);
  const ends = LINK_ENDS.flatMap(([lon, lat]) => rows.map((r) => ({ lon: r[lon], lat: r[lat] })));
  return [
    ...outline,
    Plot.link(rows, {
      x1: 'from_lon', y1: 'from_lat', x2: 'to_lon', y2: 'to_lat', stroke: color, strokeOpacity: 0.6, strokeWidth: width,
      markerEnd: 'arrow', channels: { size: { value: 'size', label: spec.channels.size?.label ?? 'size' } }, tip,
    }),
    Plot.dot(ends, { x: 'lon', y: 'lat', r: 1.5, fill: 'currentColor' }),
  ];
}

/** The projection, fitted to the data's extent with a margin; the whole world when empty. */
export function mapProjection(spec: NormalisedChart, rows: ChartRow[]): Plot.ProjectionOptions {
  const pairs = spec.mark === 'map-points' ? [['lon', 'lat'] as const] : LINK_ENDS;
  const lons: number[] = [];
  const lats: number[] = [];
  for (const r of rows) {
    for (const [lon, lat] of pairs) {
      const x = r[lon];
      const y = r[lat];
      if (typeof x === 'number' && typeof y === 'number') {
        lons.push(x);
        lats.push(y);
      }
    }
  }
  const type = spec.map!.projection;
  if (lons.length === 0) return { type, domain: { type: 'Sphere' } as unknown as Geometry };
  const [x0, x1] = paddedExtent(lons, -180, 180);
  const [y0, y1] = paddedExtent(lats, -85, 85);
  const centre: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const rotate: [number, number] | undefined = type === 'orthographic' || type === 'azimuthal-equal-area' || type === 'stereographic'
    ? [-centre[0], -centre[1]]
    : undefined;
  return { type, domain: boxOutline(x0, x1, y0, y1), inset: 10, ...(rotate ? { rotate } : {}) };
}

/** The range of `values`, widened by a tenth (at least 1.5°) and clamped. */
function paddedExtent(values: number[], min: number, max: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = Math.max(1.5, (hi - lo) * 0.1);
  return [Math.max(min, lo - pad), Math.min(max, hi + pad)];
}

/** Points along the box's edges: a curved projection fits its edges, not only its corners. */
function boxOutline(x0: number, x1: number, y0: number, y1: number): Geometry {
  const steps = 8;
  const coordinates: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const x = x0 + ((x1 - x0) * i) / steps;
    const y = y0 + ((y1 - y0) * i) / steps;
    coordinates.push([x, y0], [x, y1], [x0, y], [x1, y]);
  }
  return { type: 'MultiPoint', coordinates };
}
