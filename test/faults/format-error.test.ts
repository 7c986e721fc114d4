import { DrizzleQueryError } from 'drizzle-orm/errors';
import { GraphQLError } from 'graphql';
import { describe, expect, test } from 'vitest';
import { formatError, formatResult, INTERNAL_ERROR_MESSAGE, databaseUnavailableCode, TIMEOUT_MESSAGE, UNAVAILABLE_MESSAGE } from '../../src/server/format-error';

/** postgres.js errors carry `code` (a Node errno, its own CONNECTION_* or a SQLSTATE). */
const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const asResolverError = (error: Error) => new GraphQLError(error.message, { originalError: error });

describe('what counts as the database being unavailable', () => {
  test.each([
    ['connection refused', withCode('ECONNREFUSED'), 'ECONNREFUSED'],
    ['postgres.js: connection closed', withCode('CONNECTION_CLOSED'), 'CONNECTION_CLOSED'],
    ['postgres.js: connect timeout', withCode('CONNECT_TIMEOUT'), 'CONNECT_TIMEOUT'],
    ['57P01 admin shutdown, wrapped by drizzle', new DrizzleQueryError('select 1', [], withCode('57P01', 'terminating connection due to administrator command')), '57P01'],
    ['57P03 cannot connect now (starting up)', withCode('57P03'), '57P03'],
    ['class 08: connection failure', withCode('08006'), '08006'],
    ['every address refused (AggregateError)', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), 'ECONNREFUSED'],
  ])('%s is', (_name, error, code) => {
    expect(databaseUnavailableCode(asResolverError(error))).toBe(code);
  });

  test.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('%s is not', (_name, error) => {
    expect(databaseUnavailableCode(asResolverError(error))).toBeNull();
  });
});

describe('formatError', () => {
  test('an unavailable database answers SERVICE_UNAVAILABLE, retryable, with no detail of the driver', () => {
    const error = asResolverError(new DrizzleQueryError('insert into residents …', ['110101199003071234'], withCode('57P01', 'terminating connection')));
    const formatted = formatError({ message: error.message, path: ['incidentReport'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(formatted).toEqual({ message: UNAVAILABLE_MESSAGE, path: ['incidentReport'], locations: undefined, extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
  });

  test('a statement cancelled by the statement timeout answers TIMEOUT: asking the same again would take as long', () => {
    const error = asResolverError(new DrizzleQueryError('select …', [], withCode('57014', 'canceling statement due to statement timeout')));
    const formatted = formatError({ message: error.message, path: ['incidents'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
    expect(formatted).toEqual({ message: TIMEOUT_MESSAGE, path: ['incidents'], locations: undefined, extensions: { code: 'TIMEOUT' } });
  });

  test('any other internal fault is masked to its code', () => {
    const error = asResolverError(withCode('23505', 'duplicate key value violates unique constraint "residents_id_card_key"'));
    expect(formatError({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error)).toMatchObject({ message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  test('over graphql-ws, variables that do not coerce are the request\'s fault (BAD_USER_INPUT), as over HTTP', () => {
    const coercion = new GraphQLError('Variable "$v" got invalid value 1; String cannot represent a non string value: 1', {
      originalError: new GraphQLError('String cannot represent a non string value: 1'),
    });
    expect(formatResult({ errors: [coercion] })?.errors).toEqual([expect.objectContaining({ message: coercion.message, extensions: { code: 'BAD_USER_INPUT' } })]);
    const fault = new GraphQLError('boom', { originalError: new Error('boom') });
    expect(formatResult({ errors: [fault] })?.errors).toEqual([expect.objectContaining({ message: INTERNAL_ERROR_MESSAGE })]);
  });
});
