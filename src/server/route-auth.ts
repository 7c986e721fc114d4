import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Rule } from '../auth/access';
import { allows } from '../auth/access';
import { viewerFromAuthorization, type Viewer } from '../auth/viewer';
import type { Config } from '../config';

/**
 * The token check of the HTTP routes beside GraphQL (uploads, CSV exports): the same token
 * rules, and a rule of the access table. Answers 401 or 403 itself and returns null when
 * the request may not go on.
 */
export async function routeViewer(req: Request, res: Response, config: Config, rule: Rule, what: string): Promise<Viewer | null> {
  let viewer: Viewer;
  try {
    viewer = await viewerFromAuthorization(req.header('authorization'), config.jwtSecret);
  } catch (error) {
    res.status(401).json({ error: error instanceof GraphQLError ? error.message : 'A valid token is required.' });
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
