import { describe, expect, test } from 'vitest';
import { Role } from '../../src/auth/roles';
import { mayAct, nextJointMeeting, nextStatus, TRANSITIONS, type IncidentStatus, type TransitionAction } from '../../src/modules/incident/incident.machine';
import { incidentStatus } from '../../src/modules/incident/incident.tables';

/** The loop of DOMAIN.md §2, written out as the full table: every (state, action) pair. */
const EXPECTED: Record<IncidentStatus, Partial<Record<TransitionAction, IncidentStatus>>> = {
  REPORTED: { ACCEPT: 'ACCEPTED', EXPLAIN: 'EXPLAINED' },
  ACCEPTED: { DISPATCH: 'DISPATCHED', ESCALATE: 'ESCALATED' },
  EXPLAINED: {},
  DISPATCHED: { START: 'IN_PROGRESS', ESCALATE: 'ESCALATED' },
  IN_PROGRESS: { FEEDBACK: 'HANDLED', ESCALATE: 'ESCALATED' },
  ESCALATED: { DISPATCH: 'DISPATCHED' },
  HANDLED: { CLOSE: 'CLOSED', REOPEN: 'IN_PROGRESS' },
  CLOSED: {},
};

const ACTIONS = Object.keys(TRANSITIONS) as TransitionAction[];
const PAIRS = incidentStatus.enumValues.flatMap((status) => ACTIONS.map((action) => [status, action] as const));

describe('incident state machine', () => {
  test('the table covers every state', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...incidentStatus.enumValues].sort());
  });

  test.each(PAIRS)('%s --%s-->', (status, action) => {
    expect(nextStatus(status, action)).toBe(EXPECTED[status][action] ?? null);
  });

  test('a handler acts only for the lead department; a resident only on their own report', () => {
    const dispatched = { status: 'DISPATCHED' as const, departmentId: 7, reporterSubject: 'r1' };
    expect(mayAct('START', dispatched, { role: Role.DEPARTMENT_HANDLER, subject: 'h', departmentId: 7 })).toBe(true);
    expect(mayAct('START', dispatched, { role: Role.DEPARTMENT_HANDLER, subject: 'h', departmentId: 8 })).toBe(false);
    expect(mayAct('START', dispatched, { role: Role.STREET_OFFICER, subject: 'o', departmentId: null })).toBe(false);
    const handled = { status: 'HANDLED' as const, departmentId: 7, reporterSubject: 'r1' };
    expect(mayAct('REOPEN', handled, { role: Role.RESIDENT, subject: 'r1', departmentId: null })).toBe(true);
    expect(mayAct('REOPEN', handled, { role: Role.RESIDENT, subject: 'r2', departmentId: null })).toBe(false);
    expect(mayAct('CLOSE', handled, { role: Role.RESIDENT, subject: 'r1', departmentId: null })).toBe(false);
    expect(mayAct('CLOSE', handled, { role: null, subject: null, departmentId: null })).toBe(false);
  });

  test('the joint meeting is the next 25th in China', () => {
    expect(nextJointMeeting(new Date('2026-11-03T10:00:00+08:00'))).toBe('2026-11-25');
    expect(nextJointMeeting(new Date('2026-11-25T09:00:00+08:00'))).toBe('2026-12-25');
    expect(nextJointMeeting(new Date('2026-12-24T23:30:00+08:00'))).toBe('2026-12-25');
    expect(nextJointMeeting(new Date('2026-12-30T01:00:00+08:00'))).toBe('2027-01-25');
  });
});
