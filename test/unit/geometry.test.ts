import { expect, test } from 'vitest';
import { ringContainsPoint, ringContainsRing, ringFromGeoJSON, ringToGeoJSON } from '../../src/modules/grid/geometry';

const square = (x: number, y: number, size: number) => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
});

test('reads a closed simple ring and writes it back as GeoJSON', () => {
  const check = ringFromGeoJSON(square(118, 37, 0.01));
  expect(check.ok).toBe(true);
  if (check.ok) expect(ringToGeoJSON(check.ring)).toEqual(square(118, 37, 0.01));
});

test.each([
  ['not a polygon', { type: 'Point', coordinates: [118, 37] }, 'GeoJSON'],
  ['open ring', { type: 'Polygon', coordinates: [[[118, 37], [118.1, 37], [118.1, 37.1]]] }, 'closed'],
  ['too few positions', { type: 'Polygon', coordinates: [[[118, 37], [118.1, 37], [118, 37]]] }, 'three'],
  ['out of range', square(190, 37, 1), 'Longitudes'],
  ['self-crossing bow tie', { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] }, 'crosses itself'],
  ['collinear, no area', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [2, 0], [0, 0]]] }, 'no area'],
  ['with a hole', { type: 'Polygon', coordinates: [square(0, 0, 1).coordinates[0], square(0.2, 0.2, 0.1).coordinates[0]] }, 'no holes'],
  ['strings for numbers', { type: 'Polygon', coordinates: [[['0', 0], [1, 0], [1, 1], ['0', 0]]] }, 'numbers'],
])('refuses %s', (_name, value, message) => {
  const check = ringFromGeoJSON(value);
  expect(check.ok).toBe(false);
  if (!check.ok) expect(check.message).toContain(message);
});

test('containment counts the boundary as inside, as PostgreSQL does', () => {
  const outer = (ringFromGeoJSON(square(0, 0, 10)) as { ring: [number, number][] }).ring;
  expect(ringContainsPoint(outer, [5, 5])).toBe(true);
  expect(ringContainsPoint(outer, [10, 5])).toBe(true);
  expect(ringContainsPoint(outer, [11, 5])).toBe(false);
  const inner = (ringFromGeoJSON(square(0, 0, 5)) as { ring: [number, number][] }).ring;
  const across = (ringFromGeoJSON(square(8, 8, 5)) as { ring: [number, number][] }).ring;
  expect(ringContainsRing(outer, inner)).toBe(true);
  expect(ringContainsRing(outer, across)).toBe(false);
  // A concave outer ring: every vertex of the inner one inside, yet an edge leaves it.
  const u = [[0, 0], [10, 0], [10, 10], [6, 10], [6, 2], [4, 2], [4, 10], [0, 10]] as [number, number][];
  const bridge = [[1, 8], [9, 8], [9, 9], [1, 9]] as [number, number][];
  expect(ringContainsRing(u, bridge)).toBe(false);
});
