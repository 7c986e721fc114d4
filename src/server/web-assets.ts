import { execFile } from 'node:child_process';
import path from 'node:path';
import express, { type Response } from 'express';
import { logger } from '../logger';
import { PROJECT_ROOT } from '../paths';
import { bundleIsStale } from '../../scripts/bundle.mjs';

/** Where scripts/build-web.mjs writes the browser bundle; gitignored. */
export const WEB_BUILD_DIR = path.join(PROJECT_ROOT, 'dist', 'web');
const WEB_SOURCES = path.join(PROJECT_ROOT, 'web');
const BUILD_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'build-web.mjs');

function runBuild(): Promise<string | null> {
  logger.info({ dir: WEB_BUILD_DIR }, 'building the browser bundle (explorer, notice board)');
  return new Promise((resolve) => {
    execFile(process.execPath, [BUILD_SCRIPT], { cwd: PROJECT_ROOT }, (error, _stdout, stderr) => {
      if (!error) {
        resolve(null);
        return;
      }
      const problem = `The browser bundle could not be built (run \`npm run build:web\` to see why): ${stderr.trim().split('\n')[0] || error.message}`;
      logger.error({ err: error, stderr }, 'building the browser bundle failed');
      resolve(problem);
    });
  });
}

/** The bundles of scripts/build-web.mjs, one per kind of page. */
export type Bundle = 'explorer' | 'board';

/** One build per process, however many servers it starts (the tests start many). */
let building: Promise<string | null> | null = null;

/**
 * The browser bundle of the explorer and the notice boards, served under /assets by the API
 * itself (the users' intranets have no CDN). `npm install` builds it; a server that finds it
 * missing or stale builds it at start, and requests for it wait for that build.
 */
export function webAssets(): { problem: () => Promise<string | null>; routes: (bundles: readonly Bundle[]) => express.Router } {
  building ??= bundleIsStale(WEB_BUILD_DIR, [WEB_SOURCES]) ? runBuild() : Promise.resolve(null);
  const ready = building;
  return {
    /** Null once the bundle is in place; otherwise why it is not. */
    problem: () => ready,
    /** Serves the script and stylesheet of these bundles only: a page that is off leaves no code of its own to fetch. */
    routes(bundles) {
      const served = new Set(bundles.flatMap((bundle) => [`/${bundle}.js`, `/${bundle}.css`]));
      const router = express.Router();
      router.use('/assets', async (req, res, next) => {
        if (!served.has(req.path)) {
          next('router');
          return;
        }
        const problem = await ready;
        if (problem) {
          res.status(503).type('text/plain').send(problem);
          return;
        }
        next();
      }, express.static(WEB_BUILD_DIR, {
        index: false,
        // The names carry no hash: browsers revalidate (ETag) rather than keep an old bundle.
        setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
      }));
      return router;
    },
  };
}

/**
 * Headers of the pages served to browsers: everything they load comes from this origin
 * (the CSP says so, and keeps text the owners wrote from ever running as script).
 * `framable`: a public notice board may be shown inside a lobby screen's own page.
 */
export function setPageHeaders(res: Response, options: { framable: boolean; inlineStyles: boolean }): void {
  const policy = [
    "default-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `style-src 'self'${options.inlineStyles ? " 'unsafe-inline'" : ''}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(options.framable ? [] : ["frame-ancestors 'none'"]),
  ];
  res.setHeader('content-security-policy', policy.join('; '));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text that people wrote (names, reasons) never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The page around one of our bundles: its stylesheet, then what the caller puts in the head and the body. */
export function htmlPage(options: { title: string; bundle: Bundle; head?: string; body: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="/assets/${options.bundle}.css">
${options.head ?? ''}
</head>
<body>
${options.body}
</body>
</html>
`;
}
