import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

export const DateTime = DateTimeResolver;
/** A calendar date, `2026-11-23`. */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar date without time zone, ISO 8601 `YYYY-MM-DD`.',
});

const DECIMAL = /^-?\d{1,15}(\.\d{1,2})?$/;

/** Exact decimals (money in yuan, areas in m²) travel as strings, never floats. */
export const Decimal = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string with at most two decimals, e.g. "89.50": money in yuan, areas in m². Never a float.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !DECIMAL.test(text)) throw new GraphQLError(`Decimal must be a string like "89.50", got ${JSON.stringify(value)}.`);
    return text;
  },
  parseLiteral: (ast) => {
    if ((ast.kind === Kind.STRING || ast.kind === Kind.FLOAT || ast.kind === Kind.INT) && DECIMAL.test(ast.value)) return ast.value;
    throw new GraphQLError('Decimal must be a string like "89.50".');
  },
});

function literalToValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.LIST:
      return ast.values.map(literalToValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToValue(f.value)]));
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError('GeoJSON literals cannot hold variables.');
  }
}

/** Structure only; the rules (closed ring, no crossing, inside the parent) are user errors of the service. */
export const GeoJSON = new GraphQLScalarType({
  name: 'GeoJSON',
  description: 'A GeoJSON geometry object (RFC 7946), longitude before latitude, WGS-84: a `Point` or a `Polygon`.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new GraphQLError('GeoJSON must be an object with "type" and "coordinates".');
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.OBJECT) throw new GraphQLError('GeoJSON must be an object with "type" and "coordinates".');
    return literalToValue(ast);
  },
});
