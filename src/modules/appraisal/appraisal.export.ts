import express from 'express';
import { inArray } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { ROOT_FIELDS } from '../../auth/access';
import type { Authenticator } from '../../auth/authenticator';
import type { Database } from '../../db/client';
import { logger } from '../../logger';
import { routeViewer } from '../../server/route-auth';
import { grids } from '../grid/grid.tables';
import { maskPersonalNumbers } from '../grid/identity';
import { appraisalPeriod, appraisalUnit, workerAppraisals, type WorkerAppraisalRow } from './appraisal.service';

export const WORKER_APPRAISALS_CSV = '/export/worker-appraisals.csv';

/** Column headers as street offices write them, with the value of each row. */
const COLUMNS: [string, (a: WorkerAppraisalRow, gridNames: string) => string | number | null][] = [
  ['姓名', (a) => a.name],
  ['所在网格', (_a, names) => names],
  ['考核期', (a) => a.period],
  ['日常积分（登记）', (a) => a.dailyPoints.manual],
  ['日常积分（自动）', (a) => a.dailyPoints.automatic],
  ['日常积分合计', (a) => a.dailyPoints.total],
  ['测评户数', (a) => a.ratings.count],
  ['测评平均分', (a) => a.ratings.average],
  ['发现上报事件数', (a) => a.incidentsFound],
  ['网格内办结事件数', (a) => a.incidentsHandled],
  ['网格内事件数', (a) => a.incidentsInGrids],
  ['办结率（%）', (a) => a.score.closureRate],
  ['走访户数', (a) => a.visits.householdsVisited],
  ['应走访户数', (a) => a.visits.householdsDue],
  ['重点户逾期未访', (a) => a.visits.specialOverdue],
  ['信息更新逾期', (a) => a.visits.dataRefreshOverdue],
  ['走访达标月数', (a) => a.visits.monthsMet],
  ['考核月数', (a) => a.visits.monthsCounted],
  ['积分得分', (a) => a.score.dailyPoints],
  ['测评得分', (a) => a.score.residentRating],
  ['办结得分', (a) => a.score.closureRate],
  ['走访得分', (a) => a.score.visitDuty],
  ['综合得分', (a) => a.score.overall],
];

/**
 * One CSV field: quoted when it must be, text a spreadsheet would run as a formula defused,
 * and numbers someone typed into a name masked, as in the API.
 */
function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const masked = maskPersonalNumbers(value);
  const text = /^[=+\-@\t\r]/.test(masked) ? `'${masked}` : masked;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 with a byte-order mark and CRLF lines, so that Excel opens the Chinese as written. */
export function appraisalCsv(rows: WorkerAppraisalRow[], gridNames: Map<number, string>): string {
  const lines = [COLUMNS.map(([header]) => header).join(',')];
  for (const row of rows) {
    const names = row.gridIds.map((id) => gridNames.get(id) ?? '').join('、');
    lines.push(COLUMNS.map(([, value]) => field(value(row, names))).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const queryText = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * GET /export/worker-appraisals.csv?unit=<ID>&month=2026-10 (or quarter=2026-Q4, or year=2026):
 * the rows of `workerAppraisals` as a spreadsheet, under the same token and access rule.
 */
export function appraisalRoutes(authenticator: Authenticator, database: Database): express.Router {
  const router = express.Router();
  router.get(WORKER_APPRAISALS_CSV, async (req, res) => {
    const viewer = await routeViewer(req, res, authenticator, ROOT_FIELDS['Query.workerAppraisals'], 'Exporting worker appraisals');
    if (!viewer) return;
    try {
      const unit = appraisalUnit(queryText(req.query.unit) ?? '');
      const year = queryText(req.query.year);
      const period = appraisalPeriod({ month: queryText(req.query.month), quarter: queryText(req.query.quarter), year: year === undefined ? undefined : Number(year) });
      const rows = await workerAppraisals(database.db, viewer, unit, period);
      const gridIds = [...new Set(rows.flatMap((r) => r.gridIds))];
      const named = gridIds.length === 0 ? [] : await database.db.select({ id: grids.id, name: grids.name }).from(grids).where(inArray(grids.id, gridIds));
      const fileName = `网格员考核-${period.label}.csv`;
      res.type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="worker-appraisals-${period.label}.csv"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(appraisalCsv(rows, new Map(named.map((g) => [g.id, g.name]))));
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT') {
        res.status(400).json({ error: error.message });
        return;
      }
      logger.error({ err: error }, 'worker appraisal export failed');
      res.status(500).json({ error: 'Internal server error' });
    }
  });
  return router;
}
