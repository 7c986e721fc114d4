import { customType, integer, serial, timestamp } from 'drizzle-orm/pg-core';

/** A ring of [longitude, latitude] positions, first position not repeated (PostgreSQL `polygon`). */
export type Ring = [number, number][];

function parsePoints(text: string): Ring {
  const ring: Ring = [];
  const re = /\(\s*(-?[\d.eE+-]+)\s*,\s*(-?[\d.eE+-]+)\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) ring.push([Number(m[1]), Number(m[2])]);
  return ring;
}

/** PostgreSQL's core `polygon` type: no PostGIS needed, on PGlite and on servers alike. */
export const polygon = customType<{ data: Ring; driverData: string }>({
  dataType: () => 'polygon',
  toDriver: (ring) => `(${ring.map(([x, y]) => `(${x},${y})`).join(',')})`,
  fromDriver: (text) => parsePoints(text),
});

export const id = () => serial('id').primaryKey();

export const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * The administrative chain copied onto every large table, so that a subtree filter or a
 * viewer's scope is one indexed equality, and district_id can be a distribution column.
 */
export const districtRef = () => integer('district_id').notNull();
export const streetRef = () => integer('street_id').notNull();
export const communityRef = () => integer('community_id').notNull();
export const gridRef = () => integer('grid_id').notNull();
