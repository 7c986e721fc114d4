import { and, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { scopeCondition, type UnitColumns } from '../../auth/scope';
import { isAuthenticated } from '../../auth/viewer';
import type { Context } from '../../context';
import { rowsOf } from '../../db/client';
import { badUserInput, forbidden } from '../../graphql/errors';
import { personalDataReads } from './audit.tables';

/**
 * What can be revealed whole; the `subject_type` of the access log: a person's numbers
 * (Resident, PartyMember, ReportingUnit), or the free text of a record, which may quote anyone's.
 */
export type PersonalDataSubject = 'Resident' | 'PartyMember' | 'ReportingUnit' | 'Incident' | 'Wish' | 'HouseholdVisit';

/** Where the whole values of one kind of person live, and which of them a viewer may read. */
export interface PersonalDataSource<T> {
  subjectType: PersonalDataSubject;
  /** `select <id> as id, <whole values> from …` of the given keys, limited to rows the viewer may read. */
  readable(ctx: Context, keys: readonly number[]): SQL;
  /** The row of `readable` as served (encrypted values opened with the context's key). */
  map(row: Record<string, unknown>, ctx: Context): T;
}

/**
 * The whole free text of a record (`texts`: field name → column), for a viewer whose unit
 * covers the record: the staff who would reveal the numbers of a person of that area.
 */
export function freeTextSource<K extends string>(
  subjectType: PersonalDataSubject, table: PgTable & { id: PgColumn }, texts: Record<K, PgColumn>, units: UnitColumns,
): PersonalDataSource<Record<K, string | null>> {
  const names = Object.keys(texts) as K[];
  return {
    subjectType,
    readable: (ctx, keys) => sql`select ${table.id} as id, ${sql.join(names.map((name) => sql`${texts[name]} as ${sql.identifier(name)}`), sql`, `)}
      from ${table} where ${and(inArray(table.id, [...keys]), scopeCondition(ctx.viewer, units))}`,
    map: (row) => Object.fromEntries(names.map((name) => [name, row[name] as string | null])) as Record<K, string | null>,
  };
}

const REASON_LENGTH = { min: 2, max: 200 };

/** The reason of a reveal, trimmed; a missing or padded-out reason is a malformed argument. */
export function revealReason(reason: string): string {
  const why = reason.trim();
  if (why.length < REASON_LENGTH.min || why.length > REASON_LENGTH.max) {
    throw badUserInput(`reason must say, in ${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters, why the whole data is needed.`, 'reason');
  }
  return why;
}

/**
 * Whole personal data of one person, for a viewer that may read it (个人信息查阅). The rows
 * are read and one access-log row per person revealed is written in the same statement,
 * so nothing is revealed without its log row. Batched: the people of one request and one
 * reason cost one statement. Null when the viewer may not read that person.
 */
export function revealPersonalData<T>(ctx: Context, source: PersonalDataSource<T>, key: number, reason: string): Promise<T | null> {
  const viewer = ctx.viewer;
  if (!isAuthenticated(viewer)) throw forbidden('Revealing personal data needs a token.');
  const why = revealReason(reason);
  return ctx.loaders
    .get<number, T | null>(`${source.subjectType}.personalData:${why}`, async (keys) => {
      const rows = await rowsOf<Record<string, unknown> & { id: number }>(ctx.db, sql`
        with readable as (${source.readable(ctx, keys)}),
        logged as (
          insert into ${personalDataReads} (viewer_subject, viewer_role, subject_type, subject_key, reason)
          select ${viewer.subject}, ${viewer.role}, ${source.subjectType}, id, ${why} from readable
        )
        select * from readable`);
      const byId = new Map(rows.map((row) => [Number(row.id), source.map(row, ctx)]));
      return keys.map((k) => byId.get(k) ?? null);
    })
    .load(key);
}
