import { defaultFieldResolver, getNamedType, GraphQLString, isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import { maskPersonalNumbers } from '../modules/grid/identity';

/** The field extension that marks free text; read by maskFreeText and by anything else that plans reads. */
export const FREE_TEXT_EXTENSION = 'freeText';

/**
 * Marks a String field as free text a person typed (a description, a note, a reason): it may
 * quote someone's ID card or mobile number, so every transport serves it masked, for every
 * viewer. The whole text comes only from a logged `personalData(reason:)` reveal.
 */
export const FreeText = () => Extensions({ [FREE_TEXT_EXTENSION]: true });

export function isFreeText(field: GraphQLField<unknown, unknown>): boolean {
  return field.extensions[FREE_TEXT_EXTENSION] === true;
}

const MASKED_NOTE = 'Free text: ID card and mobile numbers in it come masked.';

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalNumbers(value);
  if (Array.isArray(value)) return value.map(masked);
  return value;
}

/** `Type.field` of every free-text field of the schema. */
export function freeTextFields(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .flatMap((type) => Object.values(type.getFields()).filter(isFreeText).map((field) => `${type.name}.${field.name}`));
}

/**
 * Wraps the resolver of every free-text field so that what it resolves is masked. One place
 * on the built schema, so HTTP, WebSocket and webhook bodies (executed on the same schema)
 * cannot differ; the stored text stays as typed.
 */
export function maskFreeText(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap()).filter(isObjectType)) {
    for (const field of Object.values(type.getFields()).filter(isFreeText)) {
      if (getNamedType(field.type) !== GraphQLString) throw new Error(`${type.name}.${field.name} is marked free text but is not a String.`);
      // Extensions are not printed in SDL, so the description tells client authors.
      field.description = `${field.description ?? ''} ${MASKED_NOTE}`.trim();
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        const value = resolve(source, args, ctx, info);
        return value instanceof Promise ? value.then(masked) : masked(value);
      };
    }
  }
}
