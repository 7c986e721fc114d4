import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { checkAccess } from '../auth/access';
import type { Viewer } from '../auth/viewer';

/** One operation on its way in, over HTTP or WebSocket. */
export interface Admission {
  schema: GraphQLSchema;
  document: DocumentNode;
  viewer: Viewer;
  variables: Record<string, unknown> | undefined;
  operationName: string | null | undefined;
}

/**
 * Everything an operation must pass before any resolver or SQL runs, in the same order over
 * HTTP and WebSocket. Returns the first refusal, or null.
 */
export function admit(admission: Admission): GraphQLError | null {
  return checkAccess(admission.schema, admission.document, admission.viewer);
}
