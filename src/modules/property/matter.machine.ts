import { Role } from '../../auth/roles';
import type { majorMatterAction, majorMatterKind, majorMatterStatus, matterKind } from './property.tables';

export type MatterStatus = (typeof majorMatterStatus.enumValues)[number];
export type MatterAction = (typeof majorMatterAction.enumValues)[number];
export type MatterKind = (typeof majorMatterKind.enumValues)[number];
export type MatterStep = Exclude<MatterAction, 'PROPOSE'>;

/**
 * The approval chain of major matters (003): proposal → service-station review (服务站审核)
 * → community party organisation approval (社区党组织审批) → owners' vote → executed; or
 * rejected with a reason at any step before execution. For each step: the states it starts
 * from, where it leads, and who takes it.
 */
export const MATTER_STEPS: Record<MatterStep, { from: readonly MatterStatus[]; to: MatterStatus; actors: readonly Role[] }> = {
  REVIEW: { from: ['PROPOSED'], to: 'REVIEWED', actors: [Role.GRID_WORKER] },
  APPROVE: { from: ['REVIEWED'], to: 'APPROVED', actors: [Role.COMMUNITY_SECRETARY] },
  OPEN_VOTE: { from: ['APPROVED'], to: 'VOTING', actors: [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY] },
  EXECUTE: { from: ['VOTING'], to: 'EXECUTED', actors: [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY] },
  REJECT: { from: ['PROPOSED', 'REVIEWED', 'APPROVED', 'VOTING'], to: 'REJECTED', actors: [Role.GRID_WORKER, Role.COMMUNITY_SECRETARY, Role.OWNERS_COMMITTEE] },
};

export const PROPOSERS: readonly Role[] = [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY];

/** Who may reject depends on the step the matter waits at: the one who would take it. */
const REJECTERS: Record<MatterStatus, readonly Role[]> = {
  PROPOSED: [Role.GRID_WORKER, Role.COMMUNITY_SECRETARY],
  REVIEWED: [Role.COMMUNITY_SECRETARY],
  APPROVED: [Role.COMMUNITY_SECRETARY],
  VOTING: [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY],
  EXECUTED: [],
  REJECTED: [],
};

export function nextMatterStatus(status: MatterStatus, step: MatterStep): MatterStatus | null {
  return MATTER_STEPS[step].from.includes(status) ? MATTER_STEPS[step].to : null;
}

/** Whether this role may take this step from this state (scope is checked by the service). */
export function mayTakeStep(step: MatterStep, status: MatterStatus, role: Role | null): boolean {
  if (role === null || nextMatterStatus(status, step) === null) return false;
  if (step === 'REJECT') return REJECTERS[status].includes(role);
  return MATTER_STEPS[step].actors.includes(role);
}

/** The kind of owners' vote a matter goes to (Civil Code art. 278 decides its thresholds). */
export const VOTE_KIND_OF_MATTER: Record<MatterKind, (typeof matterKind.enumValues)[number]> = {
  COMMITTEE_REELECTION: 'COMMITTEE_ELECTION',
  COMPANY_HIRE: 'COMPANY_HIRE_OR_DISMISS',
  COMPANY_DISMISS: 'COMPANY_HIRE_OR_DISMISS',
  MAINTENANCE_FUND_USE: 'MAINTENANCE_FUND_USE',
};
