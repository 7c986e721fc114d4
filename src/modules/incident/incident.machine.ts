import { Role } from '../../auth/roles';
import { CHINA_OFFSET_MS } from '../../calendar';
import type { incidentAction, incidentStatus } from './incident.tables';

export type IncidentStatus = (typeof incidentStatus.enumValues)[number];
export type IncidentAction = (typeof incidentAction.enumValues)[number];
export type TransitionAction = Exclude<IncidentAction, 'REPORT'>;

/**
 * The closed loop (事件上报—核实受理—任务派遣—处理反馈—结案销号), DOMAIN.md §2: for each
 * action, the states it may start from and the state it leads to.
 */
export const TRANSITIONS: Record<TransitionAction, { from: readonly IncidentStatus[]; to: IncidentStatus }> = {
  ACCEPT: { from: ['REPORTED'], to: 'ACCEPTED' },
  EXPLAIN: { from: ['REPORTED'], to: 'EXPLAINED' },
  DISPATCH: { from: ['ACCEPTED', 'ESCALATED'], to: 'DISPATCHED' },
  START: { from: ['DISPATCHED'], to: 'IN_PROGRESS' },
  ESCALATE: { from: ['ACCEPTED', 'DISPATCHED', 'IN_PROGRESS'], to: 'ESCALATED' },
  FEEDBACK: { from: ['IN_PROGRESS'], to: 'HANDLED' },
  CLOSE: { from: ['HANDLED'], to: 'CLOSED' },
  REOPEN: { from: ['HANDLED'], to: 'IN_PROGRESS' },
};

/** The state an action leads to from `status`, or null when the loop does not allow it. */
export function nextStatus(status: IncidentStatus, action: TransitionAction): IncidentStatus | null {
  const transition = TRANSITIONS[action];
  return transition.from.includes(status) ? transition.to : null;
}

/** States in which an incident still needs work; its deadline can pass. */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['REPORTED', 'ACCEPTED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED'];

const COMMAND = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY];

/** Which roles take each action. Who among them may act on a given incident: see `mayAct`. */
export const ACTORS: Record<IncidentAction, readonly Role[]> = {
  REPORT: [Role.GRID_WORKER, Role.RESIDENT, ...COMMAND],
  ACCEPT: COMMAND,
  EXPLAIN: COMMAND,
  DISPATCH: COMMAND,
  START: [Role.DEPARTMENT_HANDLER],
  ESCALATE: [Role.DEPARTMENT_HANDLER, ...COMMAND],
  FEEDBACK: [Role.DEPARTMENT_HANDLER],
  CLOSE: COMMAND,
  REOPEN: [Role.RESIDENT, ...COMMAND],
};

export interface Actor {
  role: Role | null;
  subject: string | null;
  /** The department of a department handler. */
  departmentId: number | null;
}

export interface IncidentFacts {
  status: IncidentStatus;
  departmentId: number | null;
  reporterSubject: string;
}

/**
 * Whether this actor may take this action on this incident now (the viewer is already known
 * to see it): the role takes the action, the state allows it, a handler acts only for the
 * lead department, a resident only on what they reported.
 */
export function mayAct(action: TransitionAction, incident: IncidentFacts, actor: Actor): boolean {
  if (actor.role === null || !ACTORS[action].includes(actor.role)) return false;
  if (nextStatus(incident.status, action) === null) return false;
  if (actor.role === Role.DEPARTMENT_HANDLER) return incident.departmentId !== null && incident.departmentId === actor.departmentId;
  if (actor.role === Role.RESIDENT) return incident.reporterSubject === actor.subject;
  return true;
}

/** The next joint meeting (联席会议), held on the 25th of each month, by the calendar in China. */
export function nextJointMeeting(from: Date): string {
  const local = new Date(from.getTime() + CHINA_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  const meeting = local.getUTCDate() < 25 ? new Date(Date.UTC(year, month, 25)) : new Date(Date.UTC(year, month + 1, 25));
  return meeting.toISOString().slice(0, 10);
}
