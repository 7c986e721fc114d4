import {
  getArgumentValues, getNamedType, getNullableType, getOperationAST, getVariableValues, GraphQLError, isInputObjectType, isInterfaceType, isListType, isObjectType,
  Kind, Lexer, SchemaMetaFieldDef, Source, TokenKind, TypeMetaFieldDef, TypeNameMetaFieldDef, valueFromASTUntyped,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLSchema,
  type SelectionSetNode, type ValueNode,
} from 'graphql';
import { unstorableCharacter } from '../db/text';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection';
import { badUserInput } from './errors';

/** The static limits every operation must keep, over HTTP and WebSocket alike (issue 7). */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
}

export type LimitName = 'depth' | 'cost' | 'aliases' | 'tokens';

/** What an operation would do if it ran, measured on its document with fragments expanded. */
export interface OperationMeasure {
  /** Fields on the longest path from the root, `{ viewer { role } }` being 2 (introspection's `ofType` not counted). */
  depth: number;
  /** Each field 1; a connection multiplies its children by its page size. */
  cost: number;
  aliases: number;
  /** Root fields of a mutation (0 for queries and subscriptions): each weighs more in the rate limit. */
  mutationFields: number;
  /**
   * The first malformed argument, already refused as BAD_USER_INPUT: a `first` or `last` over
   * the page-size maximum, or a text over its cap or holding what no database keeps.
   */
  badInput: GraphQLError | null;
}

interface Part {
  depth: number;
  cost: number;
  aliases: number;
  /** Fields at the top of this selection set, through its fragments. */
  fields: number;
}

const NOTHING: Part = { depth: 0, cost: 0, aliases: 0, fields: 0 };
const PAGE_ARGUMENTS = new Set(['first', 'last']);

/**
 * Most characters of any text argument or input field, checked before any resolver: every
 * free text's own documented cap (at most 5,000, a user error naming the field) lies below it.
 */
const MAX_TEXT_LENGTH = 10_000;
/** Most characters of a substring search (`search`, `…Contains`): a name or an address is shorter. */
const MAX_SEARCH_LENGTH = 100;
/**
 * Substring searches cost more than the page they filter: a text of three characters or
 * more is found through a trigram index (migration 0012), a shorter one only by reading every
 * row in the viewer's part of the city.
 */
const SEARCH_COST = 100;
const SHORT_SEARCH_COST = 500;
/** pg_trgm indexes three-character pieces: a shorter text has none to look up. */
const TRIGRAM = 3;

const isSearch = (name: string) => name === 'search' || name.endsWith('Contains');

/** Characters (code points) of a text; a surrogate pair is one. Counted in place: a text may be half a megabyte. */
function characters(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}

const DESCRIPTIONS: Record<LimitName, (actual: number, maximum: number) => string> = {
  depth: (actual, maximum) => `The operation nests fields ${actual} deep; at most ${maximum} levels are allowed.`,
  cost: (actual, maximum) => `The operation would cost ${actual} points; at most ${maximum} are allowed (each field 1, a connection multiplies its fields by \`first\`).`,
  aliases: (actual, maximum) => `The operation has ${actual} aliases; at most ${maximum} are allowed.`,
  tokens: (actual, maximum) => `The document has ${actual} tokens; at most ${maximum} are allowed.`,
};

/** A request error naming the limit, its maximum and what the operation would have taken. */
export function queryTooComplex(limit: LimitName, maximum: number, actual: number): GraphQLError {
  return new GraphQLError(DESCRIPTIONS[limit](actual, maximum), { extensions: { code: 'QUERY_TOO_COMPLEX', limit, maximum, actual } });
}

/** Lexical tokens of a document, counted as graphql's parser counts them for `maxTokens` (comments excluded). */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) tokens += 1;
  } catch {
    // A lexical error: the parser reports it; the tokens before it are what was counted.
  }
  return tokens;
}

/** The tokens limit, checked on the text before parsing it. */
export function checkTokens(source: string, limits: QueryLimits): GraphQLError | null {
  const tokens = countTokens(source);
  return tokens > limits.maxTokens ? queryTooComplex('tokens', limits.maxTokens, tokens) : null;
}

function fieldDefinition(parent: GraphQLNamedType | undefined, name: string, schema: GraphQLSchema): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * Measures one operation of a validated document: depth, cost and aliases with fragments
 * expanded, and the page sizes it asks for (from literals or variables). Each fragment is
 * measured once, so a document of fragments that spread each other many times costs no more
 * time to measure than its text. Null when the document has no single operation to run.
 */
export function measureOperation(
  schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined,
): OperationMeasure | null {
  const operation = getOperationAST(document, operationName);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Part>();
  const inProgress = new Set<string>();
  let badInput: GraphQLError | null = null;
  // Variables that do not fit their types are refused by execution, before any resolver.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const variableValues = 'coerced' in coerced ? coerced.coerced : null;

  const variableDefaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const numberOf = (value: ValueNode): number | null => {
    const raw = value.kind === Kind.VARIABLE
      ? (variables?.[value.name.value] ?? variableDefaults.get(value.name.value))
      : valueFromASTUntyped(value);
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  };

  /**
   * How many times a field's selection runs: the page size of a connection (given, else the
   * argument's default, else 20) or of a plain list that takes one (a leaderboard), else 1.
   */
  const multiplierOf = (node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
    let size: number | null = null;
    for (const argument of node.arguments ?? []) {
      if (!PAGE_ARGUMENTS.has(argument.name.value)) continue;
      const value = numberOf(argument.value);
      if (value === null) continue;
      if (value > MAX_PAGE_SIZE && !badInput) {
        badInput = badUserInput(`\`${argument.name.value}\` must be at most ${MAX_PAGE_SIZE}, got ${value}.`, argument.name.value);
      }
      size = Math.max(size ?? 0, value);
    }
    if (!definition) return 1;
    const declared = definition.args.find((a) => a.name === 'first')?.defaultValue;
    const given = size ?? (typeof declared === 'number' ? declared : null);
    if (getNamedType(definition.type).name.endsWith('Connection')) return given ?? DEFAULT_PAGE_SIZE;
    return isListType(getNullableType(definition.type)) ? (given ?? 1) : 1;
  };

  /** Refuses a text no database keeps or over its cap; answers what the field's substring searches add to its cost. */
  const inspectInput = (value: unknown, type: GraphQLInputType, path: string[]): number => {
    const inner = getNullableType(type);
    if (value === null || value === undefined) return 0;
    if (isListType(inner)) {
      return Array.isArray(value) ? value.reduce<number>((sum, item, i) => sum + inspectInput(item, inner.ofType, [...path, String(i)]), 0) : 0;
    }
    if (isInputObjectType(inner)) {
      const fields = value as Record<string, unknown>;
      return Object.values(inner.getFields()).reduce((sum, field) => sum + inspectInput(fields[field.name], field.type, [...path, field.name]), 0);
    }
    if (typeof value !== 'string') return 0;
    const name = path.at(-1)!;
    const search = isSearch(name);
    const cap = search ? MAX_SEARCH_LENGTH : MAX_TEXT_LENGTH;
    const length = value.length <= cap ? value.length : characters(value);
    const where = `\`${path.join('.')}\``;
    // Over its cap, a text is refused for its length without reading it further.
    const unstorable = length > cap ? null : unstorableCharacter(value);
    if (!badInput && length > cap) {
      badInput = badUserInput(`${where} has ${length.toLocaleString('en-US')} characters; ${search ? 'a search text' : 'a text'} has at most ${cap.toLocaleString('en-US')}.`, path[0], path);
    }
    if (!badInput && unstorable) badInput = badUserInput(`${where} contains ${unstorable}, which no text here may hold.`, path[0], path);
    if (!search || length === 0) return 0;
    return length < TRIGRAM ? SHORT_SEARCH_COST : SEARCH_COST;
  };

  /** What the field's arguments add to its cost, once they are checked. */
  const searchCostOf = (node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
    if (!definition || !node.arguments?.length || !variableValues) return 0;
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(definition, node, variableValues);
    } catch {
      return 0; // Execution refuses the argument the same way, before the resolver.
    }
    return definition.args.reduce((sum, argument) => sum + inspectInput(values[argument.name], argument.type, [argument.name]), 0);
  };

  const measureSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): Part => {
    let part = NOTHING;
    const add = (child: Part) => {
      part = { depth: Math.max(part.depth, child.depth), cost: part.cost + child.cost, aliases: part.aliases + child.aliases, fields: part.fields + child.fields };
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition = fieldDefinition(parent, selection.name.value, schema);
        const type = definition ? getNamedType(definition.type) : undefined;
        const multiplier = multiplierOf(selection, definition);
        const children = selection.selectionSet ? measureSet(selection.selectionSet, type) : NOTHING;
        // `ofType` unwraps a list or non-null type one step: no fan-out, and explorers'
        // standard introspection query nests it seven deep.
        const unwrap = selection.name.value === 'ofType' && parent?.name === '__Type';
        const own = 1 + searchCostOf(selection, definition);
        add({ depth: (unwrap ? 0 : 1) + children.depth, cost: own + multiplier * children.cost, aliases: (selection.alias ? 1 : 0) + children.aliases, fields: 1 });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(measureSet(selection.selectionSet, type ?? undefined));
      } else {
        add(measureFragment(selection.name.value));
      }
    }
    return part;
  };

  const measureFragment = (name: string): Part => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return NOTHING;
    inProgress.add(name);
    const part = measureSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined);
    inProgress.delete(name);
    measured.set(name, part);
    return part;
  };

  const { depth, cost, aliases, fields } = measureSet(operation.selectionSet, root);
  return { depth, cost, aliases, mutationFields: operation.operation === 'mutation' ? fields : 0, badInput };
}

/** The first limit the measured operation breaks, or null. */
export function checkLimits(measure: OperationMeasure, limits: QueryLimits): GraphQLError | null {
  if (measure.badInput) return measure.badInput;
  if (measure.aliases > limits.maxAliases) return queryTooComplex('aliases', limits.maxAliases, measure.aliases);
  if (measure.depth > limits.maxDepth) return queryTooComplex('depth', limits.maxDepth, measure.depth);
  if (measure.cost > limits.maxCost) return queryTooComplex('cost', limits.maxCost, measure.cost);
  return null;
}
