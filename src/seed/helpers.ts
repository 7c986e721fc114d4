/**
 * Small helpers the domain seeds share: ids a seed assigns itself, uniform draws, ages, and days
 * and moments on the calendar in China (UTC+8 all year).
 */
import { SEED_REFERENCE_DATE, type Random } from '../modules/grid/grid.seed';

const DAY_MS = 86_400_000;

/** Ids a seed assigns itself, table by table, so that rows can refer to each other before they are written. */
export class Ids {
  private readonly last = new Map<string, number>();

  /** Continues after `id`: the table already holds rows (from a migration or an earlier seed). */
  after(table: string, id: number): void {
    this.last.set(table, id);
  }

  next(table: string): number {
    const id = (this.last.get(table) ?? 0) + 1;
    this.last.set(table, id);
    return id;
  }
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The instant of a wall-clock time in China on a day `YYYY-MM-DD`. */
export function chinaTime(date: string, hour: number, minute: number): Date {
  return new Date(`${date}T${pad(hour)}:${pad(minute)}:00+08:00`);
}

/** Whole years of age on a day (the reference date unless given), from a birth date; both `YYYY-MM-DD`. */
export function ageOn(birthDate: string, on = SEED_REFERENCE_DATE): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export function uniform(rng: Random, a: number, b: number): number {
  return a + (b - a) * rng.next();
}

/** A day from `from` to `to` (both `YYYY-MM-DD`, both included). */
export function dateBetween(rng: Random, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / DAY_MS);
  return new Date(start + rng.int(0, days) * DAY_MS).toISOString().slice(0, 10);
}
