import { expect, test } from 'vitest';
import { Role } from '../../src/auth/roles';
import { MATTER_STEPS, mayTakeStep, nextMatterStatus, type MatterStatus, type MatterStep } from '../../src/modules/property/matter.machine';
import { majorMatterStatus } from '../../src/modules/property/property.tables';

const EXPECTED: Record<MatterStatus, Partial<Record<MatterStep, MatterStatus>>> = {
  PROPOSED: { REVIEW: 'REVIEWED', REJECT: 'REJECTED' },
  REVIEWED: { APPROVE: 'APPROVED', REJECT: 'REJECTED' },
  APPROVED: { OPEN_VOTE: 'VOTING', REJECT: 'REJECTED' },
  VOTING: { EXECUTE: 'EXECUTED', REJECT: 'REJECTED' },
  EXECUTED: {},
  REJECTED: {},
};

const PAIRS = majorMatterStatus.enumValues.flatMap((s) => (Object.keys(MATTER_STEPS) as MatterStep[]).map((a) => [s, a] as const));

test.each(PAIRS)('%s --%s-->', (status, step) => {
  expect(nextMatterStatus(status, step)).toBe(EXPECTED[status][step] ?? null);
});

test('each step is taken by its own organisation', () => {
  expect(mayTakeStep('REVIEW', 'PROPOSED', Role.GRID_WORKER)).toBe(true);
  expect(mayTakeStep('REVIEW', 'PROPOSED', Role.COMMUNITY_SECRETARY)).toBe(false);
  expect(mayTakeStep('APPROVE', 'REVIEWED', Role.COMMUNITY_SECRETARY)).toBe(true);
  expect(mayTakeStep('APPROVE', 'REVIEWED', Role.OWNERS_COMMITTEE)).toBe(false);
  expect(mayTakeStep('REJECT', 'REVIEWED', Role.GRID_WORKER)).toBe(false);
  expect(mayTakeStep('REJECT', 'VOTING', Role.OWNERS_COMMITTEE)).toBe(true);
  expect(mayTakeStep('REJECT', 'EXECUTED', Role.COMMUNITY_SECRETARY)).toBe(false);
  expect(mayTakeStep('EXECUTE', 'VOTING', Role.PROPERTY_COMPANY)).toBe(false);
});
