/** The calendar the users live by: dates in China (UTC+8, no daylight saving). */
export const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The date in China at an instant, `YYYY-MM-DD`. */
export function chinaDate(at: Date = new Date()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
