import { and, count, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { ArgsType, Field, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import type { Queryable } from '../db/client';
import { badUserInput } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction of a list.',
  valuesConfig: { ASC: { description: 'Smallest first.' }, DESC: { description: 'Largest first.' } },
});

@ObjectType({ description: 'Where a page lies in its list (Relay).', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean, { description: 'More items follow the last item of this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'More items precede the first item of this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item; pass as `before` for the previous page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass as `after` for the next page.' })
  endCursor!: string | null;
}

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `Items after \`after\`; default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to start after (an `endCursor`).' })
  after?: string | null;
}

@ArgsType()
export class PageArgs extends ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `Items before \`before\`, counted from the end; at most ${MAX_PAGE_SIZE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to end before (a `startCursor`).' })
  before?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  /** A function, so the count runs only when a client asks for it (graphql-js calls it). */
  totalCount: number | (() => Promise<number>);
}

/** `XConnection` and `XEdge` for a node type (API.md). */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string, description: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a list, with its cursor.`, simpleResolvers: true })
  class EdgeType {
    @Field(() => String, { description: 'Opaque position of this item; pass as `after` or `before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name} at this position of the list.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description, simpleResolvers: true })
  class ConnectionType {
    @Field(() => [EdgeType], { description: `The ${name} items of this page, each with its cursor.` })
    edges!: EdgeType[];

    @Field(() => [nodeType], { description: 'The items of this page, without cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: `Where this page lies in the whole ${name} list, and the cursors to page on.` })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Items in the whole list under the same filter, ignoring the page.' })
    totalCount!: number;
  }
  return ConnectionType;
}

/** How a list is sorted: one column, then the primary key to break ties. */
export interface Ordering {
  column: PgColumn;
  /** Row property that holds the column's value, for the cursor. */
  key: string;
  direction: OrderDirection;
}

interface Window {
  limit: number;
  cursor: [unknown, number] | null;
  /** Walking from the end (`last`/`before`). */
  backward: boolean;
}

function encodeCursor(value: unknown, id: number): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, argument: string): [unknown, number] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isInteger(parsed[1])) return parsed as [unknown, number];
  } catch {
    // falls through to the error below
  }
  throw badUserInput(`\`${argument}\` is not a cursor of this list.`, argument);
}

function pageSize(value: number | null | undefined, argument: string): number | null {
  if (value === null || value === undefined) return null;
  if (value < 0) throw badUserInput(`\`${argument}\` must not be negative.`, argument);
  if (value > MAX_PAGE_SIZE) throw badUserInput(`\`${argument}\` must be at most ${MAX_PAGE_SIZE}, got ${value}.`, argument);
  return value;
}

export function pageWindow(args: PageArgs): Window {
  const first = pageSize(args.first, 'first');
  const last = pageSize(args.last, 'last');
  if (first !== null && last !== null) throw badUserInput('Give `first` or `last`, not both.', 'last');
  if (last !== null || (args.before && first === null)) {
    return { limit: last ?? DEFAULT_PAGE_SIZE, cursor: args.before ? decodeCursor(args.before, 'before') : null, backward: true };
  }
  return { limit: first ?? DEFAULT_PAGE_SIZE, cursor: args.after ? decodeCursor(args.after, 'after') : null, backward: false };
}

function idColumnOf(table: PgTable): PgColumn {
  return (table as unknown as { id: PgColumn }).id;
}

/**
 * Rows strictly beyond the cursor in the walking direction. The cursor's value is bound as a
 * plain parameter, not through the column's encoder: a timestamp travels in the cursor as
 * its ISO text and PostgreSQL reads it back as the column's type.
 */
function beyondCursor(table: PgTable, ordering: Ordering, window: Window): SQL | undefined {
  if (!window.cursor) return undefined;
  const [value, id] = window.cursor;
  const ascending = (ordering.direction === OrderDirection.ASC) !== window.backward;
  const op = ascending ? sql`>` : sql`<`;
  const idColumn = idColumnOf(table);
  if (ordering.column === idColumn) return sql`${idColumn} ${op} ${id}`;
  return sql`(${ordering.column} ${op} ${value} or (${ordering.column} = ${value} and ${idColumn} ${op} ${id}))`;
}

function orderBy(table: PgTable, ordering: Ordering, window: Window): SQL[] {
  const ascending = (ordering.direction === OrderDirection.ASC) !== window.backward;
  const dir = ascending ? sql`asc` : sql`desc`;
  const columns = ordering.column === idColumnOf(table) ? [idColumnOf(table)] : [ordering.column, idColumnOf(table)];
  return columns.map((c) => sql`${c} ${dir}`);
}

function toPage<R extends { id: number }, T>(
  rows: R[],
  window: Window,
  ordering: Ordering,
  map: (row: R) => T,
  totalCount: Page<T>['totalCount'],
): Page<T> {
  const more = rows.length > window.limit;
  const kept = more ? rows.slice(0, window.limit) : rows;
  if (window.backward) kept.reverse();
  const edges = kept.map((row) => ({
    cursor: encodeCursor((row as Record<string, unknown>)[ordering.key], row.id),
    node: map(row),
  }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: window.backward ? window.cursor !== null : more,
      hasPreviousPage: window.backward ? more : window.cursor !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

export interface ListQuery<R, T> {
  table: PgTable;
  where: SQL | undefined;
  ordering: Ordering;
  args: PageArgs;
  map: (row: R) => T;
}

/** One page of a top-level list: keyset pagination, `LIMIT n+1`, never OFFSET. */
export async function paginate<R extends { id: number }, T>(db: Queryable, query: ListQuery<R, T>): Promise<Page<T>> {
  const window = pageWindow(query.args);
  const rows = (await db
    .select()
    .from(query.table)
    .where(and(query.where, beyondCursor(query.table, query.ordering, window)))
    .orderBy(...orderBy(query.table, query.ordering, window))
    .limit(window.limit + 1)) as R[];
  const totalCount = async () => {
    const [{ n }] = await db.select({ n: count() }).from(query.table).where(query.where);
    return n;
  };
  return toPage(rows, window, query.ordering, query.map, totalCount);
}

export interface ChildListQuery<R, T> extends ListQuery<R, T> {
  parentColumn: PgColumn;
  /** Row property that holds the parent key. */
  parentKey: string;
}

/**
 * The same page under each of many parents in one statement (`row_number() over
 * (partition by parent)`), so a nested list costs one statement per level.
 */
export async function paginateByParent<R extends { id: number }, T>(
  db: Queryable,
  query: ChildListQuery<R, T>,
  parentKeys: readonly number[],
): Promise<Page<T>[]> {
  const window = pageWindow(query.args);
  const beyond = beyondCursor(query.table, query.ordering, window) ?? sql`true`;
  const ranked = db
    .select({
      ...getTableColumns(query.table),
      _rank: sql<number>`row_number() over (partition by ${query.parentColumn}, ${beyond} order by ${sql.join(orderBy(query.table, query.ordering, window), sql`, `)})`
        .mapWith(Number)
        .as('_rank'),
      _total: sql<number>`count(*) over (partition by ${query.parentColumn})`.mapWith(Number).as('_total'),
      _beyond: sql<boolean>`${beyond}`.as('_beyond'),
    })
    .from(query.table)
    .where(and(inArray(query.parentColumn, [...parentKeys]), query.where))
    .as('ranked');
  const rows = await db
    .select()
    .from(ranked)
    .where(and(sql`${ranked._beyond}`, sql`${ranked._rank} <= ${window.limit + 1}`))
    .orderBy(ranked._rank);
  const byParent = new Map<number, { rows: R[]; total: number }>();
  for (const { _rank, _total: total, _beyond, ...row } of rows as unknown as (R & { _rank: number; _total: number; _beyond: boolean })[]) {
    const parent = (row as Record<string, unknown>)[query.parentKey] as number;
    const group = byParent.get(parent) ?? { rows: [], total };
    group.rows.push(row as unknown as R);
    byParent.set(parent, group);
  }
  return parentKeys.map((key) => {
    const group = byParent.get(key);
    return toPage(group?.rows ?? [], window, query.ordering, query.map, group?.total ?? 0);
  });
}
