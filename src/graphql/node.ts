import { Field, ID, InterfaceType } from 'type-graphql';
import type { Context } from '../context';
import { bigserialKeys, toGlobalId } from './ids';

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

/**
 * Each module registers how `node(id:)` loads its types, through its (scoped) loaders, and
 * whether the type's table has a bigserial key (IDs of other types stop at int4: fromGlobalId).
 */
export function registerNodeType(typename: string, load: NodeLoader, keys: 'serial' | 'bigserial' = 'serial'): void {
  if (keys === 'bigserial') bigserialKeys(typename);
  nodeLoaders.set(typename, load);
}

export function nodeLoader(typename: string): NodeLoader | undefined {
  return nodeLoaders.get(typename);
}
