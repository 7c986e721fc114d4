import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { Role } from '../../auth/roles';
import type { Unit, Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { rowsOf, type Queryable } from '../../db/client';
import { inTransaction } from '../../db/transaction';
import { OrderDirection, paginate, type PageArgs } from '../../graphql/connection';
import { toGlobalId } from '../../graphql/ids';
import { nodeMapper } from '../../graphql/node';
import { AuditOutcome, type AuditVerdict } from '../audit/audit.outcome';
import { audited } from '../audit/audit.service';
import type { PersonalDataKey } from '../audit/personal-data-key';
import { buildings, communities, grids, households, residents, streets } from '../grid/grid.tables';
import { idCardHash, storedIdCard } from '../grid/identity';
import { checkLedger, type HouseholdDraft, type PersonDraft } from './ledger.check';
import { isError, LedgerProblemCode as Code, readLedger, type LedgerFormat, type LedgerProblem } from './ledger.read';
import { templateHeader, type LedgerField } from './ledger.template';
import { ledgerImports } from './import.tables';

/** Who may import ledgers, over HTTP and in GraphQL: those who keep the household register of a street or community. */
export const IMPORTERS = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY] as const;

/** Rows per INSERT: large enough that 100,000 residents take a few dozen statements. */
const BATCH = 5_000;

export type LedgerImportRow = typeof ledgerImports.$inferSelect;
export const asLedgerImport = nodeMapper<LedgerImportRow>('LedgerImport');

export interface LedgerFile {
  name: string;
  content: Buffer;
  format: LedgerFormat;
}

export interface Importer {
  subject: string;
  role: string;
  /** The street, community or district the importer may change; null for the whole city. */
  unit: Unit | null;
}

export interface ImportReport {
  importId: string;
  outcome: 'DRY_RUN' | 'IMPORTED' | 'REFUSED';
  rows: number;
  householdsCreated: number;
  residentsCreated: number;
  problems: LedgerProblem[];
}

interface BuildingFound {
  id: number;
  name: string;
  address: string;
  districtId: number;
  streetId: number;
  communityId: number;
  gridId: number;
  compoundId: number | null;
  communityName: string;
  communityCode: string;
  gridCode: string;
}

/** A household the import adds to or creates: an existing one has its id. */
interface HouseholdPlan {
  id: number | null;
  building: BuildingFound;
  room: string;
  floorArea: string;
  hasHouseholder: boolean;
}

const FILE_CODES: ReadonlySet<Code> = new Set([Code.UNREADABLE, Code.NO_HEADER, Code.MISSING_COLUMN]);

export function importerOf(viewer: Viewer): Importer {
  return { subject: viewer.subject ?? '', role: viewer.role ?? '', unit: viewer.unit };
}

/** A ledger upload in the audit log: OK when imported or only checked, REFUSED with the codes of its errors. */
function verdictOfImport(report: ImportReport): AuditVerdict {
  return report.outcome === 'REFUSED'
    ? { outcome: AuditOutcome.REFUSED, codes: [...new Set(report.problems.filter(isError).map((p) => p.code))] }
    : { outcome: AuditOutcome.OK, codes: [] };
}

/**
 * A ledger uploaded through the API by the viewer, audited like a mutation as
 * `Import.households`. The file itself is kept by its SHA-256 in the import's record.
 */
export function uploadLedger(ctx: Context, file: LedgerFile, options: { dryRun: boolean }): Promise<ImportReport> {
  const args = { fileName: file.name, format: file.format, bytes: file.content.length, dryRun: options.dryRun };
  return audited(ctx, 'Import.households', args, () => importLedger(ctx.db, ctx.config.personalDataKey, importerOf(ctx.viewer), file, options), verdictOfImport);
}

/**
 * Reads, checks and (unless a dry run or anything is wrong) imports a ledger in one
 * transaction; every run leaves its record with the report.
 */
export async function importLedger(
  db: Queryable, personalDataKey: PersonalDataKey, importer: Importer, file: LedgerFile, options: { dryRun: boolean },
): Promise<ImportReport> {
  const startedAt = new Date();
  const sheet = await readLedger(file.content, file.format);
  // Without the template's columns the rows cannot be read right; the file-level problem says it all.
  const unusable = sheet.problems.some((p) => FILE_CODES.has(p.code));
  const checked = unusable ? { households: [], people: [], problems: [] } : checkLedger(sheet);
  const problems = [...sheet.problems, ...checked.problems];
  const header = (field: LedgerField) => sheet.headers[field] ?? templateHeader(field);

  let plans = new Map<string, HouseholdPlan>();
  if (checked.households.length > 0) {
    const placed = await placeHouseholds(db, importer.unit, checked.households, header);
    problems.push(...placed.problems);
    plans = placed.plans;
    problems.push(...(await registeredAlready(db, personalDataKey, checked.people, header)));
    problems.push(...householderConflicts(checked.people, plans, header));
  }
  problems.sort((a, b) => a.row - b.row);

  const record = {
    fileName: file.name, sha256: createHash('sha256').update(file.content).digest('hex'), rows: sheet.rows.length,
    importerSubject: importer.subject, importerRole: importer.role, unitId: importer.unit ? toGlobalId(importer.unit.type, importer.unit.key) : null,
    startedAt,
  };
  const refused = problems.some(isError);
  if (options.dryRun || refused) {
    const outcome = options.dryRun ? 'DRY_RUN' : 'REFUSED';
    const [row] = await db.insert(ledgerImports).values({ ...record, outcome, problems, finishedAt: new Date() }).returning();
    return reportOf(row);
  }
  try {
    return await inTransaction(db, async (tx) => {
      const created = await insertLedger(tx, personalDataKey, checked.people, plans);
      const [row] = await tx.insert(ledgerImports).values({ ...record, ...created, outcome: 'IMPORTED', problems, finishedAt: new Date() }).returning();
      return reportOf(row);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Someone registered one of these people or rooms while the file was checked.
    const race: LedgerProblem = { row: 0, column: null, code: Code.DUPLICATE_IN_DATABASE, message: 'A person or room of this ledger was registered while it was being imported; import it again to see which.' };
    const [row] = await db.insert(ledgerImports).values({ ...record, outcome: 'REFUSED', problems: [...problems, race], finishedAt: new Date() }).returning();
    return reportOf(row);
  }
}

function reportOf(row: LedgerImportRow): ImportReport {
  return {
    importId: toGlobalId('LedgerImport', row.id), outcome: row.outcome, rows: row.rows,
    householdsCreated: row.householdsCreated, residentsCreated: row.residentsCreated, problems: row.problems as LedgerProblem[],
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

function inUnit(unit: Unit | null, b: BuildingFound): boolean {
  if (unit === null) return true;
  switch (unit.type) {
    case 'District':
      return b.districtId === unit.key;
    case 'Street':
      return b.streetId === unit.key;
    case 'Community':
      return b.communityId === unit.key;
    default:
      return false;
  }
}

/** A list of texts as one parameter: a file may name thousands, beyond the driver's parameter limit. */
function textList(values: Iterable<string>): SQL {
  return sql`(select jsonb_array_elements_text(${JSON.stringify([...new Set(values)])}::jsonb))`;
}

/** Finds each household's building (one statement for the whole file) and the rooms already recorded (one more). */
async function placeHouseholds(db: Queryable, unit: Unit | null, drafts: HouseholdDraft[], header: (f: LedgerField) => string) {
  const problems: LedgerProblem[] = [];
  const found = await rowsOf<BuildingFound>(db, sql`
    select b.id, b.name, b.address, b.district_id as "districtId", b.street_id as "streetId", b.community_id as "communityId",
           b.grid_id as "gridId", b.compound_id as "compoundId", c.name as "communityName", c.code as "communityCode", g.code as "gridCode"
    from ${buildings} b join ${communities} c on c.id = b.community_id join ${grids} g on g.id = b.grid_id
    where b.name in ${textList(drafts.map((d) => d.place.building))}`);
  const known = await rowsOf<{ kind: string; text: string }>(db, sql`
    select 'community' as kind, name as text from ${communities} where name in ${textList(drafts.flatMap((d) => d.place.community ?? []))}
    union select 'community', code from ${communities} where code in ${textList(drafts.flatMap((d) => d.place.community ?? []))}
    union select 'grid', code from ${grids} where code in ${textList(drafts.flatMap((d) => d.place.gridCode ?? []))}`);
  const knownCommunities = new Set(known.filter((k) => k.kind === 'community').map((k) => k.text));
  const knownGrids = new Set(known.filter((k) => k.kind === 'grid').map((k) => k.text));
  const byName = new Map<string, BuildingFound[]>();
  for (const b of found) byName.set(b.name, [...(byName.get(b.name) ?? []), b]);

  const placed = new Map<string, BuildingFound>();
  for (const draft of drafts) {
    const { community, gridCode, building } = draft.place;
    const problem = (field: LedgerField, code: Code, message: string) => problems.push({ row: draft.row, column: header(field), code, message });
    // Neither community nor grid: already reported as REQUIRED by the row check.
    if (gridCode === null && community === null) continue;
    if (gridCode !== null && !knownGrids.has(gridCode)) {
      problem('gridCode', Code.UNKNOWN_GRID, `No grid has the code ${gridCode}.`);
      continue;
    }
    if (gridCode === null && community !== null && !knownCommunities.has(community)) {
      problem('community', Code.UNKNOWN_COMMUNITY, `No community is named or coded "${community}".`);
      continue;
    }
    const candidates = (byName.get(building) ?? []).filter((b) => gridCode !== null
      ? b.gridCode === gridCode || b.gridCode.startsWith(`${gridCode}-`)
      : b.communityName === community || b.communityCode === community);
    const where = gridCode !== null ? `grid ${gridCode}` : `community ${community}`;
    const mine = candidates.filter((b) => inUnit(unit, b));
    if (candidates.length === 0) problem('building', Code.UNKNOWN_BUILDING, `No building ${building} is recorded in ${where}.`);
    else if (mine.length === 0) problem('building', Code.OUT_OF_SCOPE, `Building ${building} of ${where} lies outside the part of the city your role may change.`);
    else if (mine.length > 1) problem('building', Code.AMBIGUOUS_BUILDING, `${mine.length} buildings are named ${building} in ${where}; give the grid code (网格编号) to say which.`);
    else placed.set(draft.key, mine[0]);
  }

  const buildingIds = [...new Set([...placed.values()].map((b) => b.id))];
  const existing = buildingIds.length === 0 ? [] : await rowsOf<{ id: number; buildingId: number; room: string; hasHouseholder: boolean }>(db, sql`
    select h.id, h.building_id as "buildingId", h.room,
           exists (select 1 from ${residents} r where r.household_id = h.id and r.householder) as "hasHouseholder"
    from ${households} h where h.building_id in (select (jsonb_array_elements_text(${JSON.stringify(buildingIds)}::jsonb))::int)`);
  const existingByRoom = new Map(existing.map((h) => [`${h.buildingId}|${h.room}`, h]));
  // Two spellings of one place (by community, by grid code) are one household.
  const byRoom = new Map<string, HouseholdPlan>();
  const plans = new Map<string, HouseholdPlan>();
  for (const draft of drafts) {
    const building = placed.get(draft.key);
    if (!building) continue;
    const roomKey = `${building.id}|${draft.room}`;
    let plan = byRoom.get(roomKey);
    if (!plan) {
      const recorded = existingByRoom.get(roomKey);
      plan = { id: recorded?.id ?? null, building, room: draft.room, floorArea: draft.floorArea, hasHouseholder: recorded?.hasHouseholder ?? false };
      byRoom.set(roomKey, plan);
    }
    plans.set(draft.key, plan);
  }
  return { plans, problems };
}

async function registeredAlready(db: Queryable, personalDataKey: PersonalDataKey, people: PersonDraft[], header: (f: LedgerField) => string): Promise<LedgerProblem[]> {
  if (people.length === 0) return [];
  const hashes = people.map((p) => idCardHash(personalDataKey, p.idCardNumber));
  const taken = await rowsOf<{ hash: string }>(db, sql`
    select id_card_hash as hash from ${residents} where id_card_hash in ${textList(hashes)}`);
  const registered = new Set(taken.map((t) => t.hash));
  return people.filter((_p, i) => registered.has(hashes[i])).map((p) => ({
    row: p.row, column: header('idCard'), code: Code.DUPLICATE_IN_DATABASE, message: 'A resident with this ID card number is already registered.',
  }));
}

function householderConflicts(people: PersonDraft[], plans: Map<string, HouseholdPlan>, header: (f: LedgerField) => string): LedgerProblem[] {
  return people
    .filter((p) => p.householder && plans.get(p.householdKey)?.hasHouseholder)
    .map((p) => ({ row: p.row, column: header('relation'), code: Code.HOUSEHOLDER_TWICE, message: 'This household already has a householder (户主) on record.' }));
}

/** Multi-row INSERT … SELECT FROM json_to_recordset, a few thousand rows per statement, never row by row. */
async function insertLedger(db: Queryable, personalDataKey: PersonalDataKey, people: PersonDraft[], plans: Map<string, HouseholdPlan>) {
  const fresh = [...new Set(plans.values())].filter((p) => p.id === null);
  for (let i = 0; i < fresh.length; i += BATCH) {
    const batch = fresh.slice(i, i + BATCH);
    const rows = batch.map((p) => ({
      district_id: p.building.districtId, street_id: p.building.streetId, community_id: p.building.communityId, grid_id: p.building.gridId,
      building_id: p.building.id, compound_id: p.building.compoundId, room: p.room, address: `${p.building.address}${p.room}`, floor_area: p.floorArea,
    }));
    const ids = await rowsOf<{ id: number; buildingId: number; room: string }>(db, sql`
      insert into ${households} (district_id, street_id, community_id, grid_id, building_id, compound_id, room, address, floor_area)
      select district_id, street_id, community_id, grid_id, building_id, compound_id, room, address, floor_area
      from json_to_recordset(${JSON.stringify(rows)}::json) as t(district_id int, street_id int, community_id int, grid_id int,
        building_id int, compound_id int, room text, address text, floor_area numeric)
      returning id, building_id as "buildingId", room`);
    const idOf = new Map(ids.map((r) => [`${r.buildingId}|${r.room}`, r.id]));
    for (const plan of batch) plan.id = idOf.get(`${plan.building.id}|${plan.room}`)!;
  }
  for (let i = 0; i < people.length; i += BATCH) {
    const rows = people.slice(i, i + BATCH).map((p) => {
      const plan = plans.get(p.householdKey)!;
      const idCard = storedIdCard(personalDataKey, p.idCardNumber);
      return {
        district_id: plan.building.districtId, street_id: plan.building.streetId, community_id: plan.building.communityId, grid_id: plan.building.gridId,
        household_id: plan.id, name: p.name, id_card_encrypted: idCard.idCardEncrypted, id_card_hash: idCard.idCardHash, id_card_masked: idCard.idCardMasked,
        phone: p.phone, gender: p.gender, birth_date: p.birthDate,
        registration: p.registration, tags: `{${p.tags.join(',')}}`, householder: p.householder,
      };
    });
    await db.execute(sql`
      insert into ${residents} (district_id, street_id, community_id, grid_id, household_id, name, id_card_encrypted, id_card_hash, id_card_masked,
        phone, gender, birth_date, registration, tags, householder)
      select district_id, street_id, community_id, grid_id, household_id, name, id_card_encrypted, id_card_hash, id_card_masked,
        phone, gender::gender, birth_date, registration::registration, tags::resident_tag[], householder
      from json_to_recordset(${JSON.stringify(rows)}::json) as t(district_id int, street_id int, community_id int, grid_id int,
        household_id int, name text, id_card_encrypted text, id_card_hash text, id_card_masked text, phone text, gender text, birth_date date,
        registration text, tags text, householder boolean)`);
  }
  return { householdsCreated: fresh.length, residentsCreated: people.length };
}

// Reading the records ---------------------------------------------------------------------

/** A unit's global ID computed in SQL, to compare with the `unit_id` the record keeps. */
function unitGid(type: string, key: SQL | number): SQL {
  return sql`encode(convert_to(${`${type}:`} || ${key}::text, 'UTF8'), 'base64')`;
}

/** The imports a viewer may read: those made for their unit or any unit below it. */
export function importScope(viewer: Viewer): SQL | undefined {
  const unit = viewer.unit;
  if (viewer.role === null) return sql`false`;
  if (unit === null) return undefined;
  const own = eq(ledgerImports.unitId, toGlobalId(unit.type, unit.key));
  switch (unit.type) {
    case 'District':
      return or(own,
        sql`${ledgerImports.unitId} in (select ${unitGid('Street', sql`id`)} from ${streets} where district_id = ${unit.key})`,
        sql`${ledgerImports.unitId} in (select ${unitGid('Community', sql`id`)} from ${communities} where district_id = ${unit.key})`);
    case 'Street':
      return or(own, sql`${ledgerImports.unitId} in (select ${unitGid('Community', sql`id`)} from ${communities} where street_id = ${unit.key})`);
    case 'Community':
      return own;
    default:
      return sql`false`;
  }
}

export function listLedgerImports(ctx: Context, args: PageArgs, outcomes?: LedgerImportRow['outcome'][] | null) {
  return paginate(ctx.db, {
    table: ledgerImports,
    where: and(importScope(ctx.viewer), outcomes?.length ? inArray(ledgerImports.outcome, outcomes) : undefined),
    ordering: { column: ledgerImports.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asLedgerImport,
  });
}
