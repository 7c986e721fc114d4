import {
  getNamedType, isAbstractType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { Random } from '../../src/modules/grid/grid.seed';

/** The demo seed's PRNG with a sampler: fast-check draws the seed, so a failing case replays exactly. */
export class Dice extends Random {
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }
}

/** Material the documents draw on: real IDs of the demo city, and strings fast-check made (unicode, huge, odd). */
export interface Material {
  ids: string[];
  strings: string[];
}

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

const ODD_NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, -0.5, 3.14159];

/** A value of no particular type, as a client with a bug or a hostile one sends. */
function anyValue(dice: Dice, m: Material, depth = 0): unknown {
  switch (dice.int(0, depth > 2 ? 4 : 7)) {
    case 0: return null;
    case 1: return dice.pick(m.strings);
    case 2: return dice.pick(ODD_NUMBERS);
    case 3: return dice.chance(0.5);
    case 4: return dice.pick(m.ids);
    case 5: return Array.from({ length: dice.int(0, 3) }, () => anyValue(dice, m, depth + 1));
    case 6: return Object.fromEntries(Array.from({ length: dice.int(0, 3) }, (_, i) => [`k${i}`, anyValue(dice, m, depth + 1)]));
    default: return nested(dice.int(50, 1_500));
  }
}

/** `[[[…]]]` as deep as asked: a parser or coercion that recurses must not fall over. */
export function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

function scalarValue(name: string, dice: Dice, m: Material): unknown {
  switch (name) {
    case 'Int': return dice.chance(0.8) ? dice.int(1, 5) : dice.pick(ODD_NUMBERS);
    case 'Float': return dice.chance(0.8) ? dice.next() * 200 - 100 : dice.pick(ODD_NUMBERS);
    case 'Boolean': return dice.chance(0.5);
    case 'ID': return dice.chance(0.8) ? dice.pick(m.ids) : dice.pick(m.strings);
    case 'DateTime': return dice.pick(['2025-01-01T08:00:00Z', '2025-13-45T99:00:00Z', new Date(dice.int(0, 4e12)).toISOString(), dice.pick(m.strings)]);
    case 'Date': return dice.pick(['2025-03-01', '1900-02-29', '2025-02-30', dice.pick(m.strings)]);
    case 'Decimal': return dice.pick(['89.50', '0', '-1.00', '1e9', '99999999999999999999.99', '0.001', dice.pick(m.strings)]);
    case 'GeoJSON': return dice.pick([
      { type: 'Point', coordinates: [116.4, 39.9] },
      { type: 'Point', coordinates: [1e9, -1e9] },
      { type: 'Polygon', coordinates: [[[116.4, 39.9], [116.5, 39.9], [116.5, 40], [116.4, 39.9]]] },
      { type: 'Polygon', coordinates: [] },
      { type: 'LineString', coordinates: [[0, 0]] },
      anyValue(dice, m),
    ]);
    default: return dice.chance(0.5) ? dice.pick(m.strings) : anyValue(dice, m);
  }
}

/** A value for an input type: mostly of that type, sometimes wrong in a random way. */
export function inputValue(type: GraphQLInputType, dice: Dice, m: Material, depth = 0): unknown {
  if (dice.chance(0.06)) return anyValue(dice, m);
  if (isNonNullType(type)) return inputValue(type.ofType, dice, m, depth);
  if (dice.chance(0.05)) return null;
  if (isListType(type)) return Array.from({ length: dice.int(0, 3) }, () => inputValue(type.ofType, dice, m, depth + 1));
  if (isEnumType(type)) return dice.chance(0.92) ? dice.pick(type.getValues()).name : 'NOT_A_VALUE';
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    const object: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) ? dice.chance(0.95) : dice.chance(0.5)) object[field.name] = inputValue(field.type, dice, m, depth + 1);
    }
    if (dice.chance(0.05)) object.unknownField = anyValue(dice, m);
    return object;
  }
  if (isScalarType(type)) return scalarValue(type.name, dice, m);
  return anyValue(dice, m);
}

/** A JSON value written as a GraphQL literal; enum values of `type` go bare. */
function literal(value: unknown, type: GraphQLInputType | null): string {
  const named = type ? getNamedType(type) : null;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return named && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  const inner = type && (isNonNullType(type) ? type.ofType : type);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, inner && isListType(inner) ? inner.ofType : null)).join(', ')}]`;
  const fields = inner && isInputObjectType(inner) ? inner.getFields() : {};
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? null)}`).join(', ')}}`;
}

class Builder {
  readonly declarations: string[] = [];
  readonly variables: Record<string, unknown> = {};

  constructor(private readonly dice: Dice, private readonly m: Material) {}

  arguments(args: readonly GraphQLArgument[]): string {
    const parts: string[] = [];
    for (const arg of args) {
      const required = isNonNullType(arg.type);
      if (!(required ? this.dice.chance(0.95) : this.dice.chance(arg.name === 'first' ? 0.9 : 0.35))) continue;
      const value = arg.name === 'first' && this.dice.chance(0.9) ? this.dice.int(1, 4) : inputValue(arg.type, this.dice, this.m);
      if (this.dice.chance(0.5)) {
        const name = `v${this.declarations.length}`;
        // Sometimes declared with a type other than the argument's: validation must say so, nothing more.
        const declared = this.dice.chance(0.92) ? String(arg.type) : this.dice.pick(['String', 'Int!', '[ID!]!', 'Boolean', 'NoSuchType']);
        this.declarations.push(`$${name}: ${declared}`);
        this.variables[name] = value;
        parts.push(`${arg.name}: $${name}`);
      } else {
        parts.push(`${arg.name}: ${literal(value, arg.type)}`);
      }
    }
    if (this.dice.chance(0.03)) parts.push(`bogus: ${literal(anyValue(this.dice, this.m), null)}`);
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  }

  field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const alias = this.dice.chance(0.08) ? `a${this.dice.int(0, 99)}: ` : '';
    return `${alias}${field.name}${this.arguments(field.args)}${this.selection(field.type as never, depth + 1)}`;
  }

  selection(type: GraphQLNamedType, depth: number): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return this.dice.chance(0.02) ? ' { id }' : '';
    if (isAbstractType(named)) {
      const schemaTypes = this.possible.get(named.name) ?? [];
      const fragments = this.dice.sample(schemaTypes, this.dice.int(1, 2)).map((t) => `... on ${t.name}${this.selection(t, depth)}`);
      return ` { __typename ${fragments.join(' ')} }`;
    }
    if (!isObjectType(named)) return '';
    const fields = Object.values(named.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
    const pool = depth >= this.maxDepth ? leaves : fields;
    const chosen = this.dice.sample(pool.length > 0 ? pool : fields, this.dice.int(1, 4)).map((f) => this.field(f, depth));
    if (this.dice.chance(0.03)) chosen.push('noSuchField');
    if (chosen.length === 0 || this.dice.chance(0.1)) chosen.push('__typename');
    return ` { ${chosen.join(' ')} }`;
  }

  possible = new Map<string, readonly GraphQLObjectType[]>();
  maxDepth = 3;
}

/** A random operation on a random root field of the schema, with arguments and variables of the right and wrong types. */
export function randomOperation(schema: GraphQLSchema, seed: number, m: Material, kinds: ('query' | 'mutation' | 'subscription')[] = ['query', 'mutation']): Operation {
  const dice = new Dice(seed);
  const builder = new Builder(dice, m);
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type)) builder.possible.set(type.name, schema.getPossibleTypes(type));
  }
  builder.maxDepth = dice.int(1, 4);
  const kind = dice.pick(kinds);
  const root = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const fields = Object.values(root!.getFields());
  const count = kind === 'subscription' ? 1 : dice.int(1, 2);
  const selections = dice.sample(fields, count).map((f) => builder.field(f, 0));
  const head = builder.declarations.length > 0 ? `(${builder.declarations.join(', ')})` : '';
  return { query: `${kind}${head} { ${selections.join(' ')} }`, variables: builder.variables };
}

/** A valid operation with a few characters inserted, deleted or swapped. */
export function mutateText(text: string, seed: number): string {
  const dice = new Dice(seed);
  const alphabet = '{}()[]:$!@#.,"\\ \n\tabcXYZ019_-…é網格\u0000\ud800';
  let out = text;
  for (let n = dice.int(1, 4); n > 0; n -= 1) {
    const at = dice.int(0, Math.max(0, out.length - 1));
    switch (dice.int(0, 3)) {
      case 0: out = out.slice(0, at) + dice.pick([...alphabet]) + out.slice(at); break;
      case 1: out = out.slice(0, at) + out.slice(at + 1); break;
      case 2: out = out.slice(0, at) + (out[at + 1] ?? '') + (out[at] ?? '') + out.slice(at + 2); break;
      default: out = out.slice(0, at) + out.slice(at, at + dice.int(1, 20)).repeat(dice.int(2, 5)) + out.slice(at); break;
    }
  }
  return out;
}
