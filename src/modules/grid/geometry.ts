import type { Ring } from '../../db/columns';

/** GeoJSON as clients send and receive it (RFC 7946): [longitude, latitude], WGS-84. */
export type GeoJSONPolygon = { type: 'Polygon'; coordinates: number[][][] };
export type GeoJSONPoint = { type: 'Point'; coordinates: number[] };

export type RingCheck = { ok: true; ring: Ring } | { ok: false; message: string };

const MAX_VERTICES = 10_000;

function isPosition(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Reads a GeoJSON Polygon (outer ring only) and checks it is a simple, closed, non-degenerate ring. */
export function ringFromGeoJSON(value: unknown): RingCheck {
  const geo = value as GeoJSONPolygon | null;
  if (!geo || typeof geo !== 'object' || geo.type !== 'Polygon' || !Array.isArray(geo.coordinates)) {
    return { ok: false, message: 'A boundary is a GeoJSON object {"type": "Polygon", "coordinates": [[[lon, lat], …]]}.' };
  }
  if (geo.coordinates.length !== 1) return { ok: false, message: 'A grid boundary has one outer ring and no holes.' };
  const positions = geo.coordinates[0];
  if (!Array.isArray(positions) || !positions.every(isPosition)) {
    return { ok: false, message: 'Every position of the ring is [longitude, latitude] in numbers.' };
  }
  if (positions.length > MAX_VERTICES) return { ok: false, message: `A boundary has at most ${MAX_VERTICES} positions.` };
  const [first, last] = [positions[0], positions.at(-1)];
  if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
    return { ok: false, message: 'The ring must be closed: its last position repeats the first.' };
  }
  const ring: Ring = positions.slice(0, -1).map(([x, y]) => [x, y]);
  if (ring.length < 3) return { ok: false, message: 'A ring needs at least three distinct positions.' };
  if (ring.some(([x, y]) => x < -180 || x > 180 || y < -90 || y > 90)) {
    return { ok: false, message: 'Longitudes lie in [-180, 180] and latitudes in [-90, 90].' };
  }
  if (selfIntersects(ring)) return { ok: false, message: 'The ring crosses itself.' };
  if (Math.abs(signedArea(ring)) < 1e-14) return { ok: false, message: 'The ring encloses no area.' };
  return { ok: true, ring };
}

export function ringToGeoJSON(ring: Ring): GeoJSONPolygon {
  return { type: 'Polygon', coordinates: [[...ring, ring[0]].map(([x, y]) => [x, y])] };
}

function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i += 1) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

function orientation(a: [number, number], b: [number, number], c: [number, number]): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return Math.abs(v) < 1e-15 ? 0 : Math.sign(v);
}

function onSegment(a: [number, number], b: [number, number], p: [number, number]): boolean {
  return (
    orientation(a, b, p) === 0 &&
    Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1])
  );
}

function segmentsTouch(a: [number, number], b: [number, number], c: [number, number], d: [number, number]): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/** Non-adjacent edges that meet; O(n²), fine for the hundreds of vertices a grid has. */
function selfIntersects(ring: Ring): boolean {
  const n = ring.length;
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) continue;
      if (segmentsTouch(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n])) return true;
    }
  }
  return false;
}

/** Point in ring, the boundary counting as inside (as PostgreSQL's `@>` does). */
export function ringContainsPoint(ring: Ring, p: [number, number]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    if (onSegment(ring[j], ring[i], p)) return true;
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The inner ring lies within the outer one: every vertex inside and no edge crossing out. */
export function ringContainsRing(outer: Ring, inner: Ring): boolean {
  if (!inner.every((p) => ringContainsPoint(outer, p))) return false;
  for (let i = 0; i < inner.length; i += 1) {
    const a = inner[i];
    const b = inner[(i + 1) % inner.length];
    const mid: [number, number] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    if (!ringContainsPoint(outer, mid)) return false;
    for (let j = 0; j < outer.length; j += 1) {
      const c = outer[j];
      const d = outer[(j + 1) % outer.length];
      if (orientation(a, b, c) * orientation(a, b, d) < 0 && orientation(c, d, a) * orientation(c, d, b) < 0) return false;
    }
  }
  return true;
}
