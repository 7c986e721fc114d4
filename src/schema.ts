import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ViewerResolver } from './auth/viewer.resolver';
import { NodeResolver } from './graphql/node.resolver';
import { DateTime } from './graphql/scalars';
import { gridResolvers } from './modules/grid/grid.resolver';

let built: Promise<GraphQLSchema> | undefined;

/** The schema, built once per process. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [NodeResolver, ViewerResolver, ...gridResolvers],
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // Inputs are validated by runMutation, so refusals become user errors, not request errors.
    validate: false,
    emitSchemaFile: false,
  });
  return built;
}
