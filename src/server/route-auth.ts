import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Rule } from '../auth/access';
import { allows } from '../auth/access';
import type { Authenticator } from '../auth/authenticator';
import type { Viewer } from '../auth/viewer';

/**
 * The credential check of the HTTP routes beside GraphQL (uploads, CSV exports): the same
 * tokens and API keys, and a rule of the access table. Answers 401 or 403 itself and
 * returns null when the request may not go on.
 */
export async function routeViewer(req: Request, res: Response, authenticator: Authenticator, rule: Rule, what: string): Promise<Viewer | null> {
  let viewer: Viewer;
  try {
    viewer = await authenticator.viewerOf(req.header('authorization'));
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    res.status(401).json({ error: error.message });
    return null;
  }
  if (rule === 'PUBLIC') return viewer;
  if (viewer.role === null) {
    res.status(401).json({ error: `${what} needs a token.` });
    return null;
  }
  if (!allows(rule, viewer)) {
    res.status(403).json({ error: `${what}: ${rule.join(', ')} only; a ${viewer.role} may not.` });
    return null;
  }
  return viewer;
}
