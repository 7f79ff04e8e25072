/**
 * The world outline under map charts, bundled with the app (Natural Earth 1:110m via the
 * world-atlas package) and never fetched: maps must draw on a closed network. 108 KB of
 * TopoJSON: land to fill, and borders between countries to stroke.
 */
import type { Feature, FeatureCollection, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json' with { type: 'json' };

export interface WorldOutline {
  land: FeatureCollection | Feature;
  /** Borders between two countries (not coastlines). */
  borders: MultiLineString;
}

type World = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

let cached: WorldOutline | null = null;

/** The outline, converted from TopoJSON on first use. */
export function worldOutline(): WorldOutline {
  if (cached) return cached;
  const topology = countries as unknown as World;
  cached = {
    land: feature(topology, topology.objects.land),
    borders: mesh(topology, topology.objects.countries, (a, b) => a !== b),
  };
  return cached;
}
