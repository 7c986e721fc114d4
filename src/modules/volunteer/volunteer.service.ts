import { and, eq, sql } from 'drizzle-orm';
import { contains } from '../../db/search';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { communities, residents } from '../grid/grid.tables';
import { isMainlandMobile } from '../grid/identity';
import { partyMembers } from '../party/party.tables';
import { volunteerOfPartyMember } from './bank.ledger';
import type * as In from './volunteer.inputs';
import { asTeam, asVolunteer, type TeamRow, type VolunteerRow } from './volunteer.loaders';
import { TEAM_UNITS, tokenPartyMemberKey, tokenVolunteerKey, VOLUNTEER_UNITS, volunteerScope } from './volunteer.scope';
import { teamMemberships, volunteers, volunteerTeams } from './volunteer.tables';

/** A trimmed text that must not be blank: REQUIRED on its field when it is. */
export function requiredText(value: string | null | undefined, field: string[], message: string, errors: UserError[]): string {
  const text = value?.trim() ?? '';
  if (!text) errors.push(userError(field, UserErrorCode.REQUIRED, message));
  return text;
}

export function refuseAll(errors: UserError[]): void {
  if (errors.length > 0) throw new UserErrors(errors);
}

/**
 * The volunteer who acts as themself: the one a VOLUNTEER token names, or the banked record
 * of a party member (registered on the member's first service, DOMAIN.md §5).
 */
export async function actingVolunteer(tx: Tx, viewer: Viewer, field: string[] | null): Promise<VolunteerRow> {
  let key = tokenVolunteerKey(viewer);
  const member = tokenPartyMemberKey(viewer);
  if (key === null && member !== null) {
    const [known] = await tx.select({ id: partyMembers.id }).from(partyMembers).where(eq(partyMembers.id, member));
    if (!known) refuse(field, UserErrorCode.NOT_FOUND, 'Your token names no party member of the register.');
    key = await volunteerOfPartyMember(tx, member);
  }
  if (key === null) refuse(field, UserErrorCode.OUT_OF_SCOPE, 'Only a volunteer, or a party member, does this for themself.');
  const [volunteer] = await tx.select().from(volunteers).where(eq(volunteers.id, key));
  if (!volunteer) refuse(field, UserErrorCode.NOT_FOUND, 'Your token names no registered volunteer.');
  return volunteer;
}

/** Any volunteer by an ID argument: NOT_FOUND on the field when there is none. */
export async function volunteerArgument(tx: Tx, id: string, field: string[]): Promise<VolunteerRow> {
  const [volunteer] = await tx.select().from(volunteers).where(eq(volunteers.id, keyOf(id, 'Volunteer', field)));
  if (!volunteer) refuse(field, UserErrorCode.NOT_FOUND, 'No volunteer has this ID.');
  return volunteer;
}

export async function teamArgument(tx: Tx, id: string, field: string[]): Promise<TeamRow> {
  const [team] = await tx.select().from(volunteerTeams).where(eq(volunteerTeams.id, keyOf(id, 'VolunteerTeam', field)));
  if (!team) refuse(field, UserErrorCode.NOT_FOUND, 'No volunteer team has this ID.');
  return team;
}

// Volunteers --------------------------------------------------------------------------------

export function listVolunteers(ctx: Context, args: In.VolunteersArgs) {
  const f = args.filter;
  const team = f?.teamId ? argumentKey(f.teamId, 'VolunteerTeam', 'filter.teamId') : undefined;
  return paginate(ctx.db, {
    table: volunteers,
    where: and(
      volunteerScope(ctx.viewer),
      withinCondition(f?.within, VOLUNTEER_UNITS),
      team === undefined ? undefined : sql`${volunteers.id} in (select ${teamMemberships.volunteerId} from ${teamMemberships} where ${teamMemberships.teamId} = ${team})`,
      contains(volunteers.name, f?.nameContains),
    ),
    ordering: { column: volunteers.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asVolunteer,
  });
}

/**
 * Registers a volunteer (志愿者登记): a resident once, with the register's name and phone, by
 * the staff over the resident's grid; or a person from outside by name in a community.
 */
export async function registerVolunteer(tx: Tx, viewer: Viewer, input: In.VolunteerRegisterInput) {
  const errors: UserError[] = [];
  if (input.residentId) {
    for (const field of ['communityId', 'name', 'phone'] as const) {
      if (input[field] !== undefined && input[field] !== null) {
        errors.push(userError(['input', field], UserErrorCode.INVALID, 'A resident\'s community, name and phone come from the resident register; leave this out.'));
      }
    }
    refuseAll(errors);
    const field = ['input', 'residentId'];
    const [resident] = await tx.select().from(residents).where(eq(residents.id, keyOf(input.residentId, 'Resident', field)));
    if (!resident) refuse(field, UserErrorCode.NOT_FOUND, 'No resident has this ID.');
    await assertMayChange(tx, viewer, {
      districtId: resident.districtId, streetId: resident.streetId, communityId: resident.communityId, gridId: resident.gridId,
    }, field);
    const [row] = await tx.insert(volunteers).values({
      districtId: resident.districtId, streetId: resident.streetId, communityId: resident.communityId,
      residentId: resident.id, name: resident.name, phone: resident.phone,
    }).onConflictDoNothing().returning();
    if (!row) refuse(field, UserErrorCode.DUPLICATE, 'This resident is registered as a volunteer already.');
    return asVolunteer(row);
  }
  if (!input.communityId) errors.push(userError(['input', 'communityId'], UserErrorCode.REQUIRED, 'Give the resident, or the community a person from outside serves in.'));
  const name = requiredText(input.name, ['input', 'name'], 'A person who is not a resident is registered by name.', errors);
  const phone = input.phone?.trim() || null;
  if (phone !== null && !isMainlandMobile(phone)) errors.push(userError(['input', 'phone'], UserErrorCode.INVALID, 'A mobile number has 11 digits and starts with 13 to 19.'));
  refuseAll(errors);
  const field = ['input', 'communityId'];
  const [community] = await tx.select().from(communities).where(eq(communities.id, keyOf(input.communityId!, 'Community', field)));
  if (!community) refuse(field, UserErrorCode.NOT_FOUND, 'No community has this ID.');
  await assertMayChange(tx, viewer, { districtId: community.districtId, streetId: community.streetId, communityId: community.id }, field);
  const [row] = await tx.insert(volunteers).values({
    districtId: community.districtId, streetId: community.streetId, communityId: community.id, name, phone,
  }).returning();
  return asVolunteer(row);
}

// Teams -------------------------------------------------------------------------------------

export function listTeams(ctx: Context, args: In.VolunteerTeamsArgs) {
  return paginate(ctx.db, {
    table: volunteerTeams,
    where: and(withinCondition(args.filter?.within, TEAM_UNITS), contains(volunteerTeams.name, args.filter?.nameContains)),
    ordering: { column: volunteerTeams.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asTeam,
  });
}

const teamPlace = (team: TeamRow) => ({ districtId: team.districtId, streetId: team.streetId, communityId: team.communityId });

async function addMember(tx: Tx, teamKey: number, volunteerKey: number): Promise<boolean> {
  const added = await tx.insert(teamMemberships).values({ teamId: teamKey, volunteerId: volunteerKey }).onConflictDoNothing().returning();
  return added.length > 0;
}

export async function createTeam(tx: Tx, viewer: Viewer, input: In.VolunteerTeamCreateInput) {
  const errors: UserError[] = [];
  const name = requiredText(input.name, ['input', 'name'], 'A team has a name.', errors);
  refuseAll(errors);
  const field = ['input', 'communityId'];
  const [community] = await tx.select().from(communities).where(eq(communities.id, keyOf(input.communityId, 'Community', field)));
  if (!community) refuse(field, UserErrorCode.NOT_FOUND, 'No community has this ID.');
  await assertMayChange(tx, viewer, { districtId: community.districtId, streetId: community.streetId, communityId: community.id }, field);
  const leader = input.leaderId ? await volunteerArgument(tx, input.leaderId, ['input', 'leaderId']) : null;
  const [team] = await tx.insert(volunteerTeams).values({
    districtId: community.districtId, streetId: community.streetId, communityId: community.id,
    name, description: input.description?.trim() || null, leaderId: leader?.id ?? null,
  }).returning();
  if (leader) await addMember(tx, team.id, leader.id);
  return asTeam(team);
}

/** A volunteer joins a team (as themself), or the staff above the team add one. */
export async function joinTeam(tx: Tx, viewer: Viewer, teamId: string, volunteerId: string | null | undefined) {
  const team = await teamArgument(tx, teamId, ['teamId']);
  let volunteer: VolunteerRow;
  if (tokenVolunteerKey(viewer) !== null || tokenPartyMemberKey(viewer) !== null) {
    volunteer = await actingVolunteer(tx, viewer, ['teamId']);
    if (volunteerId && keyOf(volunteerId, 'Volunteer', ['volunteerId']) !== volunteer.id) {
      refuse(['volunteerId'], UserErrorCode.OUT_OF_SCOPE, 'A volunteer joins a team for themself; the community adds others.');
    }
  } else {
    if (!volunteerId) refuse(['volunteerId'], UserErrorCode.REQUIRED, 'Name the volunteer to add to the team.');
    await assertMayChange(tx, viewer, teamPlace(team), ['teamId']);
    volunteer = await volunteerArgument(tx, volunteerId, ['volunteerId']);
  }
  if (!(await addMember(tx, team.id, volunteer.id))) refuse(['volunteerId'], UserErrorCode.DUPLICATE, `${volunteer.name} is in this team already.`);
  return asTeam(team);
}

/** The staff above a team name its leader (队长), who joins it if not in it yet. */
export async function setTeamLeader(tx: Tx, viewer: Viewer, teamId: string, volunteerId: string) {
  const team = await teamArgument(tx, teamId, ['teamId']);
  await assertMayChange(tx, viewer, teamPlace(team), ['teamId']);
  const volunteer = await volunteerArgument(tx, volunteerId, ['volunteerId']);
  const [row] = await tx.update(volunteerTeams).set({ leaderId: volunteer.id, updatedAt: new Date() }).where(eq(volunteerTeams.id, team.id)).returning();
  await addMember(tx, team.id, volunteer.id);
  return asTeam(row);
}
