import type { Config } from '../config';
import type { Queryable } from '../db/client';
import { unauthenticated } from '../graphql/errors';
import { isApiKey } from '../modules/integrator/integrator.keys';
import { viewerOfApiKey } from '../modules/integrator/integrator.service';
import { ANONYMOUS, createTokenVerifier, type Viewer } from './viewer';

/** Turns a bearer credential into a viewer, the same way for GraphQL over HTTP, the plain HTTP routes and WebSockets. */
export interface Authenticator {
  /**
   * The viewer of an Authorization value ("Bearer <token or API key>"): anonymous without
   * one; a credential that is present but wrong is refused (UNAUTHENTICATED), never ignored.
   */
  viewerOf(authorization: string | null | undefined): Promise<Viewer>;
}

/** Built once per process: the token verifier holds the JWKS cache. */
export function createAuthenticator(config: Config, db: Queryable): Authenticator {
  const verifyToken = createTokenVerifier(config);
  return {
    async viewerOf(authorization) {
      if (!authorization) return ANONYMOUS;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
      const credential = match[1];
      return isApiKey(credential) ? viewerOfApiKey(db, credential, config.production) : verifyToken(credential);
    },
  };
}
