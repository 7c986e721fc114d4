import express from 'express';
import { demoTokens } from '../auth/demo-tokens';
import { DEMO_JWT_SECRET, type Config } from '../config';
import type { Database } from '../db/client';
import { htmlPage, setPageHeaders, type webAssets } from './web-assets';

/** What web/explorer.tsx reads from the page. */
interface ExplorerSettings {
  graphqlPath: string;
  demoTokens: { role: string; subject: string; token: string }[];
}

/**
 * The demo users' credentials, offered in a menu only where they give nothing away: outside
 * production, and only while tokens are signed with the published demo secret (anyone can
 * mint those). A development server with a secret of its own offers none.
 */
async function offeredTokens(config: Config, database: Database): Promise<ExplorerSettings['demoTokens']> {
  if (config.production || config.jwtSecret !== DEMO_JWT_SECRET) return [];
  const tokens = await demoTokens(database.db, config.jwtSecret, { issuer: config.jwtIssuer, audience: config.jwtAudience });
  return tokens.map(({ claims, token }) => ({ role: claims.role, subject: claims.sub, token }));
}

function explorerPage(settings: ExplorerSettings): string {
  // JSON inside <script> must not be able to close the element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return htmlPage({
    title: 'gridgov · GraphQL explorer',
    bundle: 'explorer',
    body: `<div id="explorer"></div>
<script type="application/json" id="explorer-settings">${json}</script>
<script src="/assets/explorer.js"></script>`,
  });
}

/**
 * GET / from a browser (Accept: text/html): GraphiQL, bundled by the project (web/explorer.tsx),
 * talking to `graphqlPath` over HTTP and graphql-ws. Any other client, and every client when
 * the explorer is off (production unless EXPLORER=true), gets the JSON index that follows.
 */
export function explorerRoutes(config: Config, database: Database, assets: ReturnType<typeof webAssets>, graphqlPath: string): express.Router {
  const router = express.Router();
  router.get('/', async (req, res, next) => {
    res.vary('Accept');
    if (!config.explorer || req.accepts(['application/json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    const problem = await assets.problem();
    if (problem) {
      res.status(503).type('text/plain').send(problem);
      return;
    }
    setPageHeaders(res, { framable: false, inlineStyles: true });
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(explorerPage({ graphqlPath, demoTokens: await offeredTokens(config, database) }));
  });
  return router;
}
