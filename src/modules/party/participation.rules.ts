/** Hours of one participation: a part of one day's service. */
export const MAX_PARTICIPATION_HOURS = 24;

/** Why these hours cannot be recorded, or null when they can. */
export function hoursProblem(hours: string): string | null {
  const value = Number(hours);
  if (!Number.isFinite(value) || value <= 0) return 'Hours are more than zero.';
  if (value > MAX_PARTICIPATION_HOURS) return `One participation lasts at most ${MAX_PARTICIPATION_HOURS} hours.`;
  return null;
}

/**
 * Why a participation cannot have happened on `occurredOn` (China dates, `YYYY-MM-DD`), or
 * null when it can: not in the future, and while the report-in was active.
 */
export function occurredOnProblem(occurredOn: string, today: string, reportedOn: string, withdrawnOn: string | null): string | null {
  if (occurredOn > today) return 'A participation is recorded after it happened: this date is in the future.';
  if (occurredOn < reportedOn) return `The report-in began on ${reportedOn}: a participation cannot precede it.`;
  if (withdrawnOn !== null && occurredOn > withdrawnOn) return `The report-in was withdrawn on ${withdrawnOn}: a participation cannot follow it.`;
  return null;
}
