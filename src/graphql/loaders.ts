import { and, inArray, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from '../context';
import { paginateByParent, type ForwardPageArgs, type Ordering, type Page } from './connection';

/**
 * Loads rows by primary key, one statement per batch; `where` (a viewer's scope) hides
 * the rows the viewer may not read: they load as null.
 */
export function byIdLoader<R extends { id: number }, T>(ctx: Context, name: string, table: PgTable, map: (row: R) => T, where?: SQL) {
  const idColumn = (table as unknown as { id: PgColumn }).id;
  return ctx.loaders.get<number, T | null>(`${name}.byId`, async (keys) => {
    const rows = (await ctx.db.select().from(table).where(and(inArray(idColumn, [...keys]), where))) as R[];
    const byId = new Map(rows.map((r) => [r.id, map(r)]));
    return keys.map((k) => byId.get(k) ?? null);
  });
}

export interface ChildList<R extends { id: number }, T> {
  name: string;
  table: PgTable;
  parentColumn: PgColumn;
  parentKey: keyof R & string;
  ordering: Ordering;
  map: (row: R) => T;
  where?: SQL;
}

/** The page of children under each parent, batched into one statement per level. */
export function childPage<R extends { id: number }, T>(ctx: Context, list: ChildList<R, T>, args: ForwardPageArgs, parentKey: number): Promise<Page<T>> {
  const name = `${list.name}:${args.first ?? ''}:${args.after ?? ''}`;
  const loader = ctx.loaders.get<number, Page<T>>(name, (keys) => paginateByParent<R, T>(ctx.db, { ...list, where: list.where, args }, keys));
  return loader.load(parentKey);
}
