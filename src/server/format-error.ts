import type { GraphQLFormattedError } from 'graphql';
import { logger } from '../logger';

/** Internal faults keep their details in the log; the client gets the code only (API.md). */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    logger.error({ err: error }, 'internal error');
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return formatted;
}
