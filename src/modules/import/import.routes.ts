import express, { type Request, type Response } from 'express';
import type { Authenticator } from '../../auth/authenticator';
import type { Config } from '../../config';
import { createContext } from '../../context';
import type { Database } from '../../db/client';
import { unstorableCharacter } from '../../db/text';
import type { EventHub } from '../../events/hub';
import { logger } from '../../logger';
import { withRequestId } from '../../server/request-log';
import { routeViewer } from '../../server/route-auth';
import { IMPORTERS, uploadLedger } from './import.service';
import { formatOfFile } from './ledger.read';
import { templateCsv, templateXlsx } from './ledger.template';

/** Street offices upload whole ledgers; 100,000 rows of CSV are about 15 MB. */
const UPLOAD_LIMIT = '100mb';
const TEMPLATE_NAME = '户籍人口台账模板';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(fileName: string): string {
  return `attachment; filename="ledger-template${fileName.slice(fileName.lastIndexOf('.'))}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The file's name: the X-File-Name header (URL-encoded for non-ASCII names) or ?filename=. */
function fileNameOf(req: Request): string {
  const header = req.header('x-file-name');
  if (header) {
    try {
      return decodeURIComponent(header);
    } catch {
      return header;
    }
  }
  return typeof req.query.filename === 'string' ? req.query.filename : '';
}

/**
 * GET /import/template.xlsx and .csv (public) and POST /import/households: the ledger file
 * is the body, `?dryRun=true` checks it without writing; the answer is the import report.
 */
export function importRoutes(config: Config, database: Database, events: EventHub, authenticator: Authenticator): express.Router {
  const router = express.Router();
  router.get('/import/template.xlsx', async (_req, res) => {
    res.type(XLSX_TYPE).setHeader('content-disposition', attachment(`${TEMPLATE_NAME}.xlsx`));
    res.send(await templateXlsx());
  });
  router.get('/import/template.csv', (_req, res) => {
    res.type('text/csv; charset=utf-8').setHeader('content-disposition', attachment(`${TEMPLATE_NAME}.csv`));
    res.send(templateCsv());
  });
  router.post('/import/households', withRequestId(), express.raw({ type: () => true, limit: UPLOAD_LIMIT }), async (req: Request, res: Response) => {
    const viewer = await routeViewer(req, res, authenticator, IMPORTERS, 'Importing a ledger');
    if (!viewer) return;
    const name = fileNameOf(req);
    const unstorable = unstorableCharacter(name);
    if (unstorable) {
      res.status(400).json({ error: `The file name (X-File-Name or ?filename=) contains ${unstorable}, which no text here may hold.` });
      return;
    }
    const format = formatOfFile(name, req.header('content-type'));
    if (format === null) {
      res.status(415).json({ error: `Send the ledger as ${XLSX_TYPE} or text/csv, or name it *.xlsx or *.csv.` });
      return;
    }
    const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (content.length === 0) {
      res.status(400).json({ error: 'The request body must be the ledger file.' });
      return;
    }
    const dryRun = req.query.dryRun === 'true' || req.query.dryRun === '1';
    try {
      const ctx = createContext(config, database, events, viewer);
      const report = await uploadLedger(ctx, { name: name || `ledger.${format}`, content, format }, { dryRun });
      res.status(report.outcome === 'REFUSED' ? 422 : 200).json(report);
    } catch (error) {
      logger.error({ err: error }, 'ledger import failed');
      res.status(500).json({ error: 'Internal server error' });
    }
  });
  return router;
}
