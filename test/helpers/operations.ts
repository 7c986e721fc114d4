import {
  getNamedType, isCompositeType, isEnumType, isInputObjectType, isInterfaceType, isLeafType, isListType, isNonNullType, isObjectType,
  isScalarType, isUnionType, type GraphQLCompositeType, type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { toGlobalId } from '../../src/graphql/ids';

/** The global ID of nothing: well formed, of no type the API knows. */
export const ID_OF_NOTHING = toGlobalId('Nothing', 999_999_999);

/**
 * A type-correct value for each scalar the schema uses. A scalar missing here fails the
 * operation generator with its name, so a new scalar cannot silently shrink the matrix.
 */
export const SCALAR_SAMPLES: Record<string, unknown> = {
  ID: ID_OF_NOTHING,
  String: 'x',
  Int: 1,
  Float: 1.5,
  Boolean: false,
  Date: '2024-01-01',
  DateTime: '2024-01-01T08:00:00+08:00',
  Decimal: '1.00',
  GeoJSON: { type: 'Point', coordinates: [116.397, 39.909] },
};

/** A dummy value of an input type: required fields only, lists of one, the first enum value. */
export function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [sampleValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sampleValue(field.type);
    }
    return value;
  }
  if (isScalarType(type) && type.name in SCALAR_SAMPLES) return SCALAR_SAMPLES[type.name];
  throw new Error(`No sample value for the scalar ${type.name}: add one to SCALAR_SAMPLES in test/helpers/operations.ts.`);
}

/** One step down an operation: a field (with dummy arguments), or an inline fragment on an object type. */
export type Step =
  | { kind: 'field'; parent: GraphQLCompositeType; field: GraphQLField<unknown, unknown> }
  | { kind: 'fragment'; type: GraphQLObjectType };

export interface Operation {
  operation: 'query' | 'mutation' | 'subscription';
  text: string;
  variables: Record<string, unknown>;
}

/** `{ __typename }` under a composite type, nothing under a scalar or enum. */
export function leafSelection(field: GraphQLField<unknown, unknown>): string {
  return isCompositeType(getNamedType(field.type)) ? '{ __typename }' : '';
}

/**
 * The operation that walks `steps` from the root and ends in `innermost` (a selection set).
 * Every required argument gets a dummy value as a variable; a subscription also gets an
 * `after` that is no cursor, so that once admitted it answers BAD_USER_INPUT at once instead
 * of waiting for an event.
 */
export function operationOf(schema: GraphQLSchema, steps: Step[], innermost: string, values: Record<string, unknown> = {}): Operation {
  const first = steps[0];
  if (first?.kind !== 'field') throw new Error('An operation starts with a root field.');
  const operation = first.parent === schema.getMutationType() ? 'mutation' : first.parent === schema.getSubscriptionType() ? 'subscription' : 'query';
  const declarations: string[] = [];
  const variables: Record<string, unknown> = {};
  const rendered = steps.map((step, index) => {
    if (step.kind === 'fragment') return `... on ${step.type.name}`;
    const args = step.field.args.filter((arg) => (isNonNullType(arg.type) && arg.defaultValue === undefined)
      || (index === 0 && operation === 'subscription' && arg.name === 'after'));
    const text = args.map((arg) => {
      const name = `v${declarations.length}`;
      declarations.push(`$${name}: ${String(arg.type)}`);
      variables[name] = values[`${step.parent.name}.${step.field.name}(${arg.name})`] ?? sampleValue(arg.type);
      return `${arg.name}: $${name}`;
    }).join(', ');
    return args.length > 0 ? `${step.field.name}(${text})` : step.field.name;
  });
  const body = rendered.reduceRight((inner, head) => `{ ${head}${inner === '' ? '' : ` ${inner}`} }`, innermost);
  return { operation, text: `${operation}${declarations.length > 0 ? `(${declarations.join(', ')})` : ''} ${body}`, variables };
}

/** The operation that calls one root field with dummy arguments and selects only `__typename` under it. */
export function rootFieldOperation(schema: GraphQLSchema, parent: GraphQLObjectType, fieldName: string): Operation {
  const field = parent.getFields()[fieldName];
  return operationOf(schema, [{ kind: 'field', parent, field }], leafSelection(field));
}

/** Whether a step may be taken by the viewer the search is for. */
export type StepFilter = (parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, isRoot: boolean) => boolean;

/**
 * The shortest path of fields (and inline fragments on the possible types of interfaces and
 * unions) from a root type to `target`, taking only steps `usable` admits; queries are
 * preferred, then mutations, then subscriptions. Null when no such path exists.
 */
export function pathTo(schema: GraphQLSchema, target: string, usable: StepFilter): Step[] | null {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    const paths = new Map<string, Step[]>([[root.name, []]]);
    const queue: GraphQLCompositeType[] = [root];
    while (queue.length > 0) {
      const type = queue.shift()!;
      const path = paths.get(type.name)!;
      if (type.name === target) return path;
      const next: [GraphQLCompositeType, Step][] = [];
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          const named = getNamedType(field.type);
          if (isCompositeType(named) && usable(type, field, type === root)) next.push([named, { kind: 'field', parent: type, field }]);
        }
      }
      if (isInterfaceType(type) || isUnionType(type)) {
        for (const possible of schema.getPossibleTypes(type)) next.push([possible, { kind: 'fragment', type: possible }]);
      }
      for (const [named, step] of next) {
        if (paths.has(named.name)) continue;
        paths.set(named.name, [...path, step]);
        queue.push(named);
      }
    }
  }
  return null;
}

/** A field of `type` to select when reaching it: a scalar without required arguments that `plain` admits, `id` first. */
export function plainLeafField(type: GraphQLObjectType, plain: (field: GraphQLField<unknown, unknown>) => boolean): string {
  const leaves = Object.values(type.getFields())
    .filter((field) => isLeafType(getNamedType(field.type)) && field.args.every((arg) => !isNonNullType(arg.type)) && plain(field));
  const chosen = leaves.find((field) => field.name === 'id') ?? leaves[0];
  if (!chosen) throw new Error(`${type.name} has no plain scalar field to select in the matrix.`);
  return chosen.name;
}
