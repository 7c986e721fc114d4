import { Field, ID, InterfaceType } from 'type-graphql';
import type { Context } from '../context';
import { toGlobalId } from './ids';

@InterfaceType({
  description: 'An object with a global ID; `node(id:)` fetches any of them.',
  resolveType: (value: { __typename: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global ID.' })
  id!: string;
}

/** A database row as served: `id` is the global ID, `key` the primary key. */
export type NodeRow<R extends { id: number }> = Omit<R, 'id'> & { id: string; key: number; __typename: string };

export function nodeMapper<R extends { id: number }>(typename: string): (row: R) => NodeRow<R> {
  return (row) => ({ ...row, id: toGlobalId(typename, row.id), key: row.id, __typename: typename });
}

type NodeLoader = (ctx: Context, key: number) => Promise<object | null>;
const nodeLoaders = new Map<string, NodeLoader>();

/** The largest key of a serial (int4) primary key. */
const SERIAL_KEY_MAX = 2_147_483_647;
/** The largest key of a bigserial primary key served as a JavaScript number. */
export const BIGSERIAL_KEY_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Each module registers how `node(id:)` loads its types, through its (scoped) loaders. A key
 * past the table's key type names no row: it answers null like any other missing key, without
 * reaching the database (where it would fail as out of range).
 */
export function registerNodeType(typename: string, load: NodeLoader, maxKey = SERIAL_KEY_MAX): void {
  nodeLoaders.set(typename, (ctx, key) => (key > maxKey ? Promise.resolve(null) : load(ctx, key)));
}

export function nodeLoader(typename: string): NodeLoader | undefined {
  return nodeLoaders.get(typename);
}
